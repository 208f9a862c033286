"""Exact values under a chart's cursor, and the layout of a card's legend. Pure; no drawing.

The cursor is an x position (a step, or seconds, per the x axis); every run is read at its
logged point nearest to it: the step, the value exactly as logged, the smoothed value the chart
draws, and the time since the run's first point (TensorBoard's tooltip).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from tbx_tui.view.plot import x_values
from tbx_tui.view.smoothing import ema


@dataclass(frozen=True)
class Reading:
    x: float
    step: int
    value: float
    smoothed: float
    relative: float  # seconds since the run's first point


def sorted_x(steps: np.ndarray, walls: np.ndarray, x_mode: str) -> tuple[np.ndarray, np.ndarray]:
    """The x of every point in drawing order, and the order (indices into the series)."""
    x = x_values(steps, walls, x_mode)
    order = np.argsort(x, kind="stable")
    return x[order], order


def nearest(xs: np.ndarray, x: float) -> int:
    """Index of the value of sorted ``xs`` nearest to ``x`` (the earlier one on a tie)."""
    i = int(np.searchsorted(xs, x))
    if i <= 0:
        return 0
    if i >= len(xs):
        return len(xs) - 1
    return i - 1 if x - xs[i - 1] <= xs[i] - x else i


def read_at(
    steps: np.ndarray, walls: np.ndarray, values: np.ndarray, x_mode: str, smoothing: float, x
) -> Reading | None:
    """The run's logged point nearest to ``x`` (None for an empty series)."""
    if len(steps) == 0:
        return None
    xs, order = sorted_x(steps, walls, x_mode)
    ys = values[order]
    i = nearest(xs, x)
    smooth = ema(ys, smoothing) if smoothing > 0 else ys
    return Reading(
        float(xs[i]),
        int(steps[order[i]]),
        float(ys[i]),
        float(smooth[i]),
        float(walls[order[i]]) - float(walls.min()),
    )


def move(xs: np.ndarray, x: float, delta: int) -> float:
    """The logged x ``delta`` points after (before, when negative) the one nearest ``x``."""
    i = min(len(xs) - 1, max(0, nearest(xs, x) + delta))
    return float(xs[i])


def exact(value: float) -> str:
    """``value`` exactly as logged: the shortest digits that give back its float32 when it is
    one (most logged scalars are), else its float64; nan and infinities spelt out."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    single = np.float32(value)
    if float(single) == value:
        return str(single)
    return repr(value)


def elapsed(seconds: float) -> str:
    """Time since a run's start: ``0.25s``, ``42.1s``, ``3m05s``, ``1h02m``."""
    if not math.isfinite(seconds):
        return "?"
    if seconds < 60:
        return f"{seconds:.3g}s"
    s = int(seconds)
    if s < 3600:
        return f"{s // 60}m{s % 60:02d}s"
    if s < 86400:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{s // 86400}d{s % 86400 // 3600:02d}h"


@dataclass(frozen=True)
class Layout:
    """Legend items in a grid: ``columns`` per line, each ``cell`` cells wide; the first
    ``shown`` items fit (the rest are counted as "+N")."""

    columns: int
    cell: int
    shown: int


def legend_layout(lengths: list[int], width: int, max_lines: int, gap: int = 2) -> Layout:
    """As many items (of the given lengths) as fit in ``max_lines`` lines ``width`` wide, in as
    many equal columns as fit. Items are cut to the column rather than dropped while a column
    keeps at least 24 cells; only what still does not fit is left to "+N"."""
    if not lengths:
        return Layout(1, width, 0)
    widest = max(lengths) + gap
    columns = max(1, width // widest)
    if math.ceil(len(lengths) / columns) > max_lines:  # narrower cells, cut names to fit
        wanted = math.ceil(len(lengths) / max(1, max_lines))
        columns = max(columns, min(wanted, max(1, width // 24)))
    cell = max(1, width // columns) if columns > 1 else width
    capacity = columns * max_lines
    if len(lengths) <= capacity:
        return Layout(columns, min(cell, widest) if columns > 1 else width, len(lengths))
    return Layout(columns, cell, max(0, capacity - 1))  # the last cell says "+N"
