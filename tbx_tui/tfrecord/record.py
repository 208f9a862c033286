"""Record framing of event files (TFRecord), in both directions.

A record is ``uint64 length | uint32 masked_crc32c(length) | data | uint32 masked_crc32c(data)``,
little-endian. :class:`RecordScanner` finds the records in a byte buffer that may end mid-record
(a write in progress), skips records whose data CRC is wrong, and resynchronises on the next valid
header after a damaged or absurd length field. It never allocates what a length field claims: it
only slices bytes that are actually present.
"""

from __future__ import annotations

import struct
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

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


def _load_crc(data: bytes | memoryview) -> int:
    """The CRC32C of ``data``, from the ``crc32c`` package, imported on this first use: its
    import reads the installed packages' metadata for its version (about 20 ms, most of it
    ``importlib.metadata``), which the first read of plain scalars never needs (numpy checks
    those records, :mod:`tbx_tui.tfrecord.crcvec`). Later calls go straight to the package."""
    global _crc
    import crc32c

    _crc = crc32c.crc32c
    return _crc(data)


_crc: Callable[[bytes | memoryview], int] = _load_crc


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


def record_ok(buf: bytes | memoryview, pos: int, end: int) -> bool:
    """Whether a whole record with valid header and data CRCs starts at ``pos`` within ``end``."""
    if pos + HEADER_SIZE > end:
        return False
    length = header_length(buf, pos)
    data_end = pos + HEADER_SIZE + length
    if length < 0 or data_end + FOOTER_SIZE > end:
        return False
    return masked_crc32c(buf[pos + HEADER_SIZE : data_end]) == _U32.unpack_from(buf, data_end)[0]


Finder = Callable[[Any, int, int], int]


def first_intact(buf: Any, start: int, stop: int, end: int, find: Finder = resync) -> int:
    """The first offset in ``[start, stop)`` where a whole valid record (ending by ``end``)
    starts, else -1. ``find`` is a :func:`resync` (the vectorised one for big buffers)."""
    pos = start
    while pos < stop:
        pos = find(buf, pos, min(end, stop + HEADER_SIZE - 1))
        if pos >= stop or pos + HEADER_SIZE > end:
            return -1
        if record_ok(buf, pos, end):
            return pos
        pos += 1
    return -1


@dataclass
class Verdict:
    """What to do with a record whose header is valid but whose data does not check out here
    (a bad data CRC, or a length running past the buffer): see :func:`judge`."""

    action: str  # "skip": a damaged record, its length confirmed; "wait"; "resync"
    next: int  # where reading goes on ("skip"), or the record's own offset ("wait", "resync")
    warning: str = ""


def judge(buf: Any, pos: int, length: int, end: int, base: int, find: Finder = resync) -> Verdict:
    """Decide about the record at ``pos`` (valid header claiming ``length``) whose data CRC
    fails or which runs past ``end``.

    A claimed length is believed only where it is confirmed: the record ends exactly at
    ``end``, or a valid header follows it, and no whole valid record starts inside it (a torn
    record's header would otherwise swallow the intact records written after it). A record
    running past ``end`` is a write in progress while no whole record follows its header.
    Otherwise it is damage: warn, and resynchronise from the next byte.
    """
    nxt = pos + OVERHEAD + length
    inside = first_intact(buf, pos + 1, min(nxt, end), end, find)
    if inside < 0:
        if nxt == end or (nxt + HEADER_SIZE <= end and header_length(buf, nxt) >= 0):
            where = f"bad data CRC in record at byte {base + pos}; record skipped"
            return Verdict("skip", nxt, where)
        if nxt + HEADER_SIZE > end:
            return Verdict("wait", pos)  # its end or what follows it is still being written
        where = f"bad data CRC in record at byte {base + pos}, no record after it; resynchronised"
        return Verdict("resync", pos, where)
    where = f"length {length} at byte {base + pos} runs over intact records; resynchronised"
    return Verdict("resync", pos, where)


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
        if data_end + FOOTER_SIZE <= end and (
            masked_crc32c(buf[pos + HEADER_SIZE : data_end]) == unpack_u32(buf, data_end)[0]
        ):
            spans.append((pos + HEADER_SIZE, length))
            pos = data_end + FOOTER_SIZE
            continue
        verdict = judge(buf, pos, length, end, base)
        if verdict.action == "wait":
            break
        result.warnings.append(verdict.warning)
        if verdict.action == "skip":
            pos = verdict.next
            continue
        pos = resync(buf, pos + 1, end)
        if pos + HEADER_SIZE > end:
            result.resyncing = True
    result.consumed = pos
    return result
