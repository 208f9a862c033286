"""tensorboardX's ``GlobalSummaryWriter``: one writer shared by a program's modules and threads,
numbering each tag's steps itself (0, 1, 2, ... per tag and kind).

tensorboardX keeps the counters in a ``multiprocessing.Manager`` (a server process) so that
``Pool`` workers share them; here they live in the process, behind a lock a fork replaces, and a
forked worker writes its own event file with its own counters (the writer's fork rules).
"""

from __future__ import annotations

import os
import threading
import weakref

from tbx_tui.writer.summary_writer import SummaryWriter

_LIVE: weakref.WeakSet[GlobalSummaryWriter] = weakref.WeakSet()


class GlobalSummaryWriter:
    """A SummaryWriter whose ``add_scalar``/``add_image``/``add_text`` take no step."""

    _shared: GlobalSummaryWriter | None = None

    def __init__(
        self,
        logdir=None,
        comment="",
        purge_step=None,
        max_queue=10,
        flush_secs=120,
        filename_suffix="",
        write_to_disk=True,
        log_dir=None,
        coalesce_process=True,
        **kwargs,
    ) -> None:
        self.smw = SummaryWriter(
            logdir=logdir,
            comment=comment,
            purge_step=purge_step,
            max_queue=max_queue,
            flush_secs=flush_secs,
            filename_suffix=filename_suffix,
            write_to_disk=write_to_disk,
            log_dir=log_dir,
            **kwargs,
        )
        self.lock = threading.Lock()
        self._steps: dict[tuple[str, str], int] = {}
        _LIVE.add(self)

    def _next_step(self, kind: str, tag: str) -> int:
        step = self._steps.get((kind, tag), -1) + 1
        self._steps[(kind, tag)] = step
        return step

    def add_scalar(self, tag: str, scalar_value, walltime=None) -> None:
        with self.lock:  # numbered and queued together: steps reach the file in order
            self.smw.add_scalar(tag, scalar_value, self._next_step("scalar", tag), walltime)

    def add_image(self, tag: str, img_tensor, walltime=None, dataformats="CHW") -> None:
        with self.lock:
            step = self._next_step("image", tag)
            self.smw.add_image(tag, img_tensor, step, walltime=walltime, dataformats=dataformats)

    def add_text(self, tag: str, text_string: str, walltime=None) -> None:
        with self.lock:
            step = self._next_step("text", tag)
            self.smw.add_text(tag, text_string, global_step=step, walltime=walltime)

    @staticmethod
    def getSummaryWriter() -> GlobalSummaryWriter:  # noqa: N802 (tensorboardX's name)
        """The program-wide instance, made on first use (in ``runs/<date>_<host>``)."""
        shared = GlobalSummaryWriter._shared
        if shared is None or shared.smw is None:
            shared = GlobalSummaryWriter._shared = GlobalSummaryWriter()
        return shared

    @property
    def file_writer(self):
        """The writer's main event file (reopened after close(), as in tensorboardX)."""
        return self.smw._get_file_writer()

    def flush(self) -> None:
        self.smw.flush()

    def close(self) -> None:
        self.smw.flush()
        self.smw.close()


def _fresh_locks_in_child() -> None:
    for writer in list(_LIVE):
        writer.lock = threading.Lock()


os.register_at_fork(after_in_child=_fresh_locks_in_child)
