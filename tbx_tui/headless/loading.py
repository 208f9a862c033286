"""Reading a logdir once for the headless modes, and saying why when it can't be read."""

from __future__ import annotations

import itertools
import sys
import time
from collections.abc import Iterator

from tbx_tui.read.logdir import RETRY_FIRST, Logdir
from tbx_tui.read.store import Run
from tbx_tui.term.sanitize import safe_text


def _cannot_list(path: str, logdir: Logdir) -> None:
    for warning in logdir.warnings or [f"cannot list {path}"]:
        print(f"tbx-top: error: {safe_text(warning)}", file=sys.stderr)


def stream_for_report(path: str, attempts: int = 2) -> tuple[Logdir, Iterator[Run]] | None:
    """The logdir's runs one at a time (:meth:`Logdir.each_run`: memory for one run, not the
    whole logdir), and the logdir for its warnings and :attr:`~Logdir.ok` once they are all read.
    A listing that fails is tried ``attempts`` times in all (after 1, 2, 4... s); then the
    reasons go to stderr and the result is None: the caller exits non-zero rather than report
    "0 runs"."""
    logdir = Logdir(path)
    for i in range(attempts):
        runs = logdir.each_run()
        first = next(runs, None)
        if logdir.listed:
            head = [first] if first is not None else []
            return logdir, itertools.chain(head, runs)
        if i + 1 < attempts:
            time.sleep(RETRY_FIRST * 2**i)
    _cannot_list(path, logdir)
    return None
