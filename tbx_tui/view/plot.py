"""Every plotext chart of the app, as ANSI text: the one place that owns plotext's global figure.

Scalar cards: :func:`prepare` turns one run's series into what a chart draws (x per the axis mode,
sorted, smoothed, downsampled to ~2 points per column, percentiles for "ignore outliers") and is
cached by :class:`PreparedCache`; :func:`render` draws prepared lines at a size.
Other line charts (histogram distributions, PR curves): :func:`render_lines` and
:func:`distribution`. Figure setup, ticks and :data:`PLOTEXT_LOCK` are shared. No textual or rich.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np

from tbx_tui.term.termcaps import to_ascii
from tbx_tui.view import histo, numfmt, ticks
from tbx_tui.view.downsample import downsample
from tbx_tui.view.options import X_MODES as X_MODES  # re-exported: callers say plot.X_MODES
from tbx_tui.view.options import Options as Options
from tbx_tui.view.plotextload import plotext as plt
from tbx_tui.view.smoothing import ema

_BACKGROUND = re.compile(r"\x1b\[48;[0-9;]*m")
_AXIS_GREY = 244
RAW_BEHIND_MAX_RUNS = 12
#: With more runs than RAW_BEHIND_MAX_RUNS, the points of all lines of a chart together stay
#: about under this: plotext's cost grows with the points it is given (~10 us each), and a
#: hundred overlapping lines show no detail a finer downsampling would keep.
MANY_RUNS_POINTS = 4000
#: plotext keeps one global figure: whoever draws with it (any thread) holds this lock.
PLOTEXT_LOCK = threading.RLock()


def buckets_for(width: int, runs: int) -> int:
    """Downsampling buckets per line for a chart ``width`` cells wide drawing ``runs`` lines:
    about one per column (2 points each, min and max), fewer when many runs share the chart."""
    buckets = max(8, width - 8)
    if runs > RAW_BEHIND_MAX_RUNS:
        buckets = min(buckets, max(8, MANY_RUNS_POINTS // (2 * runs)))
    return buckets


@dataclass(frozen=True)
class Prepared:
    """One run's line, ready to draw: raw and smoothed points, downsampled."""

    x: np.ndarray
    raw: np.ndarray
    xs: np.ndarray
    smooth: np.ndarray
    lo: float  # 5th percentile of finite raw values (nan when none)
    hi: float  # 95th percentile
    x0: float  # x range of all the points, before downsampling
    x1: float
    dropped: int = 0  # values <= 0 left out of a log scale


def x_values(steps: np.ndarray | None, walls: np.ndarray | None, x_mode: str) -> np.ndarray:
    """The x of each point: its step, its time since the first point, or its wall time (only
    the column the mode uses need be given)."""
    if x_mode == "step":
        assert steps is not None
        return steps.astype(np.float64)
    assert walls is not None
    if x_mode == "relative":
        return walls - walls.min()
    return walls


def prepare(steps, walls, values, opts: Options, buckets: int) -> Prepared:
    x = x_values(steps, walls, opts.x_mode)
    y = np.asarray(values, dtype=np.float64)  # the store may hold float32: draw in float64
    if len(x) > 1 and not np.all(x[1:] >= x[:-1]):
        order = np.argsort(x, kind="stable")
        x, y = x[order], y[order]
    smooth = ema(y, opts.smoothing) if opts.smoothing > 0 else y
    dropped = 0
    if opts.log_y:
        with np.errstate(invalid="ignore"):
            dropped = int(np.count_nonzero(y <= 0))
        with np.errstate(invalid="ignore"):
            y = np.log10(np.where(y > 0, y, np.nan))
            smooth = np.log10(np.where(smooth > 0, smooth, np.nan))
    finite = y[np.isfinite(y)]
    if opts.ignore_outliers and len(finite):
        lo, hi = (float(v) for v in np.percentile(finite, [5, 95]))
    else:
        lo = hi = math.nan
    rx, ry = downsample(x, y, buckets)
    sx, sy = downsample(x, smooth, buckets) if opts.smoothing > 0 else (rx, ry)
    x0, x1 = (float(x[0]), float(x[-1])) if len(x) else (math.nan, math.nan)
    return Prepared(rx, ry, sx, sy, lo, hi, x0, x1, dropped)


