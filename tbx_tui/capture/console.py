"""What ``tbx-log`` keeps of a job's output: the numbers as scalars, the lines as the console.

Bytes arrive per stream (stdout, stderr) in whatever chunks the pipe gives; :class:`Recorder`
cuts them into lines, hands every line to the parser and keeps it for the console. A segment
ended by a carriage return (a progress bar redrawing itself) is parsed, but the console keeps only
what a terminal would finally show on that line.

The console is written as text events under ``console/stdout``, ``console/stderr`` and
``console/tbx-log`` (tbx-log's own notes), a batch of lines per event: TensorBoard's Text dashboard
shows each batch as a table, one row per line. A batch holds consecutive lines of one stream and
its step is the number of its first line (counted over all streams), so tbx-top's Console view
puts stdout and stderr back in the order they were printed. A batch is written when it is
:data:`BATCH_SECONDS` old, :data:`BATCH_LINES` long, or the other stream prints.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

from tbx_tui.capture.parse import LineParser

BATCH_LINES = 500
BATCH_SECONDS = 0.5
#: A line longer than this is cut (the rest is kept as further lines): a job printing megabytes
#: without a newline must not grow memory without bound.
MAX_LINE_BYTES = 64 << 10
CONSOLE_PREFIX = "console/"
META_STREAM = "tbx-log"


class Recorder:
    """Turns a job's output into scalars and console text in ``writer``; thread-safe."""

    def __init__(
        self,
        writer: Any,
        parser: LineParser,
        clock: Callable[[], float] = time.time,
        batch_seconds: float = BATCH_SECONDS,
    ) -> None:
        self.writer = writer
        self.parser = parser
        self.clock = clock
        self.batch_seconds = batch_seconds
        self.lines_seen = 0
        self.values_seen = 0
        self._lock = threading.Lock()
        self._partial: dict[str, bytes] = {}
        self._batch: list[str] = []
        self._batch_stream = ""
        self._batch_step = 0
        self._batch_started: float | None = None

    # -- input ---------------------------------------------------------------------------------

    def feed(self, stream: str, data: bytes) -> None:
        """Bytes read from ``stream`` ("stdout" or "stderr")."""
        with self._lock:
            buf = self._partial.get(stream, b"") + data
            start = 0
            n = len(buf)
            if b"\r" not in buf:  # the common case: whole lines, split at C speed
                *lines, rest = buf.split(b"\n")
                for raw in lines:
                    self._line(stream, raw, keep=True)
                start = n - len(rest)
            while start < n:
                newline = buf.find(b"\n", start)
                ret = buf.find(b"\r", start)
                if newline < 0 and ret < 0:
                    break
                if ret >= 0 and (newline < 0 or ret < newline):
                    if ret + 1 == n:
                        break  # \r at the end of a chunk: maybe the first half of \r\n
                    if buf[ret + 1 : ret + 2] == b"\n":
                        self._line(stream, buf[start:ret], keep=True)
                        start = ret + 2
                    else:
                        self._line(stream, buf[start:ret], keep=False)
                        start = ret + 1
                else:
                    self._line(stream, buf[start:newline], keep=True)
                    start = newline + 1
            rest = buf[start:]
            while len(rest) > MAX_LINE_BYTES:
                self._line(stream, rest[:MAX_LINE_BYTES], keep=True)
                rest = rest[MAX_LINE_BYTES:]
            self._partial[stream] = rest
            self._flush_if_due()

    def note(self, text: str) -> None:
        """A line of tbx-log's own (start, exit) kept in the console, never printed."""
        with self._lock:
            self._keep(META_STREAM, text)

    def end_of_stream(self, stream: str) -> None:
        """The stream closed: its last line, even without a newline, counts."""
        with self._lock:
            rest = self._partial.pop(stream, b"")
            if rest:
                self._line(stream, rest, keep=True)

    def tick(self) -> None:
        """Write the console batch if it is old enough (call a few times a second)."""
        with self._lock:
            self._flush_if_due()

    def flush(self) -> None:
        """Write everything kept so far and hand it to the OS."""
        with self._lock:
            for stream in list(self._partial):
                rest = self._partial.pop(stream)
                if rest:
                    self._line(stream, rest, keep=True)
            self._write_batch()
        self.writer.flush()

    def finish(self, code: int, duration: float, command: bool = True) -> None:
        """The job ended: its exit code and duration as scalars and a console note; flush."""
        self.flush()
        with self._lock:
            last = self.parser.last_step
            step = last if last is not None else self.parser.line_number
            wall = self.clock()
            if command:
                self.writer.add_scalar("process/exit_code", float(code), step, walltime=wall)
            self.writer.add_scalar("process/duration_s", duration, step, walltime=wall)
            what = f"exited with code {code}" if command else f"input ended (code {code})"
            self._keep(META_STREAM, f"[tbx-log] {what} after {duration:.1f}s")
            self._write_batch()
        self.writer.flush()

    # -- internals (called with the lock held) ---------------------------------------------------

    def _line(self, stream: str, raw: bytes, keep: bool) -> None:
        text = raw.decode("utf-8", "replace")
        self.lines_seen += 1
        parsed = self.parser.parse(text)
        if parsed.values:
            wall = self.clock()
            step = parsed.step if parsed.step is not None else self.parser.line_number
            for tag, value in parsed.values.items():
                self.writer.add_scalar(tag, value, step, walltime=wall)
            self.values_seen += len(parsed.values)
        if keep:
            self._keep(stream, text)

    def _keep(self, stream: str, text: str) -> None:
        if self._batch and stream != self._batch_stream:
            self._write_batch()  # a batch holds one stream's consecutive lines
        if not self._batch:
            self._batch_started = self.clock()
            self._batch_stream = stream
            self._batch_step = self.parser.line_number
        self._batch.append(text)
        if len(self._batch) >= BATCH_LINES:
            self._write_batch()

    def _flush_if_due(self) -> None:
        started = self._batch_started
        if started is not None and self.clock() - started >= self.batch_seconds:
            self._write_batch()

    def _write_batch(self) -> None:
        if self._batch:
            tag = CONSOLE_PREFIX + self._batch_stream
            self.writer.add_text_lines(tag, self._batch, self._batch_step, walltime=self.clock())
        self._batch = []
        self._batch_started = None
