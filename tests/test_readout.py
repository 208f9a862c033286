"""Cursor readings and legend layout: pure functions of view/readout.py."""

from __future__ import annotations

import numpy as np
import pytest

from tbx_tui.view import readout

pytestmark = pytest.mark.unit


def test_exact_values_as_logged():
    assert readout.exact(float(np.float32(0.9))) == "0.9"  # not 0.8999999761581421
    assert readout.exact(0.1) == "0.1"
    assert readout.exact(1 / 3) == repr(1 / 3)  # a float64 that is no float32 keeps its digits
    assert readout.exact(float("nan")) == "nan" and readout.exact(float("-inf")) == "-inf"


def test_read_at_takes_the_nearest_logged_point():
    steps = np.array([0, 10, 20, 30])
    walls = np.array([100.0, 101.0, 103.0, 106.0])
    values = np.array([4.0, 3.0, 2.0, 1.0])
    r = readout.read_at(steps, walls, values, "step", 0.0, 14)
    assert r is not None and (r.step, r.value, r.smoothed, r.relative) == (10, 3.0, 3.0, 1.0)
    r = readout.read_at(steps, walls, values, "relative", 0.0, 5.9)
    assert r is not None and r.step == 30 and r.x == 6.0
    assert readout.read_at(steps[:0], walls[:0], values[:0], "step", 0.0, 1) is None


def test_move_steps_through_logged_points_and_clamps():
    xs = np.array([0.0, 10.0, 20.0, 30.0])
    assert readout.move(xs, 10, 1) == 20 and readout.move(xs, 10, -1) == 0
    assert readout.move(xs, 12, 10) == 30 and readout.move(xs, 12, -10) == 0


def test_elapsed():
    assert [readout.elapsed(s) for s in (0.25, 42.1, 185, 3720)] == [
        "0.25s", "42.1s", "3m05s", "1h02m",
    ]  # fmt: skip


def test_legend_layout_no_plus_n_for_2_to_4_runs_in_a_160_column_card():
    card_width = 61  # a card of the 2-column grid at 160x48 with the sidebar, less its border
    for runs in (2, 3, 4):
        lengths = [len("● train/lr-1e-3 0.96131 @830") + 2] * runs
        layout = readout.legend_layout(lengths, card_width, 3)
        assert layout.shown == runs
    many = readout.legend_layout([30] * 40, 61, 3)
    assert 0 < many.shown < 40  # 40 runs in 3 lines: the rest are "+N"
    assert readout.legend_layout([200], 61, 1).shown == 1  # one long name is cut, not dropped


def test_legend_names_drop_the_folders_every_run_shares():
    from tbx_tui.tui.views.legend import short_names

    assert short_names(["sweep/trial-01", "sweep/trial-02"]) == ["trial-01", "trial-02"]
    assert short_names(["a/b/c", "a/b/d", "a/x"]) == ["b/c", "b/d", "x"]
    assert short_names(["main", "main/lr/group0"]) == ["main", "main/lr/group0"]
    assert short_names(["x/y", "x/y/z"]) == ["y", "y/z"]  # never an empty name
    assert short_names(["only/one"]) == ["only/one"]
