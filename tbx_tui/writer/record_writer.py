"""tensorboardX's ``RecordWriter``: TFRecord-framed records appended to one local file."""

from __future__ import annotations

import os

from tbx_tui.tfrecord.record import encode_record


class RecordWriter:
    """Frames each ``write(data)`` as one record (length, masked CRC32Cs) into ``path``."""

    def __init__(self, path) -> None:
        self.path = os.fspath(path)
        self._file = open(self.path, "wb")  # noqa: SIM115 (open until close())

    def write(self, data: bytes) -> None:
        self._file.write(encode_record(bytes(data)))

    def flush(self) -> None:
        """Hand the records to the OS and fsync them."""
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        self._file.close()
