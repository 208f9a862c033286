"""The histograms view: a waterfall of one tag's distribution over steps, or TensorBoard's
distribution chart (percentile bands), for one (tag, run) at a time."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding

from tbx_tui.tui.render import FramedBody
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.views.entryview import EntryView
from tbx_tui.view import histo, numfmt, plot, waterfall

# Ridge intensity 1..7: older steps in blues, the newest step in ambers.
RIDGE_COLORS = ("#1f3b57", "#245a80", "#2a78a8", "#3196cc", "#45b0e0", "#6cc7ee", "#a5e0fa")
NEWEST_COLORS = ("#6b3d00", "#8f5200", "#b36800", "#d67e00", "#f59300", "#ffb13b", "#ffd27a")
MODES = ("waterfall", "distribution")


def waterfall_text(wf: waterfall.Waterfall, color: bool) -> Text:
    """A laid-out waterfall as Rich Text."""
    out = Text(no_wrap=True, end="")
    for n, runs in enumerate(wf.lines()):
        if n:
            out.append("\n")
        for text, kind, level in runs:
            style = None
            if color:
                if kind == waterfall.RIDGE:
                    style = Style(color=RIDGE_COLORS[level - 1])
                elif kind == waterfall.NEWEST:
                    style = Style(color=NEWEST_COLORS[level - 1], bold=True)
            if kind == waterfall.LABEL_NEWEST:
                style = Style(bold=True, color="#ffb13b" if color else None, reverse=not color)
            elif kind in (waterfall.LABEL, waterfall.AXIS):
                style = Style(dim=True)
            out.append(text, style=style)
    return out


def draw_histograms(
    points: list, mode: str, width: int, height: int, rgb, color: bool, unicode: bool
) -> Text:
    """One tag's histograms over steps as a waterfall or a distribution chart; on a render
    thread (``points`` is a snapshot: immutable step and data of each point)."""
    if mode == "waterfall":
        data, steps = [p.data for p in points], [p.step for p in points]
        return waterfall_text(waterfall.render(data, steps, width, height, unicode=unicode), color)
    steps_x = np.array([p.step for p in points], dtype=np.float64)
    bands = histo.bands([p.data for p in points])
    ansi = plot.distribution(steps_x, bands, width, height - 1, rgb, color, ascii=not unicode)
    chart = Text.from_ansi(ansi, no_wrap=True, end="")
    return Text("\n", no_wrap=True, end="").join([distribution_legend(rgb, color, unicode), chart])


#: The percentile ranges shaded by the distribution chart, outside in (TensorBoard's bands:
#: min/max, then 1.5, 1 and 0.5 standard deviations of a normal distribution).
BAND_NAMES = ("min–max", "7–93%", "16–84%", "31–69%")


def distribution_legend(rgb, color: bool, unicode: bool) -> Text:
    """Which shade (with colour) or which line (without) is which percentile."""
    if not color or not unicode:
        return Text(
            "lines, bottom to top: min, 7%, 16%, 31%, median, 69%, 84%, 93%, max", style="dim"
        )
    out = Text(no_wrap=True, end="")
    shades = plot.band_fill_colors(rgb)
    for name, shade in zip(BAND_NAMES, shades, strict=False):
        out.append("█", style="#{:02x}{:02x}{:02x}".format(*shade))
        out.append(f" {name}  ")
    out.append("━", style="#{:02x}{:02x}{:02x}".format(*rgb))
    out.append(" median")
    return out


class HistogramBody(FramedBody):
    """Draws the current entry of its :class:`HistogramView` at its size, on a render thread
    (the previous drawing stays until the new one is ready)."""

    DEFAULT_CSS = "HistogramBody { height: 1fr; padding: 0 1; }"

    def __init__(self, view: HistogramView, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view

    def render(self) -> Text:
        view = self.view
        points = view.points()
        width, height = self.content_size.width, self.content_size.height
        if not points or width < 1 or height < 1:
            return Text("")
        color, mode, unicode = settings_of(self.app).color, view.mode, view.unicode
        rgb = view.run_color((255, 152, 0))
        last = points[-1]
        key: tuple = (view.current, len(points), last.step, id(last.data), mode, width, height)
        key = (*key, color, unicode, rgb)
        frame = self.frames.get(
            key, lambda: draw_histograms(points, mode, width, height, rgb, color, unicode)
        )
        return self.shown(frame, "these histograms")


class HistogramView(EntryView):
    KIND = "histograms"
    NOUN = "histograms"

    BINDINGS = [Binding("m", "mode", "Waterfall/distribution")]

    def __init__(self, state, **kwargs) -> None:
        super().__init__(state, **kwargs)
        self.mode = MODES[0]
        self.unicode = True

    def compose_body(self) -> ComposeResult:
        self.unicode = not settings_of(self.app).ascii
        yield HistogramBody(self)

    def header_extra(self) -> str:
        points = self.points()
        if not points:
            return ""
        last = histo.stats(points[-1].data)
        where = f"{len(points)} steps, last {points[-1].step}"
        if last.count:
            where += (
                f": n={numfmt.short(last.count)} "
                f"[{numfmt.short(last.min)}, {numfmt.short(last.max)}]"
            )
        return f"{self.mode} · {where}"

    def show(self) -> None:
        self.query_one(HistogramBody).refresh()

    def action_mode(self) -> None:
        self.mode = MODES[(MODES.index(self.mode) + 1) % len(MODES)]
        self.refresh_header()
        self.show()
