"""The logdir model: run discovery and tailing of every event file, local or in an object store.

:class:`Logdir` is synchronous and knows nothing about threads: call :meth:`Logdir.refresh` (from
a poll loop, a file-system watcher callback or a worker) and it reads only the bytes that were
added since the last call. All file access goes through :mod:`tbx_tui.storage.files`, so a URL
(``s3://bucket/prefix``, any fsspec protocol) is read exactly like a local folder: one listing per
refresh, then ranged reads of the new bytes.

A file that shrank, was replaced (new inode) or was rewritten in place (the bytes already read
changed: ``cp``, ``scp``, ``open('wb')``) makes its run be read again from scratch; a run whose
event files are gone is dropped. Each new :class:`~tbx_tui.read.store.Run` takes its versions from
a process-wide counter, so a re-read run is always newer than any view of the old one.

Runs are read newest first (the newest modification time of their event files, as listed), so a
budgeted refresh (the app's first load) shows the runs being written now before old ones. On a
first load of many bytes, new runs are read side by side in worker processes
(:mod:`tbx_tui.read.parallel`) while this process reads the newest one itself; the result is the
same as reading them one after another.

Problems that are not damage inside a file are logdir warnings (:attr:`Logdir.warnings`), each
said once: a folder that cannot be read ("permission denied: PATH"), a store that cannot be
reached (retried with a growing delay; runs already read are kept meanwhile).
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from tbx_tui.read import fastframe
from tbx_tui.read.decode import decode_records
from tbx_tui.read.memory import give_back
from tbx_tui.read.parallel import Job, Pool, default_workers
from tbx_tui.read.runnames import is_event_file, run_name
from tbx_tui.read.store import Run, first_version
from tbx_tui.storage.files import FileInfo, Storage, StorageError, open_storage
from tbx_tui.tfrecord import record

#: Bytes read per call on a first read of a big file.
READ_CHUNK = 16 << 20
#: From this many new bytes on, framing is vectorised (same results, see fastframe). Measured on
#: plain scalars (50-byte records): both ways cost the same at about 16 KiB (0.3 ms); at 64 KiB
#: numpy takes half the time. It checks those records with numpy's CRC32C, not the crc32c
#: package, whose import (~20 ms) a first read of plain scalars thus never waits for.
FAST_MIN_BYTES = 16 << 10
#: After reading and decoding this many bytes at once, freed pages go back to the OS (see
#: :mod:`tbx_tui.read.memory`): the buffer and its temporaries, once they are let go of.
GIVE_BACK_BYTES = 4 << 20
#: Bytes of a file's start, and of the end of what was read, kept to recognise the file later.
HEAD_BYTES = 64
TAIL_BYTES = 16
#: How often a remote logdir is listed by default (a listing is a request that costs money).
REMOTE_POLL = 5.0
#: Retry delays after a failed listing: doubling from FIRST up to MAX seconds.
RETRY_FIRST = 1.0
RETRY_MAX = 60.0
#: Logdir warnings kept (each distinct message once).
MAX_WARNINGS = 100
#: New runs are read in worker processes when, the newest one left aside, they hold this many
#: bytes together: below it, starting the workers (0.3-0.5 s here) costs more than it saves
#: (serial reading does about 100 MB/s of scalar events on one core).
PARALLEL_MIN_BYTES = 64 << 20


def _under(name: str, folder: str) -> bool:
    return folder == "" or name == folder or name.startswith(folder + "/")


def _recency(mtime: object) -> float:
    """A listed modification time as a number that sorts by time: local listings give
    nanoseconds, object stores a date string (ISO 8601 or like it); anything else sorts last."""
    if isinstance(mtime, int | float):
        return float(mtime)
    if isinstance(mtime, str):
        try:
            return datetime.fromisoformat(mtime).timestamp()
        except ValueError:
            try:
                return float(mtime)
            except ValueError:
                return float("-inf")
    return float("-inf")


def newest_first(found: dict[str, list[FileInfo]]) -> list[str]:
    """Run names, the run whose event files were written most recently first (ties by name)."""

    def key(name: str) -> tuple[float, str]:
        return (-max((_recency(info.mtime) for info in found[name]), default=float("-inf")), name)

    return sorted(found, key=key)


@dataclass
class FileState:
    """How far one event file has been read, and what identifies the bytes read so far."""

    path: str
    ident: object = None  # inode (local) or ETag (remote) when last seen
    mtime: object = None
    offset: int = 0  # bytes of the file read so far
    size: int = 0  # its size when last seen
    pending: bytes = b""  # an incomplete record at the end, kept for the next read
    resyncing: bool = False
    warnings: int = 0
    head: bytes = b""  # the file's first HEAD_BYTES (fewer while it is shorter)
    tail: bytes = b""  # the last TAIL_BYTES read, ending at ``offset``
    failed: bool = False  # the last read failed (said once until a read succeeds)


@dataclass
class RunState:
    run: Run
    files: dict[str, FileState] = field(default_factory=dict)
    #: The run's files as last listed, when all of them were read to their end then.
    done: list[FileInfo] | None = None


class Rewritten(Exception):
    """The bytes already read of a file are not there any more: re-read its run."""


class Logdir:
    """Every run under ``root`` (a folder or a URL), kept up to date by :meth:`refresh`.

    Raises :class:`~tbx_tui.storage.location.MissingBackend` for a URL whose fsspec backend is
    not installed.
    """

    def __init__(
        self,
        root: str,
        storage: Storage | None = None,
        *,
        workers: int | None = None,
        parallel_min_bytes: int | None = None,
    ) -> None:
        self.storage = storage if storage is not None else open_storage(os.fspath(root))
        self.root = self.storage.root
        self.remote = self.storage.remote
        #: Worker processes for first loads (1: read everything here); see tbx_tui.read.parallel.
        self.workers = workers if workers is not None else default_workers()
        self.parallel_min_bytes = (
            PARALLEL_MIN_BYTES if parallel_min_bytes is None else parallel_min_bytes
        )
        self._pool: Pool | None = None
        #: New runs set aside for the workers, which start when this process has read the
        #: newest run (or its first bytes: the app's first charts must not wait for them).
        self._set_aside: list[str] = []
        self._runs: dict[str, RunState] = {}
        self._budget = 0
        #: False when the last refresh stopped at its ``max_bytes`` with bytes left unread.
        self.complete = True
        #: Bytes read so far, and the size of every event file seen (for a progress display).
        self.bytes_read = 0
        self.bytes_seen = 0
        #: Runs read by worker processes so far (the others were read in this process).
        self.runs_from_workers = 0
        #: Whether a listing of the logdir has succeeded yet.
        self.listed = False
        #: Logdir warnings, oldest first, each distinct message once.
        self.warnings: list[str] = []
        self._said: set[str] = set()
        self._unseen: list[str] = []
        self._failures = 0
        self._retry_at = 0.0

    @property
    def runs(self) -> dict[str, Run]:
        """Run name -> Run, in name order (runs still being read by a worker are empty)."""
        return {name: self._runs[name].run for name in sorted(self._runs)}

    @property
    def ok(self) -> bool:
        """Whether the last refresh listed the logdir and read without a store error."""
        return self.listed and self._failures == 0

    def take_warnings(self) -> list[str]:
        """Warnings added since the last call (for a UI that shows each one once)."""
        out, self._unseen = self._unseen, []
        return out

    def _warn(self, message: str, *, again: bool = False) -> None:
        if message in self._said and not again:
            return
        self._said.add(message)
        if len(self.warnings) < MAX_WARNINGS:
            self.warnings.append(message)
        self._unseen.append(message)

    def close(self) -> None:
        """Stop the worker processes of a first load still going on (a no-op otherwise): call
        it when the logdir is dropped before :attr:`complete` (the app quitting)."""
        if self._pool is not None:
            self._pool.close()
            self._pool = None

    def refresh(self, max_bytes: int | None = None, *, wait: bool = True) -> set[str]:
        """Read what is new; return the names of runs that changed (added, grew, gone).

        With ``max_bytes`` it stops after reading about that many bytes and sets ``complete``
        to False when bytes are left: call again to go on. Runs are read newest first, each
        run's files in name order, so the result is as if read in one go. After a failed
        listing, calls return at once until the retry delay has passed (``wait=False`` tries
        anyway).
        """
        self._budget = max_bytes if max_bytes is not None else 1 << 62
        self.complete = True
        if wait and time.monotonic() < self._retry_at:
            return set()
        try:
            listing = self.storage.scan(is_event_file)
        except OSError as exc:
            self._failed(exc)
            return set()
        self.listed = True
        for path in listing.denied.values():
            self._warn(f"permission denied: {path}")
        changed: set[str] = set()
        found = {run_name(folder): files for folder, files in listing.folders.items()}
        for name in list(self._runs):
            hidden = any(_under(name, folder) for folder in listing.denied)
            if name not in found and not hidden:  # under an unreadable folder: kept as it was
                del self._runs[name]
                changed.add(name)
        order = newest_first(found)
        if self.remote:  # fetch every new range at once: concurrent requests, one round trip
            self.storage.prefetch(self._planned_reads(found, order))
        elif self._pool is None and not self._set_aside:
            self._set_aside_for_workers(found, order, changed)
        elif self._set_aside:  # set aside by an earlier refresh that ran out of budget
            self._start_workers(found)
        try:
            changed |= self._adopt(found, block=False)
            elsewhere = set(self._set_aside) | (self._pool.pending if self._pool else set())
            for name in order:
                if name in elsewhere:
                    continue
                files = found[name]
                state = self._runs.get(name)
                if state is None:
                    state = self._runs[name] = RunState(Run(name))
                    changed.add(name)
                if self._read_run(state, files):
                    changed.add(name)
            if self._set_aside and self._budget > 0:
                self._start_workers(found)
            while self._pool is not None and self._pool.pending and self._budget > 0:
                changed |= self._adopt(found, block=True)
        except StorageError as exc:  # the store went away mid-refresh: what was read is kept
            self._failed(exc)
            self.complete = True
        else:
            self._failures = 0
        if self._set_aside or (self._pool is not None and self._pool.pending):
            self.complete = False
        else:
            self.close()
        self.bytes_seen = sum(info.size for files in found.values() for info in files) + sum(
            fs.size
            for name, state in self._runs.items()
            if name not in found
            for fs in state.files.values()
        )
        return changed

    def _set_aside_for_workers(
        self, found: dict[str, list[FileInfo]], order: list[str], changed: set[str]
    ) -> None:
        """Set the new runs but the newest aside for worker processes, when they hold enough
        bytes to pay for starting them; the newest is read here, so it shows first."""
        if self.workers < 2:
            return
        jobs = [name for name in order if name not in self._runs][1:]
        total = sum(info.size for name in jobs for info in found[name])
        if len(jobs) < 2 or total < self.parallel_min_bytes:
            return
        for name in jobs:
            self._runs[name] = RunState(Run(name))  # listed now, filled when its worker is done
            changed.add(name)
        self._set_aside = jobs

    def _start_workers(self, found: dict[str, list[FileInfo]]) -> None:
        """Start the workers on the runs set aside (newest first), as listed now. Where worker
        processes cannot start (no working semaphores, say), those runs are read here."""
        jobs = [name for name in self._set_aside if name in found and name in self._runs]
        self._set_aside = []
        work = [(name, read_new_run, (self.root, name, found[name])) for name in jobs]
        if not work:
            return
        try:
            self._pool = Pool(min(self.workers, len(work)), work)
        except Exception as exc:  # noqa: BLE001 - any failure to start means reading here
            self._warn(f"cannot start worker processes, reading in one: {exc!r}")
            self.workers = 1
            for name in jobs:
                self._read_run(self._runs[name], found[name])

    def _adopt(self, found: dict[str, list[FileInfo]], *, block: bool) -> set[str]:
        """Take over the runs the workers have read (``block``: wait for at least one). A run
        whose worker failed is read here instead, after a logdir warning."""
        if self._pool is None:
            return set()
        changed: set[str] = set()
        done = self._pool.next_finished() if block else self._pool.finished()
        for key, future in done:
            name = str(key)
            if name not in found or name not in self._runs:  # gone meanwhile
                continue
            changed.add(name)
            try:
                state, nbytes = future.result()
            except Exception as exc:  # noqa: BLE001 - a crashed worker must not lose the run
                self._warn(f"reading in worker processes failed, read here instead: {exc!r}")
                self._read_run(self._runs[name], found[name])
                continue
            state.run.version = first_version()  # the worker counted versions on its own
            for series in state.run.scalars.values():
                series.version = first_version()
            self._runs[name] = state
            self.runs_from_workers += 1
            self.bytes_read += nbytes
            self._budget -= nbytes
        return changed

    def each_run(self) -> Iterator[Run]:
        """Read every run once, in name order, handing each over as soon as its files are read
        and keeping none of them: memory holds a few runs at a time, whatever the logdir's size
        (the headless modes stream with it). A big local logdir is read ahead by worker
        processes (:meth:`_read_ahead`); the runs are the same. A failed listing yields nothing;
        a store that goes away stops the runs there. Either is a logdir warning and makes
        :attr:`ok` False."""
        self._budget = 1 << 62
        self.complete = True
        try:
            listing = self.storage.scan(is_event_file)
        except OSError as exc:
            self._failed(exc)
            return
        self.listed = True
        for path in listing.denied.values():
            self._warn(f"permission denied: {path}")
        found = {run_name(folder): files for folder, files in listing.folders.items()}
        names = sorted(found)
        total = sum(info.size for files in found.values() for info in files)
        if not self.remote and self.workers > 1 and len(names) >= 2:
            if total >= self.parallel_min_bytes:
                yield from self._read_ahead(found, names)
                self._failures = 0
                return
        try:
            for name in names:
                state = RunState(Run(name))
                if self.remote:
                    self.storage.prefetch(self._planned_reads({name: found[name]}, [name]))
                self._read_run(state, found[name])
                self.bytes_seen += sum(fs.size for fs in state.files.values())
                yield state.run
        except StorageError as exc:
            self._failed(exc)
        else:
            self._failures = 0

    def _read_ahead(self, found: dict[str, list[FileInfo]], names: list[str]) -> Iterator[Run]:
        """:meth:`each_run` with worker processes: each run is read by a worker, handed over in
        name order; while one is handed over, the next ``2 x workers`` are being read (or wait,
        read), so memory holds that many runs at most. A run whose worker failed, or all of
        them where workers cannot start, is read here (a logdir warning says so)."""
        window = 2 * self.workers
        jobs = [(name, read_new_run, (self.root, name, found[name])) for name in names]
        try:
            pool: Pool | None = Pool(min(self.workers, len(names)), jobs[:window])
        except Exception as exc:  # noqa: BLE001 - any failure to start means reading here
            self._warn(f"cannot start worker processes, reading in one: {exc!r}")
            pool = None
        try:
            for i, name in enumerate(names):
                state = RunState(Run(name))
                if pool is None:
                    self._read_run(state, found[name])
                else:
                    try:
                        state, nbytes = pool.result_of(name).result()
                        self.runs_from_workers += 1
                        self.bytes_read += nbytes
                    except Exception as exc:  # noqa: BLE001 - a crashed worker loses no run
                        self._warn(
                            f"reading in worker processes failed, read here instead: {exc!r}"
                        )
                        self._read_run(state, found[name])
                    if i + window < len(names):
                        pool = self._submit(pool, jobs[i + window])
                self.bytes_seen += sum(fs.size for fs in state.files.values())
                yield state.run
        finally:
            if pool is not None:
                pool.close()

    def _submit(self, pool: Pool, job: Job) -> Pool | None:
        """Add ``job`` to ``pool``; None where the pool can take no more (a worker died: the
        runs not read yet are read here, after a logdir warning)."""
        try:
            pool.submit(job)
        except Exception as exc:  # noqa: BLE001 - BrokenProcessPool, or a failed start
            self._warn(f"reading in worker processes failed, read here instead: {exc!r}")
            pool.close()
            return None
        return pool

    def _planned_reads(
        self, found: dict[str, list[FileInfo]], order: list[str]
    ) -> list[tuple[str, int, int]]:
        """The first read :meth:`_read_file` will make of each file that grew, in order."""
        plan: list[tuple[str, int, int]] = []
        budget = self._budget
        for name in order:
            state = self._runs.get(name)
            for info in found[name]:
                fs = state.files.get(info.path) if state is not None else None
                offset, back = (fs.offset, len(fs.tail)) if fs is not None else (0, 0)
                if info.size <= offset:
                    continue
                end = offset + min(READ_CHUNK, info.size - offset, budget)
                if end <= offset:
                    return plan
                plan.append((info.path, offset - back, end))
                budget -= end - offset
        return plan

    def _failed(self, exc: OSError) -> None:
        self._failures += 1
        delay = min(RETRY_FIRST * 2 ** (self._failures - 1), RETRY_MAX)
        self._retry_at = time.monotonic() + delay
        if self._failures == 1:  # once per outage
            self._warn(str(exc), again=True)

    def _read_run(self, state: RunState, files: list[FileInfo]) -> bool:
        if files == state.done:  # an idle run: one comparison of tuples, no Python per file
            return False
        state.done = None
        current = {info.path for info in files}
        if any(path not in current for path in state.files):  # a file vanished: reread
            return self._restart(state, files)
        changed = False
        try:
            for info in files:
                fs = state.files.get(info.path)
                if fs is None:
                    fs = state.files[info.path] = FileState(info.path)
                    changed = True
                elif info.size == fs.size and info.mtime == fs.mtime and info.ident == fs.ident:
                    if fs.offset >= info.size:
                        continue  # the common case on an idle logdir: nothing to do
                else:
                    self._check_same(fs, info)
                fs.ident, fs.mtime, fs.size = info.ident, info.mtime, info.size
                if info.size > fs.offset:
                    if self._budget <= 0:  # keep file order: nothing after an unfinished file
                        self.complete = False
                        continue
                    changed |= self._read_file(state.run, fs, info.size)
        except Rewritten:
            return self._restart(state, files)
        if all(fs.offset >= fs.size for fs in state.files.values()):
            state.done = files
            state.run.settle()  # read to the end: give back the capacity big batches left
        return changed

    def _check_same(self, fs: FileState, info: FileInfo) -> None:
        """Raise :class:`Rewritten` unless ``info`` still starts with the bytes read so far."""
        if info.size < fs.offset:
            raise Rewritten
        if fs.ident is not None and info.ident != fs.ident and not self.remote:
            raise Rewritten  # a new inode: replaced (rsync renames its temp file over it)
        if fs.offset == 0:
            return
        # same inode (or a new ETag) and at least as long: compare what was read before. Local
        # files check their start and the end of what was read; a remote file's end is checked
        # by the read of its new bytes, which starts TAIL_BYTES early (one request).
        if not self.remote and self._differs(fs.path, 0, fs.head):
            raise Rewritten
        if info.size == fs.offset and self._differs(fs.path, fs.offset - len(fs.tail), fs.tail):
            raise Rewritten

    def _differs(self, path: str, start: int, expected: bytes) -> bool:
        """Whether the file no longer holds ``expected`` at ``start`` (False if unreadable now:
        the read that follows says so, and what was read is kept)."""
        if not expected:
            return False
        try:
            return self.storage.read(path, start, start + len(expected)) != expected
        except StorageError:
            raise
        except OSError:
            return False

    def _restart(self, state: RunState, files: list[FileInfo]) -> bool:
        state.run = Run(state.run.name)  # versions from the process-wide counter: newer
        state.files = {}
        state.done = None
        self._read_run(state, files)
        return True

    def _read_file(self, run: Run, fs: FileState, size: int) -> bool:
        back = len(fs.tail)
        try:
            while fs.offset < size:
                if self._budget <= 0:
                    self.complete = False
                    break
                start = fs.offset - back
                end = fs.offset + min(READ_CHUNK, size - fs.offset, self._budget)
                data = self.storage.read(fs.path, start, end)
                if back:
                    if data[:back] != fs.tail:
                        raise Rewritten
                    data = data[back:]
                    back = 0
                if not data:
                    break
                self._remember(fs, data)
                fs.offset += len(data)
                self._budget -= len(data)
                self.bytes_read += len(data)
                self._consume(run, fs, data)
                if len(data) >= GIVE_BACK_BYTES:
                    data = b""
                    give_back()  # the buffer, its decoding's temporaries, other threads' too
        except (Rewritten, StorageError):
            raise
        except OSError as exc:
            if not fs.failed:  # once, not on every refresh
                fs.failed = True
                fs.warnings += 1
                reason = "permission denied" if isinstance(exc, PermissionError) else "cannot read"
                detail = "" if isinstance(exc, PermissionError) else f" ({exc.strerror or exc})"
                run.add_warning(f"{reason}: {fs.path}{detail}")
            return True
        fs.failed = False
        return True

    @staticmethod
    def _remember(fs: FileState, data: bytes) -> None:
        if len(fs.head) < HEAD_BYTES:
            fs.head += data[: HEAD_BYTES - len(fs.head)]
        fs.tail = (fs.tail + data[-TAIL_BYTES:])[-TAIL_BYTES:]

    def _consume(self, run: Run, fs: FileState, chunk: bytes) -> None:
        buf = fs.pending + chunk if fs.pending else chunk
        base = fs.offset - len(buf)  # file offset of buf[0]
        name = os.path.basename(fs.path)
        offsets: Sequence[int] | np.ndarray
        lengths: Sequence[int] | np.ndarray
        if len(buf) >= FAST_MIN_BYTES:
            framed = fastframe.frame(buf, resyncing=fs.resyncing, base=base)
            offsets, lengths = framed.offsets, framed.lengths
            warnings, consumed, resyncing = framed.warnings, framed.consumed, framed.resyncing
        else:
            scanned = record.scan(buf, resyncing=fs.resyncing, base=base)
            offsets = [o for o, _ in scanned.spans]
            lengths = [n for _, n in scanned.spans]
            warnings, consumed, resyncing = scanned.warnings, scanned.consumed, scanned.resyncing
        for message in warnings:
            fs.warnings += 1
            run.add_warning(f"{name}: {message}")
        decode_records(run, buf, offsets, lengths, fs.path, base, name)
        fs.pending = buf[consumed:]
        fs.resyncing = resyncing


def read_new_run(root: str, name: str, files: list[FileInfo]) -> tuple[RunState, int]:
    """In a worker process: run ``name`` of the local logdir ``root`` read from its start, as
    :meth:`Logdir.refresh` would; returns its state and the bytes read."""
    logdir = Logdir(root, workers=1)
    logdir._budget = 1 << 62
    state = RunState(Run(name))
    logdir._read_run(state, files)
    return state, logdir.bytes_read
