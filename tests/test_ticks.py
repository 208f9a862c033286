"""Axis ticks: 1-2-5 steps, whole steps, log decades with 2 and 5, clock times, no overlaps."""

from __future__ import annotations

import math
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tbx_tui.view import ticks

pytestmark = pytest.mark.unit


def is_nice(step: float) -> bool:
    mantissa = step / 10.0 ** math.floor(math.log10(step) + 1e-9)
    return any(math.isclose(mantissa, m, rel_tol=1e-6) for m in (1, 2, 5, 10))


def test_nice_step_rounds_up_to_1_2_5():
    assert [ticks.nice_step(v) for v in (0.13, 1, 1.01, 2.5, 7, 42, 0.0007)] == [
        0.2, 1, 2, 5, 10, 50, 0.001,
    ]  # fmt: skip


def test_nice_ticks_known_ranges():
    assert ticks.nice_ticks(0, 1, 6) == [0, 0.2, 0.4, 0.6, 0.8, 1.0]
    assert ticks.nice_ticks(0.0123, 0.9876, 5) == [0.2, 0.4, 0.6, 0.8]
    assert ticks.nice_ticks(-3, 7, 3) == [0, 5]
    # a narrow range gets a tick at a finer 1-2-5 step rather than none
    assert ticks.nice_ticks(1.1, 1.9, 2) == [1.5]
    assert ticks.nice_ticks(1.1, 1.9, 5) == [1.2, 1.4, 1.6, 1.8]


def test_step_ticks_are_whole_numbers():
    assert ticks.nice_ticks(0, 3, 8, integer=True) == [0, 1, 2, 3]
    assert ticks.nice_ticks(0, 1, 8, integer=True) == [0, 1]
    assert ticks.nice_ticks(5, 5, 8, integer=True) == [5]
    assert ticks.nice_ticks(0, 199, 5, integer=True) == [0, 50, 100, 150]
    values, labels = ticks.axis_ticks("step", 0, 2_500_000, 60)
    assert labels[:3] == ["0", "500000", "1M"] and all(v == int(v) for v in values)


@settings(max_examples=200, deadline=None)
@given(
    st.floats(-1e12, 1e12, allow_nan=False),
    st.floats(1e-9, 1e12, allow_nan=False),
    st.integers(2, 10),
)
def test_nice_ticks_properties(lo, span, count):
    span = max(span, abs(lo) * 1e-6)  # finer than that, float spacing blurs the steps
    hi = lo + span
    values = ticks.nice_ticks(lo, hi, count)
    assert 1 <= len(values) <= count
    assert all(lo - span * 1e-6 <= v <= hi + span * 1e-6 for v in values)
    if len(values) >= 2:
        step = values[1] - values[0]
        assert is_nice(step)
        assert all(math.isclose(b - a, step, rel_tol=1e-6, abs_tol=span * 1e-9)
                   for a, b in zip(values, values[1:], strict=False))  # fmt: skip


def test_log_ticks_decades_with_2_and_5():
    assert ticks.log_ticks(1, 100, 8) == [1, 2, 5, 10, 20, 50, 100]
    assert ticks.log_ticks(0.001, 1000, 8) == [0.001, 0.01, 0.1, 1, 10, 100, 1000]
    assert ticks.log_ticks(1e-8, 1e8, 5) == [1e-5, 1, 1e5]  # every 5th decade
    # data in 1-3 is not put on 1-10 with two ticks: linear 1-2-5 ticks inside the data
    assert ticks.log_ticks(1, 3, 5) == [1, 1.5, 2, 2.5, 3]
    assert ticks.log_labels([0.001, 0.002, 1, 50, 1e6]) == ["0.001", "0.002", "1", "50", "1e+06"]


def test_log_axis_ticks_are_spaced_in_log_units():
    values, labels = ticks.axis_ticks("log", 1e-5, 1.0, 9, 5, vertical=True)
    assert labels == ["1e-04", "0.01", "1"]  # 1e-05 .. 1 in 9 rows: every other decade


def test_time_ticks_are_clock_friendly():
    start = 1_700_000_000.0 - 1_700_000_000.0 % 3600  # a whole hour
    values = ticks.time_ticks(start, start + 3600, 5)
    assert [v - start for v in values] == [0, 900, 1800, 2700, 3600]
    short = ticks.time_ticks(start + 0.1, start + 1.1, 6)  # a 1 s run
    assert [round(v - start, 3) for v in short] == [0.2, 0.4, 0.6, 0.8, 1.0]


def test_wall_labels_h_mm_and_h_mm_ss(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        start = 1_700_000_000.0 - 1_700_000_000.0 % 3600  # 22:00 UTC
        values, labels = ticks.axis_ticks("wall", start, start + 7200, 60)
        assert labels[0] == "22:00" and all(len(lb.split(":")) == 2 for lb in labels)
        values, labels = ticks.axis_ticks("wall", start, start + 40, 60)
        assert labels[:2] == ["22:00:00", "22:00:10"] or labels[:2] == ["22:00:00", "22:00:15"]
        values, labels = ticks.axis_ticks("wall", start, start + 1, 60)
        assert labels[0] == "22:00:00.0" and len(values) >= 2
    finally:
        monkeypatch.undo()
        time.tzset()


def test_relative_labels():
    assert ticks.duration_labels([0, 30, 60, 90]) == ["0s", "30s", "1m", "1m30s"]
    assert ticks.duration_labels([0, 3600, 7200]) == ["0s", "1h", "2h"]
    assert ticks.duration_labels([0, 0.5, 1.0]) == ["0.0s", "0.5s", "1.0s"]


def test_number_labels_share_one_precision():
    assert ticks.number_labels([0, 0.5, 1, 1.5]) == ["0", "0.5", "1.0", "1.5"]
    assert ticks.number_labels([20000, 40000]) == ["20k", "40k"]
    assert ticks.number_labels([1e-5, 2e-5]) == ["1e-05", "2e-05"]
    assert ticks.number_labels([0.5]) == ["0.5"]  # one tick: no spacing to round it to


@pytest.mark.parametrize("kind", ["step", "number", "relative", "wall", "log"])
@pytest.mark.parametrize("width", [12, 20, 40, 80, 150])
def test_labels_never_overlap(kind, width):
    lo, hi = (1_795_780_000.0, 1_795_790_000.0) if kind == "wall" else (0.001, 123_456.7)
    values, labels = ticks.axis_ticks(kind, lo, hi, width)
    scale = math.log10 if kind == "log" else float
    assert values and not ticks.overlaps(values, labels, lo, hi, width, scale=scale)
    assert len(values) >= 2 or width < 20
