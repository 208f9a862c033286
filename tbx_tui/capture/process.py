"""Running the job (or reading a pipe), passing its output through, and handling signals.

Output is passed through as it arrives, byte for byte: each chunk read from the child's stdout
(stderr) is written to ours before it is parsed, so nothing is added, dropped or delayed.

Signals (:mod:`~tbx_tui.capture.signals`): SIGINT, SIGTERM and SIGHUP are blocked in every thread
and taken in the main thread with ``sigtimedwait``. One sent to tbx-log (``kill``) is forwarded to
the child; one the terminal sent to its whole process group (Ctrl-C: ``si_code`` SI_KERNEL)
already reached the child and is not sent twice. Either way tbx-log waits for the child, writes
everything read so far and exits with the child's code (128+N when a signal N ended it). Reading
stdin, a signal ends the reading: what was read is written and tbx-log exits with 128+N.
"""

from __future__ import annotations

import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable

from tbx_tui.capture.console import Recorder
from tbx_tui.capture.signals import SignalGate

READ_SIZE = 1 << 16
#: After the child exits, how long its output pipes may stay open (a background grandchild may
#: hold them) before tbx-log stops waiting for them.
DRAIN_SECONDS = 5.0
TICK = 0.2
#: Chunks read but not yet parsed, at most (each up to READ_SIZE bytes).
QUEUE_CHUNKS = 4096


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


class ParseWorker:
    """Feeds the recorder on a thread of its own, so that parsing never delays the pass-through.

    Chunks wait in a queue of :data:`QUEUE_CHUNKS`; a job printing faster than its lines can be
    parsed for long enough to fill it is slowed down to the parsing speed (its pipe fills), never
    robbed of a line.
    """

    def __init__(self, recorder: Recorder) -> None:
        self.recorder = recorder
        self.queue: queue.Queue[tuple[str, bytes | None] | None] = queue.Queue(QUEUE_CHUNKS)
        #: The first error met while recording; the queue keeps draining after it, so that the
        #: job is never blocked on a full pipe because logging failed.
        self.error: Exception | None = None
        self.thread = _start(self._run)

    def put(self, stream: str, data: bytes | None) -> None:
        """A chunk of ``stream``; None marks its end."""
        self.queue.put((stream, data))

    def close(self, timeout: float | None = None) -> None:
        """Parse everything queued, then stop."""
        self.queue.put(None)
        self.thread.join(timeout)

    def _run(self) -> None:
        while (item := self.queue.get()) is not None:
            if self.error is not None:
                continue
            stream, data = item
            try:
                if data is None:
                    self.recorder.end_of_stream(stream)
                else:
                    self.recorder.feed(stream, data)
            except Exception as exc:
                self.error = exc


def warn(message: str) -> None:
    """tbx-log's own complaint, on stderr (the job's output is never touched)."""
    sys.stderr.write(f"tbx-log: error: {message}\n")
    sys.stderr.flush()


def finish(
    recorder: Recorder, worker: ParseWorker, code: int, duration: float, command: bool
) -> None:
    """Record the end; a failure to write is said, and the job's exit code still returned."""
    error = worker.error
    try:
        recorder.finish(code, duration, command=command)
    except Exception as exc:
        error = error or exc
    if error is not None:
        warn(f"logging stopped: {error}")


def pump(src: int, dest: int | None, stream: str, worker: ParseWorker) -> None:
    """Copy ``src`` to ``dest`` (pass-through) and to the parser until end of file."""
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
        worker.put(stream, data)
    worker.put(stream, None)


def exit_code(returncode: int) -> int:
    """A shell's view of a child's end: its code, or 128+N when signal N killed it."""
    return 128 - returncode if returncode < 0 else returncode


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
    gate: SignalGate,
    on_start: Callable[[int], None] | None = None,
) -> int:
    """Run ``argv`` with its output passed through and recorded; its exit code (128+N for a
    signal). ``on_start(pid)`` runs once the child exists (system metrics watch it)."""
    child_env = dict(os.environ)
    child_env.setdefault("PYTHONUNBUFFERED", "1")  # a Python job's prints arrive as it prints
    started = time.monotonic()
    with gate.unblocked():
        child = subprocess.Popen(
            argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=child_env
        )
    assert child.stdout is not None and child.stderr is not None
    stop = threading.Event()
    worker = ParseWorker(recorder)
    try:
        if on_start is not None:
            on_start(child.pid)
        readers = [
            _start(pump, child.stdout.fileno(), 1, "stdout", worker),
            _start(pump, child.stderr.fileno(), 2, "stderr", worker),
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
        worker.close()
        stop.set()
        ticker.join()
    finally:
        stop.set()
    code = exit_code(child.returncode)
    finish(recorder, worker, code, time.monotonic() - started, command=True)
    child.stdout.close()
    child.stderr.close()
    return code


def run_stdin(recorder: Recorder, gate: SignalGate, src: int = 0, dest: int = 1) -> int:
    """Read ``src`` (stdin) to its end, passing it through to ``dest``; 0, or 128+N when
    signal N stopped the reading."""
    stop = threading.Event()
    started = time.monotonic()
    code = 0
    worker = ParseWorker(recorder)
    try:
        reader = _start(pump, src, dest, "stdout", worker)
        ticker = _start(_ticker, recorder, stop)
        while reader.is_alive():
            got = gate.wait(TICK)
            if got is not None and got[0] != signal.SIGCHLD:
                code = 128 + got[0]
                break
        worker.close(DRAIN_SECONDS if code else None)
        stop.set()
        ticker.join()
    finally:
        stop.set()
    finish(recorder, worker, code, time.monotonic() - started, command=False)
    return code


def wait_for_signal(gate: SignalGate) -> int:
    """Block until SIGINT, SIGTERM or SIGHUP (how ``tbx-log --sys`` with no command is stopped:
    the normal end, so 0), and return its number."""
    while True:
        got = gate.wait(3600.0)
        if got is not None and got[0] != signal.SIGCHLD:
            return got[0]