class PreparedCache:
    """Prepared lines per (run, tag), rebuilt only when the data, options or width change."""

    def __init__(self) -> None:
        self._items: dict[tuple[str, str], tuple[tuple, Prepared]] = {}

    def get(self, run: str, tag: str, series, opts: Options, buckets: int) -> Prepared:
        key = (series.version, len(series), opts, buckets)
        hit = self._items.get((run, tag))
        if hit is not None and hit[0] == key:
            return hit[1]
        # the store builds steps and wall times on each call: build only the one the x axis uses
        by_step = opts.x_mode == "step"
        steps = series.steps if by_step else None
        walls = None if by_step else series.wall_times
        prepared = prepare(steps, walls, series.values, opts, buckets)
        self._items[(run, tag)] = (key, prepared)
        return prepared


def _faint(rgb: tuple[int, int, int]) -> tuple[int, int, int]:
    return tuple(int(c * 0.45 + 40) for c in rgb)  # type: ignore[return-value]


@dataclass(frozen=True)
class Frame:
    """A drawn scalar chart and where its data landed: columns ``left``..``right`` of each line
    show x from ``x0`` to ``x1`` (what maps a mouse column back to a step or a time)."""

    text: str
    x0: float = math.nan
    x1: float = math.nan
    left: int = 0
    right: int = 0

    def x_at(self, column: int) -> float | None:
        """The x under ``column`` of the chart, or None outside the plotted area."""
        if not (self.left <= column <= self.right) or not math.isfinite(self.x0):
            return None
        if self.right == self.left or self.x1 == self.x0:
            return self.x0
        return self.x0 + (column - self.left) / (self.right - self.left) * (self.x1 - self.x0)


def render(
    lines: list[tuple[Prepared, tuple[int, int, int]]],
    width: int,
    height: int,
    opts: Options,
    color: bool = True,
    markers: list[str] | None = None,
    ascii: bool = False,
) -> str:
    """The chart of ``lines`` as ANSI text (see :func:`render_frame`)."""
    return render_frame(lines, width, height, opts, color, markers, ascii).text


def render_frame(
    lines: list[tuple[Prepared, tuple[int, int, int]]],
    width: int,
    height: int,
    opts: Options,
    color: bool = True,
    markers: list[str] | None = None,
    ascii: bool = False,
    cursor_x: float | None = None,
) -> Frame:
    """The chart of ``lines`` (prepared line, RGB colour) as ANSI text ``width`` x ``height``;
    later lines are drawn over earlier ones (put the focused run last).

    ``markers`` (one character per line) draws each line with its own character instead of
    braille dots: what tells runs apart without colour. ``ascii`` draws the frame in ASCII
    (and the lines with ``*`` unless ``markers`` says otherwise). ``cursor_x``: a vertical
    cursor at that x, behind the lines."""
    if width < 12 or height < 4:
        return Frame("")
    if markers is None and ascii:
        markers = ["*"] * len(lines)
    if markers is not None:
        markers = [m for (p, _), m in zip(lines, markers, strict=True) if len(p.x)]
    lines = [(p, c) for p, c in lines if len(p.x)]
    if not lines:
        return Frame("\n".join(["", " (no finite points)"] + [""] * (height - 2)))
    with PLOTEXT_LOCK:  # plotext's figure is global: one drawing at a time, in any thread
        frame = _draw(lines, width, height, opts, color, markers, cursor_x)
    return replace(frame, text=to_ascii(frame.text)) if ascii else frame


