"""Pure view logic: smoothing, downsampling, number formatting, chart text, run views."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tbx_tui.read.logdir import Logdir
from tbx_tui.read.runview import RunView, take
from tbx_tui.tui.state import ViewState
from tbx_tui.view import numfmt, plot
from tbx_tui.view.downsample import downsample, minmax_indices
from tbx_tui.view.smoothing import ema, ema_reference

pytestmark = pytest.mark.unit


@pytest.mark.parametrize("weight", [0.0, 0.01, 0.3, 0.6, 0.9, 0.99, 0.999])
def test_ema_matches_tensorboard_loop(weight):
    rng = np.random.default_rng(1)
    values = rng.normal(0, 1, 20000).cumsum()
    got = ema(values, weight)
    want = np.array(ema_reference(values.tolist(), weight))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)


def test_ema_keeps_non_finite_and_constant():
    values = np.array([1.0, math.nan, 3.0, math.inf, -math.inf, 5.0])
    got = ema(values, 0.6)
    want = ema_reference(values.tolist(), 0.6)
    assert np.isnan(got[1]) and got[3] == math.inf and got[4] == -math.inf
    np.testing.assert_allclose(got[[0, 2, 5]], np.array(want)[[0, 2, 5]])
    assert ema(values[:1], 0.6)[0] == 1.0  # debiased: the first point is itself
    np.testing.assert_array_equal(ema(np.full(10, 7.0), 0.9), np.full(10, 7.0))


def test_downsample_keeps_a_single_spike_among_a_million():
    y = np.zeros(1_000_000)
    y[123_457] = 99.0
    y[777_777] = -5.0
    x = np.arange(len(y), dtype=np.float64)
    dx, dy = downsample(x, y, 80)
    assert len(dx) <= 2 * 80 + 2
    assert 99.0 in dy and -5.0 in dy
    assert dx[list(dy).index(99.0)] == 123_457
    assert np.all(np.diff(dx) > 0)  # in order


def test_downsample_short_series_and_non_finite():
    y = np.array([1.0, math.nan, 2.0, math.inf])
    dx, dy = downsample(np.arange(4.0), y, 10)
    assert dx.tolist() == [0.0, 2.0] and dy.tolist() == [1.0, 2.0]
    assert minmax_indices(np.arange(5.0), 10).tolist() == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(
    "value,text",
    [
        (4242.5, "4242.5"),
        (1.23e-05, "1.23e-05"),
        (0.0, "0"),
        (math.nan, "nan"),
        (math.inf, "inf"),
        (-math.inf, "-inf"),
        (0.5, "0.5"),
        (123456789.0, "1.235e+08"),
        (-2.5e-7, "-2.5e-07"),
    ],
)
def test_compact(value, text):
    assert numfmt.compact(value) == text


def test_steps_durations_ago():
    assert numfmt.step(999_999) == "999999"
    assert numfmt.step(10**15) == "1P"
    assert numfmt.duration(75) == "1m15s"
    assert numfmt.duration(7300) == "2h01m"
    assert numfmt.ago(1) == "now" and numfmt.ago(130) == "2m ago"


def test_chart_text_has_the_values_and_no_background():
    x = np.arange(200)
    opts = plot.Options(smoothing=0.6)
    p = plot.prepare(x, x * 1.0, np.sin(x / 20.0), opts, 40)
    text = plot.render([(p, (255, 0, 0))], 50, 12, opts)
    assert "\x1b[48;" not in text  # the terminal's own background shows through
    assert "38;2;255;0;0" in text
    plain = plot.render([(p, (255, 0, 0))], 50, 12, opts, color=False)
    assert "\x1b" not in plain and len(plain.splitlines()) == 12


def test_chart_log_y_and_wall_axis():
    x = np.arange(100)
    opts = plot.Options(smoothing=0, log_y=True, x_mode="wall")
    p = plot.prepare(x, 1.7e9 + x * 60.0, 10.0 ** (-x / 20.0), opts, 30)
    plain = plot.render([(p, (0, 0, 255))], 50, 12, opts, color=False)
    assert "0.01" in plain and "1e-04" in plain and ":" in plain


def test_run_views_are_frozen_while_the_reader_appends(corpus):
    ld = Logdir(str(corpus / "tbx"))
    ld.refresh()
    run = ld.runs["main"]
    view = take(run)
    loss = view.scalars["train/loss"]
    n = len(loss)
    run.scalars["train/loss"].extend(np.arange(5000), np.zeros(5000), np.ones(5000))
    assert len(view.scalars["train/loss"]) == n  # unchanged
    again = take(run, view)
    assert len(again.scalars["train/loss"]) == n + 5000
    assert again.scalars["eval/acc"] is view.scalars["eval/acc"]  # unchanged series reused


def test_a_run_read_in_steps_at_start_is_not_taken_for_a_growing_one():
    """A big logdir's first load comes in steps: a run's newest point moving on between them is
    reading, not writing, and must not mark an old run "stalled" once the load is done."""
    start = 1.7e9
    state = ViewState(clock=lambda: start + 7200)

    def run(last_wall_time: float) -> dict[str, RunView]:
        return {"r": RunView("r", 1, {}, 0, (), last_wall_time, 0)}

    state.update(run(start))
    state.progress = (10 << 20, 100 << 20)  # the first step of a long load
    state.update(run(start + 5))
    state.progress = None  # the load is done
    assert "r" not in state.growing and not state.stalled("r")
    state.update(run(start + 10))  # written while watched, then silent for two hours
    assert "r" in state.growing and state.stalled("r")
