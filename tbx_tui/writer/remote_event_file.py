"""An event file in an object store (``SummaryWriter("s3://bucket/run")``), through fsspec.

Object stores can't append, so the file is written as a series of objects, one per upload, each a
whole number of records: ``events.out.tfevents.<secs>.<host>.<pid>.<n>.<part><suffix>`` with a
six-digit part number, so name order (how TensorBoard and tbx-top read a run's files) is write
order. The first part (the file-version record) is uploaded when the writer opens, so credentials
and endpoints are checked at once. After that, records gather in memory and are uploaded when
``flush()`` or ``close()`` is called, and otherwise at most every :data:`UPLOAD_SECS` seconds when
the writer drains (or as soon as :data:`UPLOAD_BYTES` have gathered). A failed upload keeps its
bytes for the next try and raises ``OSError`` (kept by the pipeline, raised by the next
``flush()``); nothing is lost while the process lives.
"""

from __future__ import annotations

import os
import time

from tbx_tui.storage.location import filesystem
from tbx_tui.writer.encode import K_FILE_VERSION, Framer, event_head, field_bytes
from tbx_tui.writer.event_file import FILE_VERSION, event_file_name

#: Drains upload at most this often (each upload is one object and one request).
UPLOAD_SECS = 30.0
#: ... unless this many bytes are waiting.
UPLOAD_BYTES = 8 << 20


class RemoteEventFile:
    """The same interface as :class:`~tbx_tui.writer.event_file.EventFile`, for a URL logdir.

    Raises :class:`~tbx_tui.storage.location.MissingBackend` when fsspec or the protocol's
    package is missing, ``OSError`` when the first upload fails.
    """

    remote = True

    def __init__(self, logdir: str, stem: str, filename_suffix: str = "", framer=None) -> None:
        self.fs, self._dir = filesystem(logdir)
        self.logdir = logdir
        self.framer: Framer = framer or Framer()
        self._stem = stem
        self._suffix = filename_suffix
        self._part = 0
        self.path = self._url(0)
        self.pid = os.getpid()
        #: Framed bytes waiting for :meth:`write_pending` (owned by the writer's drain).
        self.chunks: list[bytes] = []
        self._buffer = bytearray()
        self._closed = False
        self._last_upload = time.monotonic()
        self._header_due = False
        self.write(self._header())
        self.fsync()

    def _header(self) -> bytes:
        first = event_head(0, time.time()) + field_bytes(K_FILE_VERSION, FILE_VERSION)
        return self.framer.frame(first)

    def leave_to_parent(self) -> None:
        """In a forked child: drop the parent's waiting bytes; what the child logs goes into
        objects of its own (its pid in their names), opened by a file-version record."""
        self.chunks.clear()  # the same list: targets hold its bound ``append``
        self._buffer.clear()
        self.pid = os.getpid()
        self._stem = event_file_name()
        self._part = 0
        self.path = self._url(0)
        self._header_due = True

    def _name(self, part: int) -> str:
        return f"{self._stem}.{part:06d}{self._suffix}"

    def _url(self, part: int) -> str:
        return f"{self.logdir.rstrip('/')}/{self._name(part)}"

    @property
    def closed(self) -> bool:
        return self._closed

    def write(self, data: bytes | memoryview) -> None:
        if self._closed:
            raise OSError(f"event file {self.path} is closed")
        self._buffer += data

    def write_pending(self) -> None:
        """Take the framed records in :attr:`chunks`; upload them when an upload is due."""
        if self.chunks:
            if self._header_due:
                self._buffer += self._header()
                self._header_due = False
            self._buffer += b"".join(self.chunks)
            self.chunks.clear()  # the same list: targets hold its bound ``append``
        due = time.monotonic() - self._last_upload >= UPLOAD_SECS
        if self._buffer and (due or len(self._buffer) >= UPLOAD_BYTES):
            self._upload()

    def fsync(self) -> None:
        """Upload what is waiting: when this returns, it is in the store."""
        if self.chunks:
            self.write_pending()
        if self._buffer and os.getpid() == self.pid:
            self._upload()

    def _upload(self) -> None:
        data = bytes(self._buffer)
        target = f"{self._dir}/{self._name(self._part)}"
        try:
            self.fs.pipe_file(target, data)
        except Exception as exc:  # kept by the pipeline; the bytes stay for the next try
            raise OSError(f"cannot upload {self._url(self._part)}: {exc}") from exc
        del self._buffer[: len(data)]
        self._part += 1
        self._last_upload = time.monotonic()

    def close(self) -> None:
        if self._closed:
            return
        if os.getpid() != self.pid:  # a forked child: the parent uploads its own bytes
            self._buffer.clear()
            self.chunks.clear()
            self._closed = True
            return
        try:
            self.fsync()
        finally:
            self._closed = not self._buffer  # a failed upload can be retried by close()
