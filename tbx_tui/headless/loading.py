"""Reading a logdir once for the headless modes, and saying why when it can't be read."""

from __future__ import annotations

import sys

from tbx_tui.read.logdir import Logdir, load
from tbx_tui.term.sanitize import safe_text


def load_for_report(path: str) -> Logdir | None:
    """The logdir read once (a failing store is retried a few times). When it could not even be
    listed, the reasons go to stderr and the result is None: the caller exits non-zero rather
    than report "0 runs"."""
    logdir = load(path)
    if logdir.listed:
        return logdir
    for warning in logdir.warnings or [f"cannot list {path}"]:
        print(f"tbx-top: error: {safe_text(warning)}", file=sys.stderr)
    return None
