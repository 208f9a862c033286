"""Memory per point and bounded memory (issue 13): at most 16 bytes a scalar point in the store,
columns that widen only when a point needs it (and keep every earlier point exactly), and
headless modes (report, JSON, export, check) that hold a few runs at a time. Real event files,
read by the real reader; no timing."""

from __future__ import annotations

import csv
import gc
import io
import json
import math
import shutil
import tracemalloc
import weakref
from pathlib import Path

import numpy as np
import pytest

from tbx_tui.headless import export
from tbx_tui.headless.check import run_check
from tbx_tui.headless.report_json import render_json
from tbx_tui.headless.summary_stats import collect
from tbx_tui.proto import types_pb2
from tbx_tui.read import runview
from tbx_tui.read.logdir import Logdir
from tbx_tui.read.store import ScalarSeries
from tests import eventfiles as ef

pytestmark = pytest.mark.unit

TAGS = ("loss", "acc", "lr")
#: float32 values (what simple_value holds), awkward in decimal, with the non-finite ones.
ODD = [0.1, 1 / 3, 1e-8, 3.4e38, -2.5e-39, math.nan, math.inf, -math.inf, 123456.789]


def value(i: int, k: int) -> float:
    """Point ``i`` of tag ``k``: a float32 (beyond float32's range: an infinity)."""
    with np.errstate(over="ignore"):
        return float(np.float32(ODD[(i + k) % len(ODD)] * (1 + i % 7)))


def scalar_file(path: Path, n: int, steps=None) -> Path:
    steps = range(n) if steps is None else steps
    records = [
        ef.scalar(tag, s, value(i, k)) for i, s in enumerate(steps) for k, tag in enumerate(TAGS)
    ]
    return ef.write(path / "events.out.tfevents.1.host", ef.file_version(), *records)


def all_series(ld: Logdir) -> list[ScalarSeries]:
    return [s for run in ld.runs.values() for s in run.scalars.values()]


def test_a_loaded_series_costs_at_most_16_bytes_a_point(tmp_path):
    scalar_file(tmp_path / "big", 6000)  # ~800 KB: the vectorised path
    scalar_file(tmp_path / "small", 40)  # record by record
    for step in (None, 100_000):  # read at once, and in steps as the app reads
        ld = Logdir(tmp_path)
        ld.refresh(max_bytes=step)
        while not ld.complete:
            ld.refresh(max_bytes=step)
        series = all_series(ld)
        assert len(series) == 6 and sum(len(s) for s in series) == 3 * 6040
        for s in series:
            assert s.nbytes() <= 16 * len(s)
            assert (s.steps.dtype, s.values.dtype) == (np.int32, np.float32)
        big = ld.runs["big"].scalars["acc"]
        want = [value(i, 1) for i in range(6000)]
        assert big.values.tolist() == pytest.approx(want, nan_ok=True, rel=0, abs=0)
        assert big.steps.tolist() == list(range(6000))


def test_tailing_keeps_a_few_percent_of_room_and_copies_seldom(tmp_path):
    path = scalar_file(tmp_path / "run", 6000)
    ld = Logdir(tmp_path)
    ld.refresh()
    series = ld.runs["run"].scalars["loss"]
    # settled: exactly the points; steps 0, 1, ... implicit, wall times as differences
    assert series.nbytes() == 6000 * (4 + series.wall_column().deltas.itemsize) <= 12 * 6000
    columns = series.values
    buffers = {id(columns.base)}
    for step in range(6000, 6020):  # tailing: one point a refresh
        ef.append(path, ef.scalar("loss", step, 0.5))
        ld.refresh()
        buffers.add(id(series.values.base))
    assert len(series) == 6020 and series.nbytes() <= 12 * 6020 * 1.02
    assert len(buffers) == 2  # one copy for twenty points, not one (or two) a refresh
    assert np.array_equal(columns, series.values[:6000], equal_nan=True)


