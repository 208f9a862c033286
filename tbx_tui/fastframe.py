"""Vectorised record framing for big buffers (first reads of large event files).

Gives the same answer as :func:`tbx_tui.record.scan` (a test holds them to it), much faster: a
tight loop only follows the length fields, then numpy checks every length CRC and data CRC at
once with a table-driven CRC32C. Damage is handed to the careful scanner's ``resync``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

from tbx_tui import record

_U64 = struct.Struct("<Q").unpack_from
#: Gathered bytes per CRC batch (bounds the temporary index matrices).
_BATCH_BYTES = 4 << 20


def _crc_table() -> np.ndarray:
    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0x82F63B78), table >> 1)
    return table.astype(np.uint32)


_TABLE = _crc_table()


def crc32c_rows(rows: np.ndarray) -> np.ndarray:
    """Masked CRC32C of each row of a ``(n, L)`` uint8 matrix, as uint32."""
    crc = np.full(rows.shape[0], 0xFFFFFFFF, dtype=np.uint32)
    table = _TABLE
    for j in range(rows.shape[1]):
        crc = table[(crc ^ rows[:, j]) & 0xFF] ^ (crc >> 8)
    crc ^= np.uint32(0xFFFFFFFF)
    return (((crc >> 15) | (crc << 17)) + np.uint32(record._MASK_DELTA)).astype(np.uint32)


def _gather(data: np.ndarray, starts: np.ndarray, width: int) -> np.ndarray:
    return data[starts[:, None] + np.arange(width)]


def _u32_at(data: np.ndarray, starts: np.ndarray) -> np.ndarray:
    return _gather(data, starts, 4).view("<u4").ravel()


def _data_crc_ok(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """For each record, whether its data CRC matches."""
    ok = np.empty(len(starts), dtype=bool)
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    bounds = np.flatnonzero(np.diff(sorted_lengths)) + 1
    for group in np.split(order, bounds):
        if group.size == 0:
            continue
        length = int(lengths[group[0]])
        step = max(1, _BATCH_BYTES // max(length, 1))
        for i in range(0, group.size, step):
            idx = group[i : i + step]
            first = starts[idx] + record.HEADER_SIZE
            stored = _u32_at(data, first + length)
            ok[idx] = crc32c_rows(_gather(data, first, length)) == stored
    return ok


@dataclass
class FrameResult:
    """Like :class:`tbx_tui.record.ScanResult`, with the good payloads as arrays."""

    offsets: np.ndarray
    lengths: np.ndarray
    consumed: int = 0
    warnings: list[str] = field(default_factory=list)
    resyncing: bool = False


def _follow(buf: bytes, pos: int, end: int) -> tuple[list[int], int]:
    """Record starts found by following length fields from ``pos`` (unchecked), and where it
    stopped: at the end, at an incomplete record, or at an absurd length."""
    starts: list[int] = []
    add = starts.append
    limit = record.MAX_RECORD_BYTES
    last = end - record.HEADER_SIZE
    while pos <= last:
        length = _U64(buf, pos)[0]
        nxt = pos + length + record.OVERHEAD
        if length > limit or nxt > end:
            break
        add(pos)
        pos = nxt
    return starts, pos


def frame(buf: bytes, resyncing: bool = False, base: int = 0) -> FrameResult:
    """Find the records of ``buf``; same results and warnings as :func:`record.scan`."""
    end = len(buf)
    data = np.frombuffer(buf, dtype=np.uint8)
    warnings: list[str] = []
    offsets: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    pos = 0
    still_resyncing = False
    if resyncing:
        pos = record.resync(buf, 0, end)
        still_resyncing = pos + record.HEADER_SIZE > end
    while pos + record.HEADER_SIZE <= end:
        found, stop = _follow(buf, pos, end)
        starts = np.asarray(found, dtype=np.int64)
        if starts.size:
            heads = _gather(data, starts, record.HEADER_SIZE)
            lens = heads[:, :8].copy().view("<u8").ravel().astype(np.int64)
            good_len = crc32c_rows(heads[:, :8]) == heads[:, 8:12].copy().view("<u4").ravel()
            bad = np.flatnonzero(~good_len)
            if bad.size:  # everything after a damaged length was followed blindly: drop it
                cut = int(bad[0])
                starts, lens = starts[:cut], lens[:cut]
                stop = int(found[cut])
            ok = _data_crc_ok(data, starts, lens)
            for i in np.flatnonzero(~ok):
                warnings.append(
                    f"bad data CRC in record at byte {base + int(starts[i])}; record skipped"
                )
            offsets.append(starts[ok] + record.HEADER_SIZE)
            lengths.append(lens[ok])
        pos = stop
        if pos + record.HEADER_SIZE > end:
            break
        length = record._header_ok(buf, pos)
        if length >= 0:
            if pos + length + record.OVERHEAD > end:
                break  # a write in progress
            continue  # a valid header the blind walk stopped at (after a cut): go on from it
        raw = _U64(buf, pos)[0]
        what = "absurd length" if raw > record.MAX_RECORD_BYTES else "bad length CRC"
        warnings.append(f"{what} at byte {base + pos}; resynchronised")
        pos = record.resync(buf, pos + 1, end)
        still_resyncing = pos + record.HEADER_SIZE > end
    if offsets:
        off, ln = np.concatenate(offsets), np.concatenate(lengths)
    else:
        off = ln = np.zeros(0, dtype=np.int64)
    return FrameResult(off, ln, pos, warnings, still_resyncing)
