"""The writer's queue and its background flusher.

Callers append ``(key, step, wall, value)`` tuples to :attr:`Pipeline.pending` under
:attr:`Pipeline.lock` and return: that is all an ``add_scalar`` costs. Encoding happens in
batches, in call order, either on the background thread (every :data:`HAND_OVER_SECS`, or
``flush_secs`` if shorter; at once when the queue grows past a high-water mark; soon after a device
value was queued) or in the caller's thread in :meth:`Pipeline.flush` / :meth:`Pipeline.close`.
A batch is written to the OS in one ``os.write`` per file (no fsync), so a point is in the OS's
hands within about half a second of its call and a killed process (SIGKILL, the OOM killer) loses
at most its last second. :meth:`Pipeline.flush` and :meth:`Pipeline.close` also fsync (upload,
for an object store), so what they returned on survives the machine going down too.

Fork: every pipeline is known to an ``os.register_at_fork`` hook. In the child it gets fresh
locks, an empty queue and a new flusher thread, and its files open new event files on first use
(the child's pid is in their names); the parent's queued points stay the parent's to write.

A key is an int naming a registered target (:meth:`Pipeline.register`): >= 0 for a scalar tag,
< 0 for other events. Plain ints and floats keep the queued tuples out of the garbage collector's
sight, which matters with 100,000 of them waiting.

Errors are never dropped: an ``OSError`` from the disk, or a device value that cannot be read,
is kept and raised by the next ``flush()`` or ``close()``; bytes that could not be written stay
queued and are retried.
"""

from __future__ import annotations

import operator
import os
import struct
import threading
import time
import weakref
from collections.abc import Callable

from tbx_tui.tfrecord.record import masked_crc32c
from tbx_tui.writer.encode import K_STEP, Framer, ScalarTag, event_head, f32, summary_event, varint
from tbx_tui.writer.values import Deferred, resolve_many
from tbx_tui.writer.vectorized import encode_scalars

_pack_d = struct.Struct("<d").pack
_pack_f = struct.Struct("<f").pack
_pack_i = struct.Struct("<I").pack
_first = operator.itemgetter(0)
_fourth = operator.itemgetter(3)
_SMALL_STEPS = [b""] + [K_STEP + bytes((i,)) for i in range(1, 128)]

#: Queue length that wakes the flusher early (bounds memory in a tight loop).
HIGH_WATER = 50_000
#: Bytes of queued blobs (images, audio...) that wake the flusher early.
HIGH_WATER_BYTES = 8 << 20
#: How long the flusher lets device values gather before reading them (one sync per batch).
DEVICE_DELAY = 0.05
#: Runs of plain scalars at least this long are encoded with numpy.
VECTOR_MIN = 64
#: The longest a queued point waits before the flusher hands it to the OS (write(2), no fsync).
HAND_OVER_SECS = 0.5


class WriterClosedError(RuntimeError):
    """Raised when a closed :class:`~tbx_tui.SummaryWriter` is used."""


