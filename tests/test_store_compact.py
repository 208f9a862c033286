"""Compact columns (issue 13): uneven steps and wall times kept as differences in the narrowest
integer type, a byte or two a point where they are close, and every number given back exactly
(int64 extremes, NaN payloads and -0.0 included), through reading, views, pickling and export."""

from __future__ import annotations

import csv
import io
import math
import pickle

import numpy as np
import pytest

from tbx_tui.headless import export
from tbx_tui.read import runview
from tbx_tui.read.compact import Deltas, float_bits, put_deltas
from tbx_tui.read.logdir import Logdir
from tbx_tui.read.store import ScalarSeries
from tests import eventfiles as ef

pytestmark = pytest.mark.unit

I64 = np.iinfo(np.int64)


def series_of(steps, walls, values=None) -> ScalarSeries:
    s = ScalarSeries()
    n = len(steps)
    values = np.zeros(n, np.float32) if values is None else values
    s.extend(np.asarray(steps, np.int64), np.asarray(walls, np.float64), values)
    s.settle()
    return s


def test_uneven_steps_close_together_cost_a_byte_a_point(tmp_path):
    rng = np.random.default_rng(1)
    steps = np.cumsum(rng.integers(1, 4, 20_000))  # each 1-3 above the last: no fixed stride
    walls = 1.7e9 + np.cumsum(rng.integers(1, 2000, 20_000)) * 1e-6  # microseconds apart
    records = [
        ef.scalar("loss", int(s), 0.5, wall=float(w) - int(s))
        for s, w in zip(steps, walls, strict=True)
    ]
    ef.write(tmp_path / "run" / "events.out.tfevents.1.h", ef.file_version(), *records)
    ld = Logdir(tmp_path)
    ld.refresh()
    s = ld.runs["run"].scalars["loss"]
    assert s.steps.tolist() == steps.tolist() and s.steps.dtype == np.int32
    # read back bit for bit: what each event holds (eventfiles writes wall + step)
    assert s.wall_times.tolist() == [
        float(w) - int(t) + int(t) for t, w in zip(steps, walls, strict=True)
    ]
    column = s.step_column()
    assert isinstance(column, Deltas) and column.deltas.dtype == np.uint8
    assert s.wall_column().deltas.dtype == np.uint16  # a few thousand units of the last place
    assert s.nbytes() == 7 * len(s)  # 1 (steps) + 2 (wall times) + 4 (float32 values)


@pytest.mark.parametrize(
    "gap, kind",
    [(255, np.uint8), (256, np.uint16), (65_535, np.uint16), (65_536, np.int32), (-1, np.int32)],
)
def test_step_differences_take_the_narrowest_type_that_holds_them(gap, kind):
    steps = [0, 1, 3, 3 + gap, 4 + gap]
    s = series_of(steps, np.full(5, 1e9))
    assert s.step_column().deltas.dtype == kind and s.steps.tolist() == steps


def test_a_column_widens_once_and_keeps_every_point_and_every_view():
    s = ScalarSeries()
    s.extend(np.array([0, 1, 3, 4]), np.array([1e9, 1e9, 1e9, 1e9]), np.zeros(4))
    views = [runview.take_series(s)]
    for step, wall in [(300, 1e9 + 1), (200, 1e9 - 5), (2**40, math.inf), (-(2**50), -0.0)]:
        s.append(step, wall, 1.0)
        views.append(runview.take_series(s))
    want_steps = [0, 1, 3, 4, 300, 200, 2**40, -(2**50)]
    want_walls = [1e9, 1e9, 1e9, 1e9, 1e9 + 1, 1e9 - 5, math.inf, -0.0]
    assert s.step_column().deltas.dtype == np.int64 and s.steps.dtype == np.int64
    for k, view in enumerate(views):
        assert view.steps.tolist() == want_steps[: 4 + k]
        assert (
            float_bits(view.wall_times).tolist()
            == float_bits(np.array(want_walls[: 4 + k])).tolist()
        )
    assert views[0].steps.dtype == np.int32  # taken before a step needed int64


def test_int64_extremes_and_nan_payloads_come_back_exactly():
    steps = [I64.max, I64.min, 0, I64.max, I64.min + 1, -1]
    patterns = [0x7FF8000000000001, 0x7FF0000000000000, 1 << 63, 0, 1, (1 << 64) - 1]
    bits = np.array(patterns, dtype=np.uint64).view(np.int64)
    walls = bits.view(np.float64)  # a NaN with a payload, inf, -0.0, 0, tiny, a negative NaN
    s = series_of(steps, walls)
    assert s.steps.tolist() == steps
    assert float_bits(s.wall_times).tolist() == bits.tolist()
    for lo, hi in [(0, 6), (1, 4), (5, 6), (3, 3)]:
        assert s.steps_between(lo, hi).tolist() == steps[lo:hi]
        assert float_bits(s.walls_between(lo, hi)).tolist() == bits[lo:hi].tolist()
    back = pickle.loads(pickle.dumps(s))
    assert back.steps.tolist() == steps
    assert float_bits(back.wall_times).tolist() == bits.tolist()
    back.append(7, 2.5, 0.0)  # and it goes on from the last of each
    assert back.steps.tolist()[-2:] == [-1, 7] and back.wall_times[-1] == 2.5


def test_put_deltas_widens_only_when_a_difference_does_not_fit():
    column = np.empty(8, np.uint8)
    column[:1] = 0
    same = put_deltas(column, 1, 10, np.array([12, 13], np.int64))
    assert same is column and column[:3].tolist() == [0, 2, 1]
    wider = put_deltas(column, 3, 13, np.array([10], np.int64))
    assert wider is not column and wider.dtype == np.int32 and wider[:4].tolist() == [0, 2, 1, -3]


def test_a_restart_keeps_the_earlier_points_exactly(tmp_path):
    s = series_of([0, 2, 3, 7, 8, 9], 1e9 + np.array([0.5, 1.25, 2, 3, 4, 5]))
    assert s.purge_from(7) == 3
    assert s.steps.tolist() == [0, 2, 3] and s.wall_times.tolist() == [
        1e9 + 0.5,
        1e9 + 1.25,
        1e9 + 2,
    ]
    s.append(5, 1e9 + 9, 1.0)
    assert s.steps.tolist() == [0, 2, 3, 5] and s.wall_times[-1] == 1e9 + 9


def test_export_gives_every_step_and_wall_time_as_written(tmp_path):
    rng = np.random.default_rng(7)
    steps = np.cumsum(rng.integers(0, 300, 3000)) - 500  # goes below zero, gaps past a byte
    walls = 1.6e9 + np.cumsum(rng.random(3000))
    walls[100] = 1.2e9  # a clock that jumped back
    records = [
        ef.scalar("x", int(s), 0.25, wall=float(w) - int(s))
        for s, w in zip(steps, walls, strict=True)
    ]
    ef.write(tmp_path / "run" / "events.out.tfevents.1.h", ef.file_version(), *records)
    buf = io.BytesIO()
    assert export.write_runs(Logdir(tmp_path).each_run(), buf, jsonl=False, workers=1) == 3000
    rows = list(csv.DictReader(io.StringIO(buf.getvalue().decode())))
    assert [int(r["step"]) for r in rows] == steps.tolist()
    # what protobuf gives for each event's wall_time (wall + step - step, as written)
    want = [float(w) - int(s) + int(s) for s, w in zip(steps, walls, strict=True)]
    assert [float(r["wall_time"]) for r in rows] == want
