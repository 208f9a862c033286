"""The logdir model: run discovery and tailing of every event file.

:class:`Logdir` is synchronous and knows nothing about threads: call :meth:`Logdir.refresh` (from
a poll loop, a file-system watcher callback or a worker) and it reads only the bytes that were
added since the last call. A file that shrank or was replaced (new inode) makes its run be read
again from scratch; a run whose event files are gone is dropped.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np

from tbx_tui.read import fastframe
from tbx_tui.read.decode import decode_records
from tbx_tui.read.store import Run
from tbx_tui.tfrecord import record

#: Bytes read per system call on a first read of a big file.
READ_CHUNK = 16 << 20
#: From this many new bytes on, framing is vectorised (same results, see fastframe).
FAST_MIN_BYTES = 64 << 10


def is_event_file(name: str) -> bool:
    return "tfevents" in name and not name.endswith(".profile-empty")


def run_name(root: str, directory: str) -> str:
    rel = os.path.relpath(directory, root)
    return "." if rel == "." else rel.replace(os.sep, "/")


def discover(root: str) -> dict[str, list[str]]:
    """Run name -> its event files (full paths, in name order)."""
    runs: dict[str, list[str]] = {}
    stack = [root]
    while stack:
        directory = stack.pop()
        try:
            entries = list(os.scandir(directory))
        except OSError:
            continue
        files = []
        for entry in entries:
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                elif is_event_file(entry.name) and entry.is_file():
                    files.append(entry.path)
            except OSError:
                continue
        if files:
            runs[run_name(root, directory)] = sorted(files, key=os.path.basename)
    return runs


@dataclass
class FileState:
    """How far one event file has been read."""

    path: str
    inode: int = -1
    offset: int = 0  # bytes of the file read so far
    size: int = 0  # its size when last seen
    pending: bytes = b""  # an incomplete record at the end, kept for the next read
    resyncing: bool = False
    warnings: int = 0


@dataclass
class RunState:
    run: Run
    files: dict[str, FileState] = field(default_factory=dict)


class Logdir:
    """Every run under ``root``, kept up to date by :meth:`refresh`."""

    def __init__(self, root: str) -> None:
        self.root = os.path.abspath(root)
        self._runs: dict[str, RunState] = {}
        self._budget = 0
        #: False when the last refresh stopped at its ``max_bytes`` with bytes left unread.
        self.complete = True
        #: Bytes read so far, and the size of every event file seen (for a progress display).
        self.bytes_read = 0
        self.bytes_seen = 0

    @property
    def runs(self) -> dict[str, Run]:
        """Run name -> Run, in name order."""
        return {name: self._runs[name].run for name in sorted(self._runs)}

    def refresh(self, max_bytes: int | None = None) -> set[str]:
        """Read what is new on disk; return the names of runs that changed (added, grew, gone).

        With ``max_bytes`` it stops after reading about that many bytes (runs and files keep
        their name order, so the result is as if read in one go) and sets ``complete`` to False
        when bytes are left: call again to go on. A long first load can so show progress and
        fill in charts as it goes.
        """
        self._budget = max_bytes if max_bytes is not None else 1 << 62
        self.complete = True
        changed: set[str] = set()
        found = discover(self.root)
        for name in list(self._runs):
            if name not in found:
                del self._runs[name]
                changed.add(name)
        for name, paths in found.items():
            state = self._runs.get(name)
            if state is None:
                state = self._runs[name] = RunState(Run(name))
                changed.add(name)
            if self._read_run(state, paths):
                changed.add(name)
        self.bytes_seen = sum(
            fs.size for state in self._runs.values() for fs in state.files.values()
        )
        return changed

    def _read_run(self, state: RunState, paths: list[str]) -> bool:
        for path in state.files:
            if path not in paths:  # a file vanished: what it gave can't be told apart, reread
                return self._restart(state, paths)
        changed = False
        for path in paths:
            fs = state.files.get(path)
            if fs is None:
                fs = state.files[path] = FileState(path)
                changed = True
            try:
                st = os.stat(path)
            except OSError:
                continue
            if fs.inode not in (-1, st.st_ino) or st.st_size < fs.offset:
                return self._restart(state, paths)
            fs.inode = st.st_ino
            fs.size = st.st_size
            if st.st_size > fs.offset:
                if self._budget <= 0:  # keep file order: nothing after an unfinished file
                    self.complete = False
                    continue
                changed |= self._read_file(state.run, fs, st.st_size)
        return changed

    def _restart(self, state: RunState, paths: list[str]) -> bool:
        state.run = Run(state.run.name)
        state.files = {}
        self._read_run(state, paths)
        return True

    def _read_file(self, run: Run, fs: FileState, size: int) -> bool:
        try:
            with open(fs.path, "rb") as f:
                f.seek(fs.offset)
                while fs.offset < size:
                    if self._budget <= 0:
                        self.complete = False
                        break
                    chunk = f.read(min(READ_CHUNK, size - fs.offset, self._budget))
                    if not chunk:
                        break
                    fs.offset += len(chunk)
                    self._budget -= len(chunk)
                    self.bytes_read += len(chunk)
                    self._consume(run, fs, chunk)
        except OSError as exc:
            run.add_warning(f"{os.path.basename(fs.path)}: cannot read: {exc.strerror}")
        return True

    def _consume(self, run: Run, fs: FileState, chunk: bytes) -> None:
        buf = fs.pending + chunk if fs.pending else chunk
        base = fs.offset - len(buf)  # file offset of buf[0]
        name = os.path.basename(fs.path)
        offsets: list[int] | np.ndarray
        lengths: list[int] | np.ndarray
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
