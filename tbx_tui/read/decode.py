"""Turning the records found in a buffer into store updates, in file order.

Small batches go record by record through protobuf. Bigger batches (first reads of files) pull
the plain scalar events and the files' version events out with numpy
(:mod:`tbx_tui.read.fastdecode`) and decode only the rest with protobuf, committing the vectorised
scalars before any event that could interact with them (a restart or another scalar), so the
result is the same as decoding one record at a time. The protobuf decoder
(:mod:`tbx_tui.read.events`) is imported when a record first needs it: a logdir of plain scalars
is read without it (its import is 15-30 ms of CPU before the first charts).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from tbx_tui.read.fastdecode import PlainScalars, match_file_versions, match_plain_scalars
from tbx_tui.read.store import Run, ScalarSeries

#: Below this many records a batch is decoded record by record (measured: from about 16 records,
#: numpy's fixed cost is less than protobuf's ~15 us a record).
FAST_MIN_RECORDS = 16
#: Records decoded together on the fast path: bounds its temporary arrays (about 130 bytes a
#: record) whatever the size of the buffer.
FAST_BATCH = 1 << 15


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
    _note_wall_time(run, walls)
    run.version += 1


def _note_wall_time(run: Run, walls: np.ndarray) -> None:
    """The run's last wall time after events with ``walls`` (NaN ones tell nothing), as
    applying them one by one would leave it."""
    if walls.size:
        top = float(np.fmax.reduce(walls))
        if top > run.last_wall_time:
            run.last_wall_time = top


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
        from tbx_tui.read.events import apply_or_warn, parse_or_warn

        for offset, length in zip(offsets, lengths, strict=True):
            offset, length = int(offset), int(length)
            event = parse_or_warn(run, view, offset, length, ctx)
            if event is not None:
                apply_or_warn(run, event, offset, length, ctx)
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
    """One batch of records: plain scalars and version events vectorised, the rest through
    protobuf, in order."""
    plain = match_plain_scalars(buf, offsets, lengths)
    rest = np.ones(len(offsets), dtype=bool)
    rest[plain.index] = False
    others = np.flatnonzero(rest)
    versions, version_walls = match_file_versions(buf, offsets[others], lengths[others])
    rest[others[versions]] = False
    _note_wall_time(run, version_walls)  # what version events do, whatever their order
    done = 0  # plain scalars committed so far
    protobuf = np.flatnonzero(rest).tolist()
    if protobuf:
        from tbx_tui.read.events import apply_or_warn, parse_or_warn, touches_scalars
    for i in protobuf:
        offset, length = int(offsets[i]), int(lengths[i])
        event = parse_or_warn(run, view, offset, length, ctx)
        if event is None:
            continue
        if touches_scalars(event):
            upto = int(np.searchsorted(plain.index, i))
            _commit(run, plain, done, upto)
            done = upto
        apply_or_warn(run, event, offset, length, ctx)
    _commit(run, plain, done, len(plain.index))