@pytest.mark.parametrize("n", [50, 3000])  # record by record, vectorised
def test_evenly_spaced_steps_cost_nothing_until_one_breaks_the_stride(tmp_path, n):
    steps = [2**31 + 10 * i for i in range(n)]  # beyond int32, stride 10
    path = scalar_file(tmp_path / "run", n, steps)
    ld = Logdir(tmp_path)
    ld.refresh()
    s = ld.runs["run"].scalars["lr"]
    walls = s.wall_column().deltas.itemsize  # wall times: differences (four bytes here)
    assert s.nbytes() == (4 + walls) * n and s.steps.tolist() == steps
    assert s.steps.dtype == np.int64
    view = runview.take_series(s)
    assert view.last_index() == n - 1 and view.steps.tolist() == steps
    assert s.steps_between(n - 3, n + 5).tolist() == steps[-3:]
    ef.append(path, ef.scalar("lr", steps[-1] + 3, 0.5))  # off the stride
    ld.refresh()
    assert s.steps.tolist() == [*steps, steps[-1] + 3] and s.steps.dtype == np.int64
    assert s.nbytes() <= 20 * (n + 1 + max(n // 64, 64))  # a column now, a little room
    assert view.steps.tolist() == steps  # the view taken before is as it was


def test_float64_tensor_scalars_keep_float64_and_the_float32_points_before(tmp_path):
    doubles = [0.1, 1 / 3, 1e300, 2.0**-1070, 0.5]
    records = [ef.tensor_scalar("x", 0, np.array(0.25, "<f4"), types_pb2.DT_FLOAT, True)]
    records += [ef.tensor_scalar("x", 1, np.array(0.75, "<f4"), types_pb2.DT_FLOAT, False)]
    records += [
        ef.tensor_scalar("x", i + 2, np.array(v, "<f8"), types_pb2.DT_DOUBLE, False)
        for i, v in enumerate(doubles)
    ]
    records += [ef.scalar("f32", i, value(i, 0)) for i in range(300)]  # vectorised path
    ef.write(tmp_path / "run" / "events.out.tfevents.1.h", ef.file_version(), *records)
    ld = Logdir(tmp_path)
    ld.refresh()
    x = ld.runs["run"].scalars["x"]
    assert x.values.dtype == np.float64
    assert x.values.tolist() == [0.25, 0.75, *doubles]  # exact, earlier points kept
    assert ld.runs["run"].scalars["f32"].values.dtype == np.float32
    buf = io.BytesIO()
    export.write_runs(ld.runs.values(), buf, jsonl=False, workers=1)
    rows = [r for r in csv.DictReader(io.StringIO(buf.getvalue().decode())) if r["tag"] == "x"]
    assert [float(r["value"]) for r in rows] == [0.25, 0.75, *doubles]
    assert rows[2]["value"] == "0.1"  # the float64 0.1, not a float32 rounding of it


@pytest.mark.parametrize("n", [50, 3000])  # record by record, vectorised
def test_a_step_beyond_int32_widens_steps_and_keeps_every_point(tmp_path, n):
    steps = [*range(n), 2**31, 2**31 - 1, -(2**31) - 1, 2**62, n]
    scalar_file(tmp_path / "run", len(steps), steps)
    ld = Logdir(tmp_path)
    ld.refresh()
    for k, tag in enumerate(TAGS):
        s = ld.runs["run"].scalars[tag]
        assert s.steps.dtype == np.int64
        assert s.steps.tolist() == steps
        want = [value(i, k) for i in range(len(steps))]
        assert s.values.tolist() == pytest.approx(want, nan_ok=True, rel=0, abs=0)
        assert s.nbytes() <= 20 * len(s)  # int64 steps: 20 bytes, still no slack


def test_views_stay_as_taken_while_columns_grow_widen_and_settle():
    s = ScalarSeries()
    s.extend(np.arange(5000, dtype=np.int64), np.full(5000, 1e9), np.ones(5000, np.float32))
    view = runview.take_series(s)
    s.append(2**40, 2e9, 0.1)  # widens both columns
    s.extend(np.arange(3), np.zeros(3), np.array([0.2, 0.3, 0.4]))
    s.settle()
    assert (view.steps.dtype, view.values.dtype) == (np.int32, np.float32)
    assert len(view) == 5000 and view.steps[-1] == 4999 and view.values.sum() == 5000
    assert s.steps.dtype == np.int64 and s.values.dtype == np.float64
    assert s.values[5000:].tolist() == [0.1, 0.2, 0.3, 0.4]
    assert s.nbytes() == 24 * len(s)  # both columns widened, settled: no slack


def test_float32_values_reach_csv_jsonl_and_json_exactly(tmp_path):
    scalar_file(tmp_path / "run", 400)
    buf = io.BytesIO()
    runs = Logdir(tmp_path).each_run()
    assert export.write_runs(runs, buf, jsonl=False, workers=1) == 1200
    rows = list(csv.DictReader(io.StringIO(buf.getvalue().decode())))
    by_tag = {tag: [r for r in rows if r["tag"] == tag] for tag in TAGS}
    for k, tag in enumerate(TAGS):
        for i, row in enumerate(by_tag[tag]):
            # the float32 widened to float64, spelt in full: what TensorBoard's loader gives
            assert row["value"] == export.numfmt.exported(value(i, k))
    jl = io.BytesIO()
    export.write_runs(Logdir(tmp_path).each_run(), jl, jsonl=True, workers=1)
    first = json.loads(jl.getvalue().splitlines()[0])
    assert first["value"] == value(0, 0) and repr(first["value"]) == "0.10000000149011612"
    doc = json.loads(render_json("x", collect(str(tmp_path))))
    last = doc["runs"][0]["scalars"]["acc"]["last_value"]
    assert last == value(399, 1)


def test_each_run_lets_go_of_a_run_before_reading_the_next(tmp_path):
    scalar_file(tmp_path / "seed", 200)
    for i in range(5):
        shutil.copytree(tmp_path / "seed", tmp_path / f"run{i}")
    alive: list[weakref.ref] = []
    names = []
    for run in Logdir(tmp_path).each_run():
        gc.collect()
        assert sum(r() is not None for r in alive) == 0
        alive.append(weakref.ref(run))
        names.append(run.name)
        assert sum(len(s) for s in run.scalars.values()) == 600
    assert names == [f"run{i}" for i in range(5)] + ["seed"]


def _peak(fn) -> int:
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.fixture(scope="module")
def many_runs(tmp_path_factory) -> dict[int, Path]:
    """The same 9,000-point run copied 6 and 24 times (two logdirs, 4x apart in size)."""
    root = tmp_path_factory.mktemp("many")
    seed = scalar_file(root / "seed", 3000)
    out = {}
    for count in (6, 24):
        for i in range(count):
            folder = root / f"x{count}" / f"run{i:02d}"
            folder.mkdir(parents=True)
            shutil.copy(seed, folder / seed.name)
        out[count] = root / f"x{count}"
    return out


def test_export_and_report_memory_does_not_grow_with_the_logdir(many_runs, tmp_path):
    whole = Logdir(many_runs[24])
    whole.refresh()
    store = sum(s.nbytes() for s in all_series(whole))
    del whole
    peaks = {}
    for count, path in many_runs.items():
        target = tmp_path / f"out{count}.csv"
        peaks[count] = _peak(lambda p=path, t=target: export.export(str(p), str(t)))
        with open(target) as f:
            assert sum(1 for _ in f) == 1 + count * 3 * 3000
        peaks[f"json{count}"] = _peak(lambda p=path: render_json("x", collect(str(p))))
        peaks[f"check{count}"] = _peak(
            lambda p=path: run_check(str(p), "nan", None, None, io.StringIO(), io.StringIO())
        )
    # 4x the points, about the same peak: one run at a time
    # 4x the points (18 more runs: ``grown`` bytes more in a store), about the same peak
    grown = store * 18 // 24
    assert peaks[24] - peaks[6] < grown / 10
    assert peaks["json24"] - peaks["json6"] < grown / 10
    assert peaks["check24"] - peaks["check6"] < grown / 10


@pytest.mark.parametrize("seed", range(40))
def test_series_matches_a_plain_list_through_any_mix_of_changes(seed):
    """Appends, batches, restarts and settles in random order, with steps evenly spaced or not,
    beyond int32 or not, and float64 values now and then: the series holds exactly what a
    plain list of the same points holds, and every view taken on the way stays as taken."""
    rng = np.random.default_rng(seed)
    s = ScalarSeries()
    model: list[tuple[int, float, float]] = []
    views = []
    next_step, stride = int(rng.choice([0, 5, 2**31 - 3, -(2**40)])), int(rng.choice([1, 0, 7, -2]))
    for _ in range(30):
        k = int(rng.choice([1, 1, 3, 50, 5000]))
        steps = next_step + stride * np.arange(k, dtype=np.int64)
        if rng.random() < 0.2:  # off the stride
            steps[rng.integers(k)] += int(rng.choice([1, 2**33]))
        values = rng.normal(size=k).astype(np.float32).astype(np.float64)
        if rng.random() < 0.1:
            values[-1] = 0.1  # not a float32
        walls = 1.7e9 + rng.random(k)
        action = rng.random()
        if action < 0.1 and model:
            cut = model[int(rng.integers(len(model)))][0]
            assert s.purge_from(cut) == sum(p[0] >= cut for p in model)
            model = [p for p in model if p[0] < cut]
        elif action < 0.2:
            s.settle()
        elif k <= 3:
            for st, w, v in zip(steps.tolist(), walls.tolist(), values.tolist(), strict=True):
                s.append(st, w, v)
        else:
            s.extend(steps, walls, values)
        if action >= 0.2:
            model += list(zip(steps.tolist(), walls.tolist(), values.tolist(), strict=True))
            next_step = int(steps[-1]) + stride
        views.append((runview.take_series(s), list(model)))
    for view, points in views:
        assert view.steps.tolist() == [p[0] for p in points]
        assert view.wall_times.tolist() == [p[1] for p in points]
        assert view.values.tolist() == [p[2] for p in points]
        if points:
            top = max(p[0] for p in points)
            assert view.last_index() == max(i for i, p in enumerate(points) if p[0] == top)
    if model:
        assert s.last_index() == views[-1][0].last_index()


def test_a_series_pickles_without_its_spare_room():
    """What a reading process would hand back: the points, not the capacity."""
    import pickle

    for steps in (np.arange(5000) * 3, np.r_[np.arange(4999), 2**40]):
        s = ScalarSeries()
        values = np.linspace(0, 1, 5000, dtype=np.float32)
        s.extend(steps[:-1], np.full(4999, 1.7e9), values[:-1])
        s.append(int(steps[-1]), 1.7e9, float(values[-1]))  # grows: room to spare
        back = pickle.loads(pickle.dumps(s))
        assert back.steps.tolist() == s.steps.tolist()
        assert back.values.tolist() == s.values.tolist() and back.version == s.version
        # float32 values, one wall time (differences of 0: a byte), steps implicit or int64
        assert back.nbytes() == len(s) * (5 if steps[-1] == 14997 else 13) < s.nbytes()
        back.append(int(steps[-1]) + 3, 1.8e9, 2.0)  # and it goes on growing
        assert back.steps[-1] == steps[-1] + 3 and len(back) == 5001