def _add(fig, sig) -> None:
    """``fig.draw(sig)`` without its colour-cycler bookkeeping: a Python loop over every point to
    keep automatic colours apart, half of plotext's time with many runs, and our colours are
    explicit. The one place plotext internals are used (:func:`check_plotext_internals` says
    when they moved); falls back to ``draw`` if they are not the ones of plotext 6."""
    signals = getattr(fig, "_signals", None)
    if signals is not None and hasattr(signals, "_add") and not fig._subplots():
        signals._add(sig)
    else:
        fig.draw(sig)


def check_plotext_internals() -> None:
    """Raise ``RuntimeError`` naming the installed plotext if :func:`_add`'s fast path is gone
    (charts would still draw, through ``draw``, but about twice as slowly with many runs)."""
    fig = plt.figure
    missing = []
    if not callable(getattr(getattr(fig, "_signals", None), "_add", None)):
        missing.append("figure._signals._add")
    if not callable(getattr(fig, "_subplots", None)):
        missing.append("figure._subplots")
    if missing:
        from importlib.metadata import version  # only here: its import costs ~10 ms at start

        raise RuntimeError(
            f"plotext {version('plotext')} changed internals tbx_tui.view.plot uses: "
            + ", ".join(missing)
        )


def y_range(lines: list[tuple[Prepared, tuple[int, int, int]]], opts: Options):
    """The y range the chart shows (in log10 units with ``log_y``): every raw and smoothed
    value, or the 5th-95th percentiles with ``ignore_outliers``; nan when nothing is finite."""
    if opts.ignore_outliers:
        los = [p.lo for p, _ in lines if math.isfinite(p.lo)]
        his = [p.hi for p, _ in lines if math.isfinite(p.hi)]
        if los and his:
            lo, hi = min(los), max(his)
            pad = (hi - lo) * 0.05
            return lo - pad, hi + pad
    values = [a for p, _ in lines for a in (p.raw, p.smooth) if len(a)]
    finite = [a[np.isfinite(a)] for a in values]
    finite = [a for a in finite if len(a)]
    if not finite:
        return math.nan, math.nan
    return min(float(a.min()) for a in finite), max(float(a.max()) for a in finite)


