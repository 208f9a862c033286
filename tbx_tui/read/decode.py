"""Turning the records found in a buffer into store updates, in file order.

Small batches go record by record through protobuf. Big batches (first reads of large files) pull
the plain scalar events out with numpy (:mod:`tbx_tui.read.fastdecode`) and decode only the rest
with protobuf, committing the vectorised scalars before any event that could interact with them (a
restart or another scalar), so the result is the same as decoding one record at a time.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from google.protobuf.message import DecodeError

from tbx_tui.read.events import apply_event, parse_event, touches_scalars
from tbx_tui.read.fastdecode import PlainScalars, match_plain_scalars
from tbx_tui.read.store import BlobRef, Run, ScalarSeries

#: What a well-framed record with lying content raises while it is applied: each is one counted
#: warning for that record, and reading goes on.
DAMAGE = (ValueError, TypeError, IndexError, OverflowError, DecodeError)
#: Below this many records a batch is decoded record by record.
FAST_MIN_RECORDS = 256
#: Records decoded together on the fast path: bounds its temporary arrays (about 130 bytes a
#: record) whatever the size of the buffer.
FAST_BATCH = 1 << 15


def _decode_one(run: Run, view: memoryview, offset: int, length: int, ctx: tuple[str, int, str]):
    _, base, name = ctx
    try:
        return parse_event(view[offset : offset + length])
    except ValueError as exc:
        run.add_warning(f"{name}: record at byte {base + offset - 12}: {exc}")
        return None


def _apply(run: Run, event, offset: int, length: int, ctx: tuple[str, int, str]) -> None:
    path, base, name = ctx
    try:
        apply_event(run, event, BlobRef(path, base + offset, length))
    except DAMAGE as exc:
        run.add_warning(f"{name}: record at byte {base + offset - 12}: {exc}")


def _commit(run: Run, plain: PlainScalars, lo: int, hi: int) -> None:
    """Append plain scalars ``lo:hi`` (file order) to their series."""
    if hi <= lo:
        return
    ids = plain.tag_ids[lo:hi]
    order = np.argsort(ids, kind="stable")
    sorted_ids = ids[order]
    cuts = np.flatnonzero(np.diff(sorted_ids)) + 1
    steps = plain.steps[lo:hi]
    walls = plain.wall_times[lo:hi]
    values = plain.values[lo:hi]
    for group in np.split(order, cuts):
        tag = plain.tags[int(ids[group[0]])]
        series = run.scalars.get(tag)
        if series is None:
            series = run.scalars[tag] = ScalarSeries()
        series.extend(steps[group], walls[group], values[group])
    top = float(walls.max())
    if top > run.last_wall_time:
        run.last_wall_time = top
    run.version += 1


def decode_records(
    run: Run,
    buf: bytes,
    offsets: Sequence[int] | np.ndarray,
    lengths: Sequence[int] | np.ndarray,
    path: str,
    base: int,
    name: str,
) -> None:
    """Decode the payloads ``buf[offsets[i]:offsets[i]+lengths[i]]`` into ``run``, in order.

    ``base`` is the file offset of ``buf[0]``. An undecodable payload is a counted warning.
    """
    view = memoryview(buf)
    ctx = (path, base, name)
    n = len(offsets)
    if n < FAST_MIN_RECORDS:
        for offset, length in zip(offsets, lengths, strict=True):
            offset, length = int(offset), int(length)
            event = _decode_one(run, view, offset, length, ctx)
            if event is not None:
                _apply(run, event, offset, length, ctx)
        return
    offsets = np.asarray(offsets, dtype=np.int64)
    lengths = np.asarray(lengths, dtype=np.int64)
    for lo in range(0, n, FAST_BATCH):
        hi = min(lo + FAST_BATCH, n)
        _decode_fast(run, buf, view, offsets[lo:hi], lengths[lo:hi], ctx)


def _decode_fast(
    run: Run,
    buf: bytes,
    view: memoryview,
    offsets: np.ndarray,
    lengths: np.ndarray,
    ctx: tuple[str, int, str],
) -> None:
    """One batch of records: plain scalars vectorised, the rest through protobuf, in order."""
    plain = match_plain_scalars(buf, offsets, lengths)
    is_plain = np.zeros(len(offsets), dtype=bool)
    is_plain[plain.index] = True
    done = 0  # plain scalars committed so far
    for i in np.flatnonzero(~is_plain).tolist():
        offset, length = int(offsets[i]), int(lengths[i])
        event = _decode_one(run, view, offset, length, ctx)
        if event is None:
            continue
        if touches_scalars(event):
            upto = int(np.searchsorted(plain.index, i))
            _commit(run, plain, done, upto)
            done = upto
        _apply(run, event, offset, length, ctx)
    _commit(run, plain, done, len(plain.index))
