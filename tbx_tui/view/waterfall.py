"""Histogram waterfalls (ridgelines): one band per step, oldest at the top, newest at the bottom.

:func:`render` lays the ridges out on a grid of cells, each a character plus a style class, and
returns a :class:`Waterfall` that a text report (ANSI) or a Textual widget (Rich Text) draws with
:meth:`Waterfall.lines`: runs of ``(text, kind, level)``. No terminal code here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np

from tbx_tui.view import numfmt
from tbx_tui.view.histo import rebin, value_range

#: Eighths of a cell, empty to full.
UNICODE_BLOCKS = " ▁▂▃▄▅▆▇█"
ASCII_BLOCKS = " ._-=+*#@"
#: Intensity levels a ridge cell can take (1..LEVELS; 0 is blank).
LEVELS = 7

# Style classes of a run of cells.
BLANK, RIDGE, NEWEST, LABEL, LABEL_NEWEST, AXIS = (
    "blank",
    "ridge",
    "newest",
    "label",
    "label*",
    "axis",
)


@dataclass
class Waterfall:
    """A laid-out waterfall: ``chars`` and style per cell of the plot area, plus row labels."""

    #: [rows, cols] characters of the plot area (one str per row).
    plot: list[str]
    #: [rows, cols] intensity level, 0 = blank, 1..LEVELS.
    levels: np.ndarray
    #: [rows, cols] True where the cell belongs to the newest step's ridge.
    newest: np.ndarray
    #: One label per row ("" for rows that are not a ridge's baseline), all ``label_width`` wide.
    labels: list[str]
    #: Index of the row holding the newest step's label, or -1.
    newest_row: int
    #: Axis line under the plot (value labels), full width.
    axis: str
    label_width: int
    steps_shown: list[int]
    lo: float
    hi: float
    message: str = ""

    @property
    def width(self) -> int:
        return self.label_width + 1 + (len(self.plot[0]) if self.plot else 0)

    def lines(self) -> Iterator[list[tuple[str, str, int]]]:
        """Each output line as runs of ``(text, kind, level)``; kinds are this module's style
        classes. Labels come first, then a space, then the plot; the axis line is last."""
        if self.message:
            yield [(self.message, LABEL, 0)]
            return
        for r, text in enumerate(self.plot):
            label_kind = LABEL_NEWEST if r == self.newest_row else LABEL
            runs: list[tuple[str, str, int]] = [(self.labels[r] + " ", label_kind, 0)]
            lv = self.levels[r]
            nw = self.newest[r]
            key = lv.astype(np.int64) * 2 + nw
            cuts = np.flatnonzero(np.diff(key)) + 1
            starts = np.concatenate(([0], cuts))
            ends = np.concatenate((cuts, [len(text)]))
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True):
                level = int(lv[s])
                kind = BLANK if level == 0 else (NEWEST if nw[s] else RIDGE)
                runs.append((text[s:e], kind, level))
            yield runs
        yield [(self.axis, AXIS, 0)]

    def text(self) -> str:
        """Plain text, no styling."""
        return "\n".join("".join(t for t, _, _ in line) for line in self.lines())


def _pick(n_total: int, n_show: int) -> np.ndarray:
    """``n_show`` indices spread evenly over ``range(n_total)``, always the first and the last."""
    if n_show >= n_total:
        return np.arange(n_total)
    return np.unique(np.round(np.linspace(0, n_total - 1, n_show)).astype(np.int64))


def render(
    histograms: Sequence[np.ndarray],
    steps: Sequence[int],
    width: int,
    height: int,
    *,
    unicode: bool = True,
    ridge_height: int | None = None,
    normalize: str = "global",
) -> Waterfall:
    """Lay out a waterfall of ``histograms`` (one ``[k, 3]`` array per step, in step order) in a
    ``width`` x ``height`` cell area (labels and the axis line included).

    When there are more steps than rows, steps are sampled evenly, keeping the first and newest.
    ``normalize`` is ``"global"`` (ridge heights comparable across steps) or ``"step"`` (each step
    scaled to its own peak).
    """
    n_total = len(histograms)
    steps_list = [int(s) for s in steps]
    label_width = max([len(str(s)) for s in steps_list] + [4])
    plot_w = max(1, width - label_width - 1)
    plot_h = max(1, height - 1)
    blocks = UNICODE_BLOCKS if unicode else ASCII_BLOCKS
    rng = value_range(histograms)
    empty = Waterfall(
        [],
        np.zeros((0, plot_w), np.uint8),
        np.zeros((0, plot_w), bool),
        [],
        -1,
        "",
        label_width,
        [],
        0.0,
        0.0,
    )
    if n_total == 0:
        empty.message = "no histogram data"
        return empty
    if rng is None:
        empty.message = f"{n_total} step(s), all empty"
        return empty
    lo, hi = rng
    if ridge_height is None:
        ridge_height = int(np.clip(plot_h // 4, 1, 6))
    ridge_height = max(1, min(ridge_height, plot_h))
    n_show = max(1, min(n_total, plot_h - ridge_height + 1))
    idx = _pick(n_total, n_show)
    n_show = len(idx)
    # Spread baselines over the free rows when there are few steps.
    spacing = max(1, min(ridge_height, (plot_h - ridge_height + 1) // n_show))
    used = (n_show - 1) * spacing + ridge_height
    mat, _ = rebin([histograms[i] for i in idx], plot_w, lo, hi)
    if normalize == "step":
        peak = mat.max(axis=1, keepdims=True)
        norm = np.divide(mat, peak, out=np.zeros_like(mat), where=peak > 0)
    else:
        peak = mat.max()
        norm = mat / peak if peak > 0 else np.zeros_like(mat)
    eighths = np.ceil(norm * (ridge_height * 8)).astype(np.int64)  # >0 mass shows at least 1/8
    levels_col = np.where(norm > 0, 1 + np.minimum((norm * LEVELS).astype(np.int64), LEVELS - 1), 0)

    codes = np.full((used, plot_w), 0, dtype=np.int64)  # eighths filled, per cell
    lev = np.zeros((used, plot_w), dtype=np.uint8)
    new = np.zeros((used, plot_w), dtype=bool)
    labels = [" " * label_width] * used
    newest_row = -1
    for j in range(n_show):
        base = ridge_height - 1 + j * spacing
        is_new = j == n_show - 1
        for k in range(ridge_height):
            r = base - k
            fill = np.clip(eighths[j] - 8 * k, 0, 8)
            on = fill > 0
            codes[r, on] = fill[on]
            lev[r, on] = levels_col[j, on]
            new[r, on] = is_new
        labels[base] = str(steps_list[idx[j]]).rjust(label_width)
        if is_new:
            newest_row = base
    table = np.array(list(blocks))
    plot = ["".join(row) for row in table[codes].tolist()]
    axis = _axis(lo, hi, plot_w, label_width)
    return Waterfall(
        plot,
        lev,
        new,
        labels,
        newest_row,
        axis,
        label_width,
        [steps_list[i] for i in idx],
        lo,
        hi,
    )


def _axis(lo: float, hi: float, plot_w: int, label_width: int) -> str:
    """Value labels under the plot: low end, middle and high end."""
    left, mid, right = numfmt.short(lo), numfmt.short((lo + hi) / 2), numfmt.short(hi)
    line = [" "] * plot_w
    for pos, s in (
        (0, left),
        (max(0, plot_w // 2 - len(mid) // 2), mid),
        (max(0, plot_w - len(right)), right),
    ):
        if all(c == " " for c in line[max(0, pos - 1) : pos + len(s) + 1]):
            line[pos : pos + len(s)] = list(s)
    return " " * (label_width + 1) + "".join(line)[:plot_w]
