"""Record framing of event files (TFRecord), in both directions.

A record is ``uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)``,
little-endian. :class:`RecordScanner` finds the records in a byte buffer that may end mid-record
(a write in progress), skips records whose data CRC is wrong, and resynchronises on the next valid
header after a damaged or absurd length field. It never allocates what a length field claims: it
only slices bytes that are actually present.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import crc32c as _crc32c

_crc = _crc32c.crc32c
_HEADER = struct.Struct("<QI")
_U32 = struct.Struct("<I")
HEADER_SIZE = 12
FOOTER_SIZE = 4
OVERHEAD = HEADER_SIZE + FOOTER_SIZE
#: Longest record we accept. A length CRC can pass by chance; a record over 1 GiB cannot be real.
MAX_RECORD_BYTES = 1 << 30
MASK_DELTA = 0xA282EAD8


def mask_crc(crc):
    """A CRC32C masked the way TFRecord files store it (the one place the formula lives).

    Works on a Python ``int`` and, element-wise, on a numpy ``uint32`` array.
    """
    return (((crc >> 15) | (crc << 17)) + MASK_DELTA) & 0xFFFFFFFF


def masked_crc32c(data: bytes | memoryview) -> int:
    """The CRC32C of ``data``, masked the way TFRecord files store it."""
    return mask_crc(_crc(data))


def encode_record(data: bytes) -> bytes:
    """Frame one payload as a TFRecord record."""
    header = struct.pack("<Q", len(data))
    return b"".join(
        (header, _U32.pack(masked_crc32c(header)), data, _U32.pack(masked_crc32c(data)))
    )


@dataclass
class ScanResult:
    """What one scan of a buffer found.

    ``spans`` are ``(offset, length)`` of good payloads, relative to the buffer. ``consumed`` is
    how many bytes of the buffer are done with; bytes after it are an incomplete record to be
    scanned again once more bytes arrive. ``warnings`` describe damage that was skipped.
    """

    spans: list[tuple[int, int]] = field(default_factory=list)
    consumed: int = 0
    warnings: list[str] = field(default_factory=list)
    #: True when the unconsumed tail is still being searched for a valid header (damage already
    #: counted): pass it back as ``resyncing`` so the next scan does not count it again.
    resyncing: bool = False


def header_length(buf: bytes | memoryview, pos: int) -> int:
    """The record length at ``pos`` if its header checks out, else -1."""
    length, length_crc = _HEADER.unpack_from(buf, pos)
    if length > MAX_RECORD_BYTES or masked_crc32c(buf[pos : pos + 8]) != length_crc:
        return -1
    return length


def resync(buf: bytes | memoryview, start: int, end: int) -> int:
    """The first offset in ``[start, end - 12]`` holding a valid header, else ``end - 11``.

    When nothing is found the last 11 bytes stay unconsumed: they may be the start of a header
    that is still being written.
    """
    pos = start
    last = end - HEADER_SIZE
    while pos <= last:
        if header_length(buf, pos) >= 0:
            return pos
        pos += 1
    return max(start, end - HEADER_SIZE + 1)


def scan(
    buf: bytes | memoryview,
    start: int = 0,
    end: int | None = None,
    resyncing: bool = False,
    base: int = 0,
) -> ScanResult:
    """Find the records in ``buf[start:end]``; see :class:`ScanResult`.

    ``base`` is the file offset of ``buf[0]``, used only in warning messages.
    """
    if end is None:
        end = len(buf)
    result = ScanResult()
    spans = result.spans
    unpack = _HEADER.unpack_from
    unpack_u32 = _U32.unpack_from
    pos = start
    if resyncing:
        pos = resync(buf, pos, end)
        if pos + HEADER_SIZE > end:
            result.consumed = pos
            result.resyncing = True
            return result
    while pos + HEADER_SIZE <= end:
        length, length_crc = unpack(buf, pos)
        if length > MAX_RECORD_BYTES or masked_crc32c(buf[pos : pos + 8]) != length_crc:
            found = resync(buf, pos + 1, end)
            what = "absurd length" if length > MAX_RECORD_BYTES else "bad length CRC"
            result.warnings.append(f"{what} at byte {base + pos}; resynchronised")
            pos = found
            if pos + HEADER_SIZE > end:
                result.resyncing = True
            continue
        data_end = pos + HEADER_SIZE + length
        if data_end + FOOTER_SIZE > end:
            break  # a write in progress: wait for the rest
        if masked_crc32c(buf[pos + HEADER_SIZE : data_end]) != unpack_u32(buf, data_end)[0]:
            result.warnings.append(f"bad data CRC in record at byte {base + pos}; record skipped")
        else:
            spans.append((pos + HEADER_SIZE, length))
        pos = data_end + FOOTER_SIZE
    result.consumed = pos
    return result
