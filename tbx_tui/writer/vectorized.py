"""Encoding thousands of scalar events at once with numpy.

Rows with the same tag and the same step width have the same layout, so each such group is a
2-D byte array filled column by column (wall times, steps, floats), its CRC32C computed for all
rows together (slicing-by-8 table lookups), and its records written back in call order. The bytes
are identical to what :mod:`tbx_tui.writer.pipeline`'s one-at-a-time loop produces.
"""

from __future__ import annotations

import operator

import numpy as np

from tbx_tui.tfrecord.crcvec import crc32c_rows
from tbx_tui.writer.encode import Framer


def _varint_columns(steps: np.ndarray, width: int) -> np.ndarray:
    """``(m, width)`` varint bytes of int64 steps that all need exactly ``width`` bytes."""
    u = steps.astype(np.uint64)
    cols = np.empty((len(steps), width), dtype=np.uint8)
    for k in range(width):
        byte = (u >> np.uint64(7 * k)) & np.uint64(0x7F)
        if k < width - 1:
            byte |= np.uint64(0x80)
        cols[:, k] = byte.astype(np.uint8)
    return cols


_LIMITS = np.array([1 << (7 * k) for k in range(1, 10)], dtype=np.uint64)


def _step_widths(steps: np.ndarray) -> np.ndarray:
    """Bytes of the varint of each step (0 for step 0, whose field is omitted)."""
    widths = np.searchsorted(_LIMITS, steps.astype(np.uint64), side="right") + 1
    widths[steps < 0] = 10
    widths[steps == 0] = 0
    return widths


def _group_records(enc, steps, walls, values, width: int, framer: Framer) -> np.ndarray:
    """``(m, record_len)`` framed records of one tag whose steps share a varint width."""
    prefix = np.frombuffer(enc.prefix, dtype=np.uint8)
    suffix = np.frombuffer(enc.suffix, dtype=np.uint8)
    step_len = 1 + width if width else 0
    n = 9 + step_len + len(prefix) + 4 + len(suffix)
    m = len(steps)
    rec = np.empty((m, 12 + n + 4), dtype=np.uint8)
    rec[:, :12] = np.frombuffer(framer.header(n), dtype=np.uint8)
    col = 12
    rec[:, col] = 0x09
    rec[:, col + 1 : col + 9] = walls.astype("<f8").view(np.uint8).reshape(m, 8)
    col += 9
    if width:
        rec[:, col] = 0x10
        rec[:, col + 1 : col + 1 + width] = _varint_columns(steps, width)
        col += step_len
    rec[:, col : col + len(prefix)] = prefix
    col += len(prefix)
    rec[:, col : col + 4] = values.view(np.uint8).reshape(m, 4)
    col += 4
    rec[:, col : col + len(suffix)] = suffix
    rec[:, 12 + n :] = crc32c_rows(rec[:, 12 : 12 + n]).astype("<u4").view(np.uint8).reshape(m, 4)
    return rec


def _column(items: list[tuple], k: int, dtype) -> np.ndarray:
    return np.fromiter(map(operator.itemgetter(k), items), dtype=dtype, count=len(items))


def encode_scalars(items: list[tuple], keys: list[int], targets: list, framer: Framer) -> None:
    """Frame ``(key, step, wall, float)`` items (``targets[key]`` is the ScalarTag) and append
    each file's bytes in call order."""
    m = len(items)
    steps = _column(items, 1, np.int64)
    walls = _column(items, 2, np.float64)
    with np.errstate(over="ignore"):
        values = _column(items, 3, np.float64).astype("<f4")  # huge -> inf, like protobuf
    tag_index = np.unique(np.array(keys, dtype=np.int64), return_inverse=True)[1].reshape(-1)
    widths = _step_widths(steps)
    key = tag_index.astype(np.int64) * 16 + widths
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    bounds = np.flatnonzero(np.diff(sorted_key)) + 1
    starts = np.concatenate(([0], bounds))
    ends = np.concatenate((bounds, [m]))
    # Per file (an enc knows its file through its ``out``): the groups that belong to it.
    by_file: dict = {}
    for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
        rows = order[s:e]
        r0 = int(rows[0])
        enc = targets[keys[r0]]
        width = int(widths[r0])
        rec = _group_records(enc, steps[rows], walls[rows], values[rows], width, framer)
        by_file.setdefault(enc.out, []).append((rows, rec))
    runs = int(np.count_nonzero(key[1:] != key[:-1])) + 1
    for out, groups in by_file.items():
        if len(groups) == 1:
            out(groups[0][1].tobytes())
            continue
        if runs == len(starts):  # each group is one contiguous run: concatenate in order
            groups.sort(key=lambda g: int(g[0][0]))
            out(b"".join(rec.tobytes() for _, rec in groups))
            continue
        rows_all = np.concatenate([g[0] for g in groups])
        lens_all = np.concatenate([np.full(len(g[0]), g[1].shape[1]) for g in groups])
        sequence = np.argsort(rows_all, kind="stable")  # this file's rows in call order
        offsets = np.empty(len(rows_all), dtype=np.int64)
        offsets[sequence] = np.concatenate(([0], np.cumsum(lens_all[sequence])[:-1]))
        buf = np.empty(int(lens_all.sum()), dtype=np.uint8)
        pos = 0
        for rows, rec in groups:
            k = len(rows)
            dest = offsets[pos : pos + k, None] + np.arange(rec.shape[1])
            buf[dest] = rec
            pos += k
        out(buf.tobytes())
