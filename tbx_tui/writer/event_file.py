"""One event file on disk: its name, its first record, and unbuffered appends.

Names follow TensorBoard's own writer: ``events.out.tfevents.<secs>.<host>.<pid>.<n><suffix>``,
where ``n`` counts files opened by this process, so two processes (or two writers in one process)
writing into one run in the same second never pick the same name. ``n`` has six digits at least:
TensorBoard and tbx-top read a run's files in name order, and a writer reopened within the same
second as file ``.9`` must not be read before it as ``.10``. Writes go straight to the OS
(``os.write`` on a descriptor opened with ``O_APPEND``): once :meth:`EventFile.write` returns,
the bytes survive the process being killed (not the machine losing power: :meth:`EventFile.fsync`).

A forked child never writes the file it inherited: :meth:`EventFile.leave_to_parent` drops the
descriptor and whatever the parent had framed, and the child's first write opens a file of its
own (its pid is in the name).
"""

from __future__ import annotations

import itertools
import os
import socket
import time

from tbx_tui.storage.location import is_url
from tbx_tui.writer.encode import K_FILE_VERSION, Framer, event_head, field_bytes

FILE_VERSION = b"brain.Event:2"
_counter = itertools.count()  # next() on it is atomic: no lock a fork could leave held


def event_file_name(filename_suffix: str = "", now: float | None = None) -> str:
    secs = int(time.time() if now is None else now)
    return (
        f"events.out.tfevents.{secs:010d}.{socket.gethostname()}.{os.getpid()}"
        f".{next(_counter):06d}{filename_suffix}"
    )


class EventFile:
    """An open event file in ``logdir`` (created with its parents if missing).

    Raises ``OSError`` when the directory cannot be created or the file cannot be opened.
    """

    def __init__(self, logdir: str, filename_suffix: str = "", framer: Framer | None = None):
        self.logdir = logdir
        self.framer = framer or Framer()
        self._suffix = filename_suffix
        #: Framed bytes waiting for :meth:`write_pending` (owned by the writer's drain).
        self.chunks: list[bytes] = []
        self._fd = -1
        self._open_on_write = False
        self.path = ""
        self._open()

    def _open(self) -> None:
        """Create a new event file (and its folder) and write its first record."""
        os.makedirs(self.logdir, exist_ok=True)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND | getattr(os, "O_BINARY", 0)
        while True:
            path = os.path.join(self.logdir, event_file_name(self._suffix))
            try:
                self._fd = os.open(path, flags, 0o644)
                break
            except FileExistsError:
                continue  # same second, host, pid and counter: only after a fork
        self.path = path
        self._open_on_write = False
        first = event_head(0, time.time()) + field_bytes(K_FILE_VERSION, FILE_VERSION)
        self.write(self.framer.frame(first))

    def leave_to_parent(self) -> None:
        """In a forked child: forget the parent's descriptor and framed bytes; the next write
        opens a new file with the child's pid in its name."""
        fd, self._fd = self._fd, -1
        self.chunks.clear()  # the same list: targets hold its bound ``append``
        if fd >= 0:
            self._open_on_write = True
            try:
                os.close(fd)  # the child's copy only: the parent's stays open
            except OSError:
                pass

    @property
    def closed(self) -> bool:
        return self._fd < 0 and not self._open_on_write

    def _descriptor(self) -> int:
        if self._fd < 0:
            if not self._open_on_write:
                raise OSError(f"event file {self.path} is closed")
            self._open()
        return self._fd

    def write(self, data: bytes | memoryview) -> None:
        """Hand ``data`` to the OS in full, or raise ``OSError``."""
        self._descriptor()
        view = memoryview(data)
        while view:
            n = os.write(self._fd, view)
            view = view[n:]

    def write_pending(self) -> None:
        """Write the framed records collected in :attr:`chunks`.

        On failure the unwritten bytes stay in :attr:`chunks` for the next try.
        """
        if not self.chunks:
            return
        data = b"".join(self.chunks)
        self.chunks.clear()  # the same list: targets hold its bound ``append``
        view = memoryview(data)
        try:
            while view:
                n = os.write(self._descriptor(), view)
                view = view[n:]
        except OSError:
            self.chunks.insert(0, bytes(view))
            raise

    def fsync(self) -> None:
        if self._fd >= 0:
            os.fsync(self._fd)

    def close(self) -> None:
        fd, self._fd = self._fd, -1
        self._open_on_write = False
        if fd >= 0:
            os.close(fd)


def open_event_file(logdir: str, filename_suffix: str = "", framer: Framer | None = None):
    """A new event file in ``logdir``: a local file, or for a URL (``s3://...``) a
    :class:`~tbx_tui.writer.remote_event_file.RemoteEventFile` (never a local folder ``s3:``)."""
    if is_url(logdir):
        from tbx_tui.writer.remote_event_file import RemoteEventFile

        return RemoteEventFile(logdir, event_file_name(), filename_suffix, framer)
    return EventFile(logdir, filename_suffix, framer)


class NullFile:
    """Stands in for an event file when ``write_to_disk=False``: accepts and discards."""

    def __init__(self, logdir: str) -> None:
        self.logdir = logdir
        self.path = ""
        self.chunks: list[bytes] = []
        self.closed = False

    def write(self, data: bytes | memoryview) -> None:
        pass

    def write_pending(self) -> None:
        self.chunks.clear()

    def fsync(self) -> None:
        pass

    def leave_to_parent(self) -> None:
        self.chunks.clear()

    def close(self) -> None:
        self.closed = True
