"""What the ``add_*`` mixins (:mod:`~tbx_tui.writer.media`, :mod:`~tbx_tui.writer.plugins`)
need from :class:`~tbx_tui.writer.summary_writer.SummaryWriter`: checking it is open, resolving
steps and wall times, and queueing summaries. Typing their ``self`` with this protocol lets mypy
check the mixins against the writer without them reaching into its private attributes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

import numpy as np

# a summary's bytes, or a callable building them on the flusher thread
SummaryPayload = bytes | Callable[[], bytes]


class WriterPlumbing(Protocol):
    logdir: str

    @property
    def writes_to_disk(self) -> bool: ...

    @property
    def closed(self) -> bool:
        """True after close() (until the next write reopens the writer)."""
        ...

    def ensure_open(self) -> None:
        """Reopen the writer (a new event file) if it was closed, as tensorboardX does."""

    def resolve_step(self, step: Any, tag: str) -> int:
        """``step`` checked as an int64, or the ``use_metadata`` default when it is None."""
        ...

    def resolve_walltime(self, walltime: Any, tag: str = "") -> float:
        """``walltime`` as a float, or the writer's clock when it is None."""
        ...

    def put_summary(
        self, summary: SummaryPayload, step: Any, walltime: Any, tag: str, nbytes: int = 0
    ) -> None:
        """Queue one Summary message for the main event file."""

    def put_array(
        self,
        tag: str,
        values: Any,
        step: Any,
        walltime: Any,
        build: Callable[[np.ndarray], bytes],
        prepare: Callable[[np.ndarray], np.ndarray] | None = None,
    ) -> None:
        """Queue the summary ``build(prepare(array))`` of ``values`` (see SummaryWriter)."""

    def put_raw(self, body: bytes, step: Any = None, walltime: Any = None) -> None:
        """Queue Event fields after ``wall_time`` and ``step`` (a graph, run metadata) as they
        are."""

    def write_run_file(self, run: str, records: list[bytes]) -> None:
        """Write serialized Events into a new event file in the folder ``run`` (and close it)."""
