"""Small plotext line charts for the histogram distribution bands and PR curves (ANSI text)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import plotext as plt

from tbx_tui import histo
from tbx_tui.chart import PLOTEXT_LOCK
from tbx_tui.termcaps import to_ascii
from tbx_tui.waterfall import format_number

_BACKGROUND = re.compile(r"\x1b\[48;[0-9;]*m")
_AXIS_GREY = 244


@dataclass(frozen=True)
class Line:
    x: np.ndarray
    y: np.ndarray
    rgb: tuple[int, int, int]


def _ticks(lo: float, hi: float, count: int) -> list[float]:
    if hi <= lo:
        return [lo]
    return [lo + (hi - lo) * i / (count - 1) for i in range(count)]


def render(
    lines: Sequence[Line],
    width: int,
    height: int,
    *,
    xlim: tuple[float, float] | None = None,
    ylim: tuple[float, float] | None = None,
    color: bool = True,
    x_format=format_number,
    ascii: bool = False,
) -> str:
    """``lines`` as a braille line chart ``width`` x ``height`` cells (ANSI when ``color``);
    ``ascii``: ``*`` points and an ASCII frame instead."""
    with PLOTEXT_LOCK:  # plotext's figure is global: one drawing at a time, in any thread
        text = _render(lines, width, height, xlim, ylim, color, x_format, ascii)
    return to_ascii(text) if ascii else text


def _render(
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
    xt = _ticks(x0, x1, max(2, min(6, width // 14)))
    fig.ruler("x").ticks(xt, [x_format(v) for v in xt])
    yt = _ticks(y0, y1, max(2, min(5, height // 3)))
    fig.ruler("y").ticks(yt, [format_number(v) for v in yt])
    if color:
        fig.axes(pixel=plt.pixel(_AXIS_GREY))
    text = fig.build().string(colorless=not color)
    return _BACKGROUND.sub("", text)


def _shade(rgb: tuple[int, int, int], f: float) -> tuple[int, int, int]:
    return tuple(int(40 + (c - 40) * f) for c in rgb)  # type: ignore[return-value]


#: How strongly each band line is drawn: the median full, min/max faintest.
_BAND_WEIGHT = (0.35, 0.5, 0.65, 0.8, 1.0, 0.8, 0.65, 0.5, 0.35)


def distribution(
    steps: np.ndarray,
    bands: np.ndarray,
    width: int,
    height: int,
    rgb: tuple[int, int, int] = (255, 152, 0),
    color: bool = True,
    ascii: bool = False,
) -> str:
    """TensorBoard's distribution chart: one line per percentile band of
    :data:`tbx_tui.histo.BAND_BPS` over steps, the median strongest."""
    lines = []
    steps = np.asarray(steps, dtype=np.float64)
    for i in range(bands.shape[1] if bands.ndim == 2 else 0):
        w = _BAND_WEIGHT[i] if len(histo.BAND_BPS) == bands.shape[1] else 1.0
        lines.append(Line(steps, bands[:, i], _shade(rgb, w)))
    return render(lines, width, height, color=color, x_format=_step_label, ascii=ascii)


def _step_label(v: float) -> str:
    if not math.isfinite(v):
        return str(v)
    return str(int(round(v))) if abs(v) < 1e6 else format_number(v)