def _draw(lines, width: int, height: int, opts: Options, color: bool, markers, cursor_x) -> Frame:
    fig = plt.figure
    plt.terminal.limit(False, False)  # the size is ours to choose, not the real terminal's
    fig.clear()
    fig.theme("colorless")
    fig.plot_size(width, height)
    grey = plt.pixel(_AXIS_GREY) if color else None
    xmin = min(p.x0 for p, _ in lines)
    xmax = max(p.x1 for p, _ in lines)
    if not xmax > xmin:  # one point (or one step): a unit around it, the tick at the point
        xmin, xmax = xmin - 0.5, xmax + 0.5
    ylo, yhi = y_range(lines, opts)
    if not (math.isfinite(ylo) and math.isfinite(yhi)):
        ylo, yhi = 0.0, 1.0
    if not yhi > ylo:
        pad = 0.5 if opts.log_y else (abs(ylo) * 0.05 or 0.5)
        ylo, yhi = ylo - pad, yhi + pad
    rows = max(1, height - 3)  # less the frame and the x labels
    if opts.log_y:  # the lines hold log10(y) already (see prepare)
        yt, ylabels = ticks.axis_ticks("log", 10.0**ylo, 10.0**yhi, rows, (rows + 1) // 2, True)
        yt = [math.log10(v) for v in yt]
    else:
        yt, ylabels = ticks.axis_ticks("number", ylo, yhi, rows, min(6, (rows + 1) // 2), True)
    left = max((len(label) for label in ylabels), default=0) + 1
    right = width - 2
    xt, xlabels = ticks.axis_ticks(opts.x_mode, xmin, xmax, right - left + 1)
    if cursor_x is not None and math.isfinite(cursor_x):
        cursor = plt.marker("|" if markers is not None else "│", pixel=grey)
        sig = fig.signal([cursor_x, cursor_x], [ylo, yhi], marker=cursor)
        sig.lines()
        _add(fig, sig)
    # raw, faint, behind (not with many runs: clutter, and slow; nor with markers and no colour,
    # where it could not be told from the smoothed line)
    raw_behind = opts.smoothing > 0 and len(lines) <= RAW_BEHIND_MAX_RUNS
    if markers is not None and not color:
        raw_behind = False
    for prepared, rgb in lines:
        if raw_behind:
            symbol = "braille" if markers is None else "."
            marker = plt.marker(symbol, pixel=_faint(rgb) if color else None)
            sig = fig.signal(prepared.x.tolist(), prepared.raw.tolist(), marker=marker)
            sig.lines()
            _add(fig, sig)
    for i, (prepared, rgb) in enumerate(lines):
        symbol = "braille" if markers is None else markers[i]
        marker = plt.marker(symbol, pixel=rgb if color else None)
        sig = fig.signal(prepared.xs.tolist(), prepared.smooth.tolist(), marker=marker)
        sig.lines()
        _add(fig, sig)
    fig.ruler("x").lim(xmin, xmax)
    fig.ruler("y").lim(ylo, yhi)
    fig.ruler("y").ticks(yt, ylabels)
    fig.ruler("x").ticks(xt, xlabels)
    if color:
        fig.axes(pixel=grey)
    text = fig.build().string(colorless=not color)
    return Frame(_BACKGROUND.sub("", text), xmin, xmax, left, right)


# --- line charts of arbitrary x (histogram distributions, PR curves) ---


@dataclass(frozen=True)
class Line:
    x: np.ndarray
    y: np.ndarray
    rgb: tuple[int, int, int]


def render_lines(
    lines: Sequence[Line],
    width: int,
    height: int,
    *,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    color: bool = True,
    x_format=numfmt.short,
    ascii: bool = False,
) -> str:
    """``lines`` as a braille line chart ``width`` x ``height`` cells (ANSI when ``color``);
    ``ascii``: ``*`` points and an ASCII frame instead."""
    with PLOTEXT_LOCK:  # plotext's figure is global: one drawing at a time, in any thread
        text = _draw_lines(lines, width, height, xlim, ylim, color, x_format, ascii)
    return to_ascii(text) if ascii else text


def _draw_lines(
    lines: Sequence[Line],
    width: int,
    height: int,
    xlim: tuple[float, float] | None,
    ylim: tuple[float, float] | None,
    color: bool,
    x_format,
    ascii: bool = False,
) -> str:
    if width < 12 or height < 4:
        return ""
    keep = []
    for ln in lines:
        ok = np.isfinite(ln.x) & np.isfinite(ln.y)
        if ok.any():
            keep.append(Line(ln.x[ok], ln.y[ok], ln.rgb))
    if not keep:
        return "\n".join(["", " (no finite points)"] + [""] * (height - 2))
    plt.terminal.limit(False, False)  # the size is ours to choose, not the real terminal's
    fig = plt.figure
    fig.clear()
    fig.theme("colorless")
    fig.plot_size(width, height)
    for ln in keep:
        marker = plt.marker("*" if ascii else "braille", pixel=ln.rgb if color else None)
        xs, ys = ln.x.tolist(), ln.y.tolist()
        if len(xs) == 1:  # one point: a short flat segment so it shows
            xs, ys = [xs[0], xs[0]], [ys[0], ys[0]]
        sig = fig.signal(xs, ys, marker=marker)
        sig.lines()
        fig.draw(sig)
    x0 = min(float(ln.x.min()) for ln in keep) if xlim is None else xlim[0]
    x1 = max(float(ln.x.max()) for ln in keep) if xlim is None else xlim[1]
    y0 = min(float(ln.y.min()) for ln in keep) if ylim is None else ylim[0]
    y1 = max(float(ln.y.max()) for ln in keep) if ylim is None else ylim[1]
    if x1 <= x0:
        x0, x1 = x0 - 0.5, x1 + 0.5
    if y1 <= y0:
        pad = abs(y0) * 0.05 or 0.5
        y0, y1 = y0 - pad, y1 + pad
    fig.ruler("x").lim(x0, x1)
    fig.ruler("y").lim(y0, y1)
    rows = max(2, height - 3)
    yt, ylabels = ticks.fit(y0, y1, rows, ticks.nice_ticks, _formatted(numfmt.short), 5, True)
    canvas = width - max((len(label) for label in ylabels), default=0) - 2
    xt, xlabels = ticks.fit(x0, x1, canvas, ticks.nice_ticks, _formatted(x_format))
    fig.ruler("x").ticks(xt, xlabels)
    fig.ruler("y").ticks(yt, ylabels)
    if color:
        fig.axes(pixel=plt.pixel(_AXIS_GREY))
    text = fig.build().string(colorless=not color)
    return _BACKGROUND.sub("", text)


def _formatted(x_format):
    return lambda values: [x_format(v) for v in values]


def _shade(rgb: tuple[int, int, int], f: float) -> tuple[int, int, int]:
    return tuple(int(40 + (c - 40) * f) for c in rgb)  # type: ignore[return-value]


#: How strongly each band line is drawn: the median full, min/max faintest.
_BAND_WEIGHT = (0.35, 0.5, 0.65, 0.8, 1.0, 0.8, 0.65, 0.5, 0.35)
#: How strongly the area between two neighbouring band lines is shaded (with colour only).
_FILL_WEIGHT = (0.2, 0.32, 0.45, 0.58, 0.58, 0.45, 0.32, 0.2)


def band_fill_colors(rgb: tuple[int, int, int]) -> list[tuple[int, int, int]]:
    """The shade of each area between two band lines of :func:`distribution`, bottom up."""
    return [_shade(rgb, w) for w in _FILL_WEIGHT]


def _zigzag(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, samples: int) -> Line:
    """A path that fills the area between ``lo`` and ``hi`` over ``x``: a vertical stroke at each
    of ``samples`` x positions, joined alternately at the bottom and the top."""
    xs = np.linspace(float(x[0]), float(x[-1]), samples)
    ylo, yhi = np.interp(xs, x, lo), np.interp(xs, x, hi)
    up = np.arange(samples) % 2 == 0
    first, second = np.where(up, ylo, yhi), np.where(up, yhi, ylo)
    return Line(np.repeat(xs, 2), np.stack([first, second], axis=1).ravel(), (0, 0, 0))


def distribution(
    steps: np.ndarray,
    bands: np.ndarray,
    width: int,
    height: int,
    rgb: tuple[int, int, int] = (255, 152, 0),
    color: bool = True,
    ascii: bool = False,
) -> str:
    """TensorBoard's distribution chart of the percentile bands of
    :data:`tbx_tui.view.histo.BAND_BPS` over steps. With colour: the areas between neighbouring
    band lines shaded (:func:`band_fill_colors`, darkest outside) under the median line; without:
    one line per band, the median strongest."""
    lines = []
    steps = np.asarray(steps, dtype=np.float64)
    count = bands.shape[1] if bands.ndim == 2 else 0
    full = count == len(histo.BAND_BPS)
    finite = np.isfinite(bands).all(axis=1) if count else np.zeros(0, bool)
    if color and not ascii and full and finite.sum() > 1:
        x, b = steps[finite], bands[finite]
        order = np.argsort(x, kind="stable")
        x, b = x[order], b[order]
        for i, shade in enumerate(band_fill_colors(rgb)):
            fill = _zigzag(x, b[:, i], b[:, i + 1], 2 * max(1, width))
            lines.append(Line(fill.x, fill.y, shade))
        median = count // 2
        lines.append(Line(steps, bands[:, median], _shade(rgb, _BAND_WEIGHT[median])))
    else:
        for i in range(count):
            w = _BAND_WEIGHT[i] if full else 1.0
            lines.append(Line(steps, bands[:, i], _shade(rgb, w)))
    return render_lines(lines, width, height, color=color, x_format=numfmt.step_axis, ascii=ascii)