class Pipeline:
    def __init__(self, flush_secs: float | None) -> None:
        try:
            flush_secs = float(flush_secs) if flush_secs is not None else 120.0
        except (TypeError, ValueError):
            raise TypeError(f"flush_secs must be a number, got {flush_secs!r}") from None
        self.flush_secs = flush_secs if flush_secs > 0 else 120.0
        self.hand_over_secs = min(self.flush_secs, HAND_OVER_SECS)
        self.lock = threading.Lock()
        self.pending: list[tuple] = []
        self.pending_bytes = 0
        self.closed = False
        self.files: list = []
        self.framer = Framer()
        self.scalar_targets: list[ScalarTag] = []
        self.other_targets: list = []
        self._io_lock = threading.Lock()
        self._errors: list[BaseException] = []
        self._wake = threading.Event()
        self._device_waiting = False
        self._stopping = False
        #: Jobs run on the flusher thread: [interval, next due (monotonic), job]
        self._periodic: list[list] = []
        self._thread = self._start_flusher()
        _LIVE.add(self)

    def _start_flusher(self) -> threading.Thread:
        thread = threading.Thread(target=self._run, name="tbx_tui-writer", daemon=True)
        thread.start()
        return thread

    def start_over_in_child(self) -> None:
        """Called in a forked child: fresh locks and queue, the parent's points and framed bytes
        dropped, files reopened (as new files) on first write, a flusher thread of its own.
        Periodic jobs (system metrics) stay the parent's."""
        self.lock = threading.Lock()
        self._io_lock = threading.Lock()
        self._wake = threading.Event()
        self.pending = []
        self.pending_bytes = 0
        self._errors = []
        self._device_waiting = False
        self._periodic = []
        for f in self.files:
            f.leave_to_parent()
        if not self.closed:
            self._thread = self._start_flusher()

    # -- queueing (caller threads) -------------------------------------------------------------

    def register(self, target) -> int:
        """Give ``target`` (a ScalarTag, SummaryTarget or RawTarget) its key."""
        with self.lock:
            if isinstance(target, ScalarTag):
                target.key = len(self.scalar_targets)
                self.scalar_targets.append(target)
            else:
                self.other_targets.append(target)
                target.key = -len(self.other_targets)
        return target.key

    def add_file(self, f) -> None:
        """Add an event file that :meth:`drain` flushes and :meth:`close` closes."""
        with self._io_lock:
            self.files.append(f)

    def put(self, item: tuple, nbytes: int = 0) -> None:
        """Queue one ``(key, step, wall, value)`` (the scalar fast path appends inline)."""
        device = item[3].__class__ is Deferred or getattr(item[3], "on_device", False)
        with self.lock:
            if self.closed:
                raise WriterClosedError("this SummaryWriter is closed")
            self.pending.append(item)
            self.pending_bytes += nbytes
            if device and not self._device_waiting:
                self._device_waiting = True
                self._wake.set()
            elif self.pending_bytes > HIGH_WATER_BYTES or len(self.pending) >= HIGH_WATER:
                self._wake.set()

    def wake_for_device(self) -> None:
        """Called (under :attr:`lock`) after queueing a device value."""
        if not self._device_waiting:
            self._device_waiting = True
            self._wake.set()

    def wake(self) -> None:
        self._wake.set()

    def every(self, interval: float, job: Callable[[], None]) -> None:
        """Run ``job`` on the flusher thread now and every ``interval`` seconds, each time
        writing what it queued right after (system metrics sampling uses this)."""
        with self.lock:
            self._periodic.append([float(interval), time.monotonic(), job])
        self._wake.set()

    # -- draining ------------------------------------------------------------------------------

    def _run(self) -> None:
        while not self._stopping:
            woke = self._wake.wait(self._wait_time())
            if self._stopping:
                return
            if woke:
                self._wake.clear()
                if self._device_waiting:
                    time.sleep(DEVICE_DELAY)
            self._run_periodic()
            try:
                self.drain()
            except BaseException as exc:  # kept and raised by the next flush()/close()
                self._keep(exc)

    def _wait_time(self) -> float:
        if not self._periodic:
            return self.hand_over_secs
        soonest = min(due for _, due, _ in self._periodic) - time.monotonic()
        return max(0.0, min(self.hand_over_secs, soonest))

    def _run_periodic(self) -> None:
        now = time.monotonic()
        for entry in self._periodic:
            interval, due, job = entry
            if due <= now and not self.closed:
                entry[1] = due + interval if due + interval > now else now + interval
                try:
                    job()
                except WriterClosedError:
                    return  # close() raced with the job: nothing more to sample
                except ReferenceError:
                    return  # the job's writer was collected; its finalizer is closing this
                except Exception as exc:  # kept and raised by the next flush()/close()
                    self._keep(exc)

    def _keep(self, exc: BaseException) -> None:
        with self.lock:
            if not any(e is exc for e in self._errors):
                self._errors.append(exc)

    def drain(self) -> None:
        """Encode and write everything queued so far; raise the first error met."""
        with self._io_lock:
            with self.lock:
                batch, self.pending = self.pending, []
                self.pending_bytes = 0
                self._device_waiting = False
            if batch:
                self._encode(batch)
            first: BaseException | None = None
            for f in self.files:
                try:
                    f.write_pending()
                except OSError as exc:
                    first = first or exc
            if first is not None:
                raise first

    def _encode(self, batch: list[tuple]) -> None:
        """Frame a batch in call order: long runs of plain scalars with numpy, the rest one by
        one (device values are read here, on this thread)."""
        m = len(batch)
        if m >= VECTOR_MIN:
            keys = list(map(_first, batch))
            if min(keys) >= 0 and list(map(type, map(_fourth, batch))).count(float) == m:
                encode_scalars(batch, keys, self.scalar_targets, self.framer)
                return
        waiting = [i for i, item in enumerate(batch) if item[3].__class__ is Deferred]
        if waiting:
            for i, value in zip(waiting, resolve_many([batch[i][3] for i in waiting]), strict=True):
                if isinstance(value, Exception):
                    self._keep(value)
                    batch[i] = None  # type: ignore[call-overload]  # skipped below
                else:
                    batch[i] = (batch[i][0], batch[i][1], batch[i][2], value)
        start = 0
        for i, item in enumerate(batch):
            if item is not None and item[0] >= 0 and item[3].__class__ is float:
                continue
            self._encode_run(batch, start, i)
            if batch[i] is not None:
                self._encode_one(batch[i])
            start = i + 1
        self._encode_run(batch, start, m)

    def _encode_run(self, batch: list[tuple], start: int, end: int) -> None:
        """Plain scalars ``batch[start:end]``."""
        if end - start >= VECTOR_MIN:
            run = batch[start:end]
            encode_scalars(run, list(map(_first, run)), self.scalar_targets, self.framer)
        elif end > start:
            self._encode_loop(batch[start:end])

    def _encode_one(self, item: tuple) -> None:
        key, step, wall, value = item
        if key >= 0:
            return self._encode_loop([item])
        enc = self.other_targets[-1 - key]
        try:
            if callable(value):
                value = value()
        except Exception as exc:
            self._keep(exc)
            return
        data = event_head(step, wall) + value if enc.raw else summary_event(step, wall, value)
        enc.out(self.framer.frame(data))

    def _encode_loop(self, batch: list[tuple]) -> None:
        framer = self.framer
        headers = framer.headers
        header = framer.header
        crc = masked_crc32c
        pack_d = _pack_d
        pack_f = _pack_f
        pack_i = _pack_i
        small = _SMALL_STEPS
        targets = self.scalar_targets
        for key, step, wall, value in batch:
            enc = targets[key]
            if 0 <= step < 128:
                step_b = small[step]
            else:
                step_b = K_STEP + varint(step)
            try:
                fb = pack_f(value)
            except OverflowError:
                fb = f32(value)
            data = b"".join((b"\x09", pack_d(wall), step_b, enc.prefix, fb, enc.suffix))
            n = len(data)
            h = headers.get(n)
            if h is None:
                h = header(n)
            out = enc.out
            out(h)
            out(data)
            out(pack_i(crc(data)))

    def raise_errors(self) -> None:
        with self.lock:
            errors, self._errors = self._errors, []
        if errors:
            raise errors[0]

    def flush(self) -> None:
        """Everything queued before this call is written and fsynced (in an object store:
        uploaded), or an error is raised."""
        self.drain()
        self._fsync()
        self.raise_errors()

    def _fsync(self) -> None:
        """fsync every file (upload, for an object store); errors are kept."""
        with self._io_lock:
            for f in self.files:
                try:
                    f.fsync()
                except OSError as exc:
                    self._keep(exc)

    def close(self) -> None:
        """Drain, stop the flusher and close the files; idempotent."""
        with self.lock:
            if self.closed:
                return
            self.closed = True
        self._stopping = True
        self._wake.set()
        if self._thread is not threading.current_thread():
            self._thread.join()
        try:
            self.drain()
            self._fsync()
        except OSError as exc:
            self._keep(exc)
        finally:
            for f in self.files:
                try:
                    f.close()
                except OSError as exc:
                    self._keep(exc)
        self.raise_errors()


_LIVE: weakref.WeakSet[Pipeline] = weakref.WeakSet()


def _start_over_in_child() -> None:
    for pipe in list(_LIVE):
        pipe.start_over_in_child()


os.register_at_fork(after_in_child=_start_over_in_child)
