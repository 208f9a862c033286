"""A reader that closed the pipe (``tbx-top --once | head``) ends the output quietly."""

from __future__ import annotations

import os


def drop_output(fd: int) -> None:
    """After a BrokenPipeError on ``fd``: point it at /dev/null, so that what is still buffered
    (flushed again at exit) does not raise a second time."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, fd)
    os.close(devnull)
