"""Keeping SIGINT, SIGTERM and SIGHUP for tbx-log's main thread, which takes them one at a time.

A signal sent to a process goes to any one of its threads that does not block it. Taken by a
worker thread (the writer's, the output pumps', a native one such as OpenBLAS's), Python's default
action would run instead (KeyboardInterrupt in the main thread, or the end of tbx-log) and the
child would never get it. So the gate is opened first thing in ``main``, before any import that
may start a thread: every thread started later inherits the blocked mask.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: ``si_code`` of a signal the kernel sent (the terminal's Ctrl-C, Ctrl-\\ ...).
SI_KERNEL = 0x80


class SignalGate:
    """Blocks the forwarded signals (in this thread and the threads it starts later) and hands
    them over one at a time; unblocks them when closed. Open it before any other thread starts."""

    def __init__(self) -> None:
        self.signals = {*FORWARDED, signal.SIGCHLD}
        self._before = signal.pthread_sigmask(signal.SIG_BLOCK, self.signals)

    @contextmanager
    def unblocked(self) -> Iterator[None]:
        """The mask from before the gate, while a child starts: a child inherits the mask of
        the thread that starts it, and a job must get its signals."""
        signal.pthread_sigmask(signal.SIG_SETMASK, self._before)
        try:
            yield
        finally:
            signal.pthread_sigmask(signal.SIG_BLOCK, self.signals)

    def wait(self, timeout: float) -> tuple[int, bool] | None:
        """``(signal number, sent by the kernel)`` or None after ``timeout`` seconds."""
        info = signal.sigtimedwait(self.signals, timeout)
        if info is None:
            return None
        return info.si_signo, info.si_code == SI_KERNEL

    def close(self) -> None:
        signal.pthread_sigmask(signal.SIG_SETMASK, self._before)
