"""Running the job (or reading a pipe), passing its output through, and handling signals.

Output is passed through as it arrives, byte for byte: each chunk read from the child's stdout
(stderr) is written to ours before it is parsed, so nothing is added, dropped or delayed.

Signals: SIGINT, SIGTERM and SIGHUP are blocked in every thread and taken in the main thread with
``sigtimedwait``. One sent to tbx-log (``kill``) is forwarded to the child; one the terminal sent
to its whole process group (Ctrl-C: ``si_code`` SI_KERNEL) already reached the child and is not
sent twice. Either way tbx-log waits for the child, writes everything read so far and exits with
the child's code (128+N when a signal N ended it). Reading stdin, a signal ends the reading: what
was read is written and tbx-log exits with 128+N.
"""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections.abc import Callable

from tbx_tui.capture.console import Recorder

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: ``si_code`` of a signal the kernel sent (the terminal's Ctrl-C, Ctrl-\\ ...).
SI_KERNEL = 0x80
READ_SIZE = 1 << 16
#: After the child exits, how long its output pipes may stay open (a background grandchild may
#: hold them) before tbx-log stops waiting for them.
DRAIN_SECONDS = 5.0
TICK = 0.2


def write_all(fd: int, data: bytes) -> bool:
    """Write ``data`` to ``fd`` entirely; False once the reader went away (EPIPE)."""
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BrokenPipeError:
            return False
        except InterruptedError:  # pragma: no cover - PEP 475 retries for us
            continue
        view = view[n:]
    return True


def pump(src: int, dest: int | None, stream: str, recorder: Recorder) -> None:
    """Copy ``src`` to ``dest`` (pass-through) and to the recorder until end of file."""
    passing = dest is not None
    while True:
        try:
            data = os.read(src, READ_SIZE)
        except OSError:
            data = b""
        if not data:
            break
        if passing and dest is not None:
            passing = write_all(dest, data)
        recorder.feed(stream, data)
    recorder.end_of_stream(stream)


def exit_code(returncode: int) -> int:
    """A shell's view of a child's end: its code, or 128+N when signal N killed it."""
    return 128 - returncode if returncode < 0 else returncode


class SignalGate:
    """Blocks the forwarded signals (in this thread and the threads it starts later) and hands
    them over one at a time; unblocks them when closed."""

    def __init__(self) -> None:
        self.signals = {*FORWARDED, signal.SIGCHLD}
        self._before = signal.pthread_sigmask(signal.SIG_BLOCK, self.signals)

    def wait(self, timeout: float) -> tuple[int, bool] | None:
        """``(signal number, sent by the kernel)`` or None after ``timeout`` seconds."""
        info = signal.sigtimedwait(self.signals, timeout)
        if info is None:
            return None
        return info.si_signo, info.si_code == SI_KERNEL

    def close(self) -> None:
        signal.pthread_sigmask(signal.SIG_SETMASK, self._before)


def _start(target: Callable[..., None], *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def _ticker(recorder: Recorder, stop: threading.Event) -> None:
    while not stop.wait(TICK):
        recorder.tick()


def run_command(
    argv: list[str],
    recorder: Recorder,
    on_start: Callable[[int], None] | None = None,
    env: dict[str, str] | None = None,
) -> int:
    """Run ``argv`` with its output passed through and recorded; its exit code (128+N for a
    signal). ``on_start(pid)`` runs once the child exists (system metrics watch it)."""
    child_env = dict(os.environ if env is None else env)
    child_env.setdefault("PYTHONUNBUFFERED", "1")  # a Python job's prints arrive as it prints
    started = time.monotonic()
    child = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env)
    assert child.stdout is not None and child.stderr is not None
    gate = SignalGate()
    stop = threading.Event()
    try:
        if on_start is not None:
            on_start(child.pid)
        readers = [
            _start(pump, child.stdout.fileno(), 1, "stdout", recorder),
            _start(pump, child.stderr.fileno(), 2, "stderr", recorder),
        ]
        ticker = _start(_ticker, recorder, stop)
        while child.poll() is None:
            got = gate.wait(TICK)
            if got is not None:
                signo, from_kernel = got
                if signo != signal.SIGCHLD and not from_kernel:
                    try:
                        child.send_signal(signo)
                    except ProcessLookupError:  # pragma: no cover - it just ended
                        pass
        deadline = time.monotonic() + DRAIN_SECONDS
        for reader in readers:
            reader.join(max(0.0, deadline - time.monotonic()))
        stop.set()
        ticker.join()
    finally:
        stop.set()
        gate.close()
    code = exit_code(child.returncode)
    duration = time.monotonic() - started
    recorder.finish(code, duration)
    child.stdout.close()
    child.stderr.close()
    return code


def run_stdin(recorder: Recorder, src: int = 0, dest: int = 1) -> int:
    """Read ``src`` (stdin) to its end, passing it through to ``dest``; 0, or 128+N when
    signal N stopped the reading."""
    gate = SignalGate()
    stop = threading.Event()
    started = time.monotonic()
    code = 0
    try:
        reader = _start(pump, src, dest, "stdout", recorder)
        ticker = _start(_ticker, recorder, stop)
        while reader.is_alive():
            got = gate.wait(TICK)
            if got is not None and got[0] != signal.SIGCHLD:
                code = 128 + got[0]
                break
        stop.set()
        ticker.join()
    finally:
        stop.set()
        gate.close()
    recorder.finish(code, time.monotonic() - started, command=False)
    return code


def wait_for_signal() -> int:
    """Block until SIGINT, SIGTERM or SIGHUP (how ``tbx-log --sys`` with no command is stopped:
    the normal end, so 0), and return its number."""
    gate = SignalGate()
    try:
        while True:
            got = gate.wait(3600.0)
            if got is not None and got[0] != signal.SIGCHLD:
                return got[0]
    finally:
        gate.close()
