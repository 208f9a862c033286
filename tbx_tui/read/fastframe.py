"""Vectorised record framing for big buffers (first reads of large event files).

Gives the same answer as :func:`tbx_tui.tfrecord.record.scan` (a test holds them to it), much
faster: a tight loop only follows the length fields, then numpy checks every length CRC and data CRC
at once with a table-driven CRC32C. Damage is handed to the careful scanner's ``resync``.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass, field

import numpy as np

from tbx_tui.tfrecord import record
from tbx_tui.tfrecord.crcvec import byte_view, crc32c_at

_U64 = struct.Struct("<Q").unpack_from
#: Records up to this long are checked with per-position tables; longer ones one by one in C.
_TABLED_MAX = 128
#: Offsets checked per step when searching for the next valid header.
_RESYNC_WINDOW = 1 << 16
#: Bytes searched at a time for record starts.
_CANDIDATE_BLOCK = 1 << 20


def _data_crc_ok(buf: bytes, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """For each record, whether its data CRC matches."""
    u8 = np.frombuffer(buf, dtype=np.uint8)
    u16 = byte_view(buf, "<u2")
    u32 = byte_view(buf, "<u4")
    first = starts + record.HEADER_SIZE
    stored = u32[first + lengths]
    ok = np.empty(len(starts), dtype=bool)
    long = np.flatnonzero(lengths > _TABLED_MAX)
    for i in long.tolist():
        a = int(first[i])
        ok[i] = record.masked_crc32c(buf[a : a + int(lengths[i])]) == stored[i]
    short = np.flatnonzero(lengths <= _TABLED_MAX)
    order = short[np.argsort(lengths[short], kind="stable")]
    bounds = np.flatnonzero(np.diff(lengths[order])) + 1
    for group in np.split(order, bounds):
        if group.size:
            ok[group] = crc32c_at(u8, u16, first[group], int(lengths[group[0]])) == stored[group]
    return ok


@dataclass
class FrameResult:
    """Like :class:`tbx_tui.tfrecord.record.ScanResult`, with the good payloads as arrays."""

    offsets: np.ndarray
    lengths: np.ndarray
    consumed: int = 0
    warnings: list[str] = field(default_factory=list)
    resyncing: bool = False


def resync(buf: bytes, start: int, end: int) -> int:
    """:func:`tbx_tui.tfrecord.record.resync`, vectorised: every candidate offset of a window is
    checked at once, so a long damaged stretch (say a block of zeros after a crash) costs
    milliseconds."""
    last = end - record.HEADER_SIZE
    if last - start < _RESYNC_WINDOW:
        return record.resync(buf, start, end)
    u8, u16 = np.frombuffer(buf, dtype=np.uint8), byte_view(buf, "<u2")
    u32, u64 = byte_view(buf, "<u4"), byte_view(buf, "<u8")
    limit = np.uint64(record.MAX_RECORD_BYTES)
    for lo in range(start, last + 1, _RESYNC_WINDOW):
        at = np.arange(lo, min(lo + _RESYNC_WINDOW, last + 1), dtype=np.int64)
        ok = (u64[at] <= limit) & (crc32c_at(u8, u16, at, 8) == u32[at + 8])
        hits = np.flatnonzero(ok)
        if hits.size:
            return int(at[hits[0]])
    return max(start, end - record.HEADER_SIZE + 1)


def _follow_python(buf: bytes, pos: int, end: int, limit: int) -> tuple[list[int], int, bool]:
    """Follow length fields from ``pos`` for at most ``limit`` records; also say whether it
    stopped for good (end of buffer, incomplete record or absurd length)."""
    starts: list[int] = []
    add = starts.append
    max_length = record.MAX_RECORD_BYTES
    last = end - record.HEADER_SIZE
    while pos <= last:
        if len(starts) == limit:
            return starts, pos, False
        length = _U64(buf, pos)[0]
        nxt = pos + length + record.OVERHEAD
        if length > max_length or nxt > end:
            break
        add(pos)
        pos = nxt
    return starts, pos, True


def _candidates(buf: bytes, pos: int, end: int) -> np.ndarray:
    """Offsets ``x >= pos`` with ``buf[x + 12] == 0x09`` (a block at a time: no buffer-sized
    temporary)."""
    u8 = np.frombuffer(buf, dtype=np.uint8)
    first, last = pos + record.HEADER_SIZE, end
    parts = [
        np.flatnonzero(u8[a : min(a + _CANDIDATE_BLOCK, last)] == 0x09) + (a - record.HEADER_SIZE)
        for a in range(first, last, _CANDIDATE_BLOCK)
    ]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def _follow_vectorised(buf: bytes, pos: int, end: int) -> tuple[np.ndarray, int]:
    """Record starts from ``pos`` on, found all at once, and where the chain stops.

    Nearly every event payload starts with the wall_time key 0x09, so record starts are among
    the offsets ``x`` with ``buf[x + 12] == 0x09``. Of those candidates, the ones some other
    candidate's length field points at (plus ``pos``) should form one chain; the prefix where
    each start's length leads exactly to the next start is certain, whatever else happened.
    """
    cand = _candidates(buf, pos, end)
    if cand.size == 0 or cand[0] != pos:
        return cand[:0], pos
    lengths = byte_view(buf, "<u8")[cand]
    fits = lengths <= np.uint64(end - record.OVERHEAD)
    cand = cand[fits]
    nxt = cand + lengths[fits].astype(np.int64) + record.OVERHEAD
    inside = nxt <= end
    cand, nxt = cand[inside], nxt[inside]
    targets = np.sort(np.append(nxt, pos))  # the offsets some length field points at
    at = np.minimum(np.searchsorted(targets, cand), len(targets) - 1)
    keep = targets[at] == cand
    chain, nxt = cand[keep], nxt[keep]
    if chain.size == 0:
        return chain, pos
    breaks = np.flatnonzero(nxt[:-1] != chain[1:])
    k = int(breaks[0]) if breaks.size else chain.size - 1
    return chain[: k + 1], int(nxt[k])


def _follow(buf: bytes, pos: int, end: int) -> tuple[np.ndarray, int]:
    """Record starts found by following length fields from ``pos`` (lengths unchecked), and
    where it stopped: at the end, at an incomplete record, or at an absurd length."""
    parts: list[np.ndarray] = []
    vectorise = end - pos >= 1 << 16
    while True:
        if vectorise:
            starts, pos = _follow_vectorised(buf, pos, end)
            parts.append(starts)
            vectorise = starts.size >= 64  # it pays off here: try again after a few records
        found, pos, stopped = _follow_python(buf, pos, end, 256)
        parts.append(np.asarray(found, dtype=np.int64))
        if stopped:
            break
    return np.concatenate(parts) if parts else np.zeros(0, np.int64), pos


def frame(buf: bytes, resyncing: bool = False, base: int = 0) -> FrameResult:
    """Find the records of ``buf``; same results and warnings as :func:`record.scan`."""
    end = len(buf)
    warnings: list[str] = []
    offsets: list[np.ndarray] = []
    lengths: list[np.ndarray] = []
    pos = 0
    still_resyncing = False
    if resyncing:
        pos = resync(buf, 0, end)
        still_resyncing = pos + record.HEADER_SIZE > end
    while pos + record.HEADER_SIZE <= end:
        starts, stop = _follow(buf, pos, end)
        verdict: record.Verdict | None = None
        if starts.size:
            lens = byte_view(buf, "<u8")[starts].astype(np.int64)
            u8, u16 = np.frombuffer(buf, dtype=np.uint8), byte_view(buf, "<u2")
            good_len = crc32c_at(u8, u16, starts, 8) == byte_view(buf, "<u4")[starts + 8]
            bad = np.flatnonzero(~good_len)
            if bad.size:  # everything after a damaged length was followed blindly: drop it
                cut = int(bad[0])
                stop = int(starts[cut])
                starts, lens = starts[:cut], lens[:cut]
            ok = _data_crc_ok(buf, starts, lens)
            for i in np.flatnonzero(~ok).tolist():  # each judged as the careful scanner does
                judged = record.judge(buf, int(starts[i]), int(lens[i]), end, base, resync)
                if judged.action == "skip":
                    warnings.append(judged.warning)
                    continue
                verdict, stop = judged, int(starts[i])
                starts, lens, ok = starts[:i], lens[:i], ok[:i]
                break
            offsets.append(starts[ok] + record.HEADER_SIZE)
            lengths.append(lens[ok])
        pos = stop
        if verdict is None:
            if pos + record.HEADER_SIZE > end:
                break
            length = record.header_length(buf, pos)
            if length < 0:
                raw = _U64(buf, pos)[0]
                what = "absurd length" if raw > record.MAX_RECORD_BYTES else "bad length CRC"
                warnings.append(f"{what} at byte {base + pos}; resynchronised")
                pos = resync(buf, pos + 1, end)
                still_resyncing = pos + record.HEADER_SIZE > end
                continue
            if pos + length + record.OVERHEAD <= end:
                continue  # a valid header the blind walk stopped at (after a cut): go on from it
            verdict = record.judge(buf, pos, length, end, base, resync)
        if verdict.action == "wait":
            break
        warnings.append(verdict.warning)
        pos = resync(buf, pos + 1, end)
        still_resyncing = pos + record.HEADER_SIZE > end
    if offsets:
        off, ln = np.concatenate(offsets), np.concatenate(lengths)
    else:
        off = ln = np.zeros(0, dtype=np.int64)
    return FrameResult(off, ln, pos, warnings, still_resyncing)
