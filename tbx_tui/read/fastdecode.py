"""Vectorised decoding of plain scalar events, the bulk of most event files.

A "plain scalar event" is what tensorboardX, torch and many loggers write for ``add_scalar``::

    Event { wall_time: double, [step: varint], summary { value { tag, simple_value } } }

with every length below 128. :func:`match_plain_scalars` recognises such records among many with
numpy and pulls out tag, step, wall time and value of each in one pass. :func:`match_file_versions`
does the same for the event that starts every file (``Event { wall_time, [step], file_version }``,
an ASCII version string), which only tells the time. Everything else goes through the protobuf
decoder, in file order, so a file of plain scalars is read without it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from tbx_tui.read.fastframe import byte_view


@dataclass
class PlainScalars:
    """The plain scalar events of a batch of records."""

    index: np.ndarray  # which records (positions in the batch), ascending
    tag_ids: np.ndarray  # index into ``tags`` per record
    tags: list[str]
    steps: np.ndarray
    wall_times: np.ndarray
    values: np.ndarray


def _take(data: np.ndarray, at: np.ndarray, width: int) -> np.ndarray:
    """The ``width`` bytes at each of ``at``, one row each (built a column at a time: an index
    matrix of the whole batch would cost 8 bytes per byte)."""
    rows = np.empty((len(at), width), dtype=np.uint8)
    for j in range(width):
        rows[:, j] = data[at + j]
    return rows


def _varints(data: np.ndarray, at: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Decode a varint at each position: values (uint64) and byte counts."""
    value = np.zeros(len(at), dtype=np.uint64)
    size = np.zeros(len(at), dtype=np.int64)
    active = np.ones(len(at), dtype=bool)
    limit = len(data) - 1
    for k in range(10):
        if not active.any():
            break
        b = data[np.minimum(at + k, limit)].astype(np.uint64)
        value |= np.where(active, (b & np.uint64(0x7F)) << np.uint64(7 * k), np.uint64(0))
        size += active
        active &= (b & np.uint64(0x80)) != 0
    size[active] = -1  # more than 10 bytes: not a varint
    return value, size


def _event_heads(
    data: np.ndarray, offsets: np.ndarray, lengths: np.ndarray, min_length: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The records of at least ``min_length`` bytes that start ``Event { wall_time, [step] }``:
    their positions in the batch, their steps (0 without one), where the field after the step
    starts, and whether the step is a sound varint."""
    idx = np.flatnonzero(lengths >= min_length)
    idx = idx[data[offsets[idx]] == 0x09]  # wall_time, a double
    p = offsets[idx] + 9
    has_step = data[p] == 0x10
    steps, size = _varints(data, p + 1)
    steps = np.where(has_step, steps, np.uint64(0))
    return idx, steps, np.where(has_step, p + 1 + size, p), ~has_step | (size > 0)


def match_plain_scalars(buf: bytes, offsets: np.ndarray, lengths: np.ndarray) -> PlainScalars:
    """Find and decode the plain scalar events among records ``buf[offsets[i]:+lengths[i]]``.

    Values stay float32, as the file holds them. The checks look a few bytes past short
    payloads: where that would run past ``buf``, they read its last byte instead (such a record
    fails the length checks whatever they read).
    """
    data = np.frombuffer(buf, dtype=np.uint8)
    last = len(data) - 1
    idx, steps, p, good = _event_heads(data, offsets, lengths, 20)
    e = offsets[idx] + lengths[idx]
    walls = byte_view(buf, "<f8")[offsets[idx] + 1]
    at = [data[np.minimum(p + k, last)] for k in range(6)]
    # summary { value { tag ... simple_value } }: keys 0x2a, 0x0a, 0x0a, one-byte lengths
    good &= (at[0] == 0x2A) & (at[1] < 0x80) & (p + 2 + at[1] == e)
    good &= (at[2] == 0x0A) & (at[3] < 0x80) & (at[3] + 2 == at[1])
    good &= (at[4] == 0x0A) & (at[5] < 0x80)
    tag_at = p + 6
    tag_len = at[5].astype(np.int64)
    q = tag_at + tag_len
    good &= (q + 5 == e) & (data[np.minimum(q, last)] == 0x15)
    idx, walls, steps, tag_at, tag_len, q = (
        a[good] for a in (idx, walls, steps, tag_at, tag_len, q)
    )
    values = byte_view(buf, "<f4")[q + 1]
    tag_ids, tags = _intern_tags(data, tag_at, tag_len)
    valid = np.array([t is not None for t in tags], dtype=bool)
    if not valid.all():  # a tag that is not UTF-8: let protobuf judge those records
        keep = valid[tag_ids]
        idx, walls, steps, values = idx[keep], walls[keep], steps[keep], values[keep]
        tag_ids, tags = _intern_tags(data, tag_at[keep], tag_len[keep])
    utf8_tags = cast(list[str], tags)  # the records whose tag is not UTF-8 are out
    return PlainScalars(idx, tag_ids, utf8_tags, steps.view(np.int64), walls, values)


def match_file_versions(
    buf: bytes, offsets: np.ndarray, lengths: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Which records (positions in the batch, ascending) are ``Event { wall_time, [step],
    file_version }`` with an ASCII version string, and their wall times. Applying such an event
    changes nothing but the run's last wall time."""
    data = np.frombuffer(buf, dtype=np.uint8)
    last = len(data) - 1
    end = offsets + lengths
    # (11 bytes: wall_time key and value, file_version key and length)
    idx, _, p, good = _event_heads(data, offsets, lengths, 11)
    key, length = data[np.minimum(p, last)], data[np.minimum(p + 1, last)]
    good &= (key == 0x1A) & (length < 0x80) & (p + 2 + length == end[idx])
    idx, p = idx[good], p[good]
    # the version string, ASCII (protobuf judges any other: it refuses what is not UTF-8)
    spans = zip((p + 2).tolist(), end[idx].tolist(), strict=True)
    idx = idx[np.array([buf[a:b].isascii() for a, b in spans], dtype=bool)]
    return idx, byte_view(buf, "<f8")[offsets[idx] + 1]


def _utf8(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _intern_tags(
    data: np.ndarray, tag_at: np.ndarray, tag_len: np.ndarray
) -> tuple[np.ndarray, list[str | None]]:
    """Tag id per record and the tag strings (None: not UTF-8), numbered by first appearance."""
    ids = np.empty(len(tag_at), dtype=np.int64)
    tags: list[str | None] = []
    # the lengths present, ascending (tags are shorter than 128 bytes); not ``np.unique``, which
    # imports ``numpy.ma`` (about 20 ms) on its first call without ``return_index``
    for length in np.flatnonzero(np.bincount(tag_len)):
        sel = np.flatnonzero(tag_len == length)
        raw = _take(data, tag_at[sel], int(length))
        keys = raw.view(f"V{int(length)}").ravel() if length else np.zeros(len(sel), "V1")
        _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
        base = len(tags)
        tags.extend(_utf8(bytes(raw[i])) for i in first)
        ids[sel] = base + inverse.ravel()
    # renumber by first appearance so series are created in file order
    order = np.full(len(tags), len(ids), dtype=np.int64)
    np.minimum.at(order, ids, np.arange(len(ids)))
    rank = np.argsort(order, kind="stable")
    remap = np.empty_like(rank)
    remap[rank] = np.arange(len(rank))
    return remap[ids], [tags[i] for i in rank]
