"""The histograms view: a waterfall of one tag's distribution over steps, or TensorBoard's
distribution chart (percentile bands), for one (tag, run) at a time."""

from __future__ import annotations

import numpy as np
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget

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


class HistogramBody(Widget):
    """Draws the current entry of its :class:`HistogramView` at its size."""

    DEFAULT_CSS = "HistogramBody { height: 1fr; padding: 0 1; }"

    def __init__(self, view: HistogramView, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view
        self._key: tuple | None = None
        self._text: Text | None = None

    def render(self) -> Text:
        view = self.view
        points = view.points()
        width, height = self.content_size.width, self.content_size.height
        color = settings_of(self.app).color
        key = (view.current, len(points), view.mode, width, height, color, view.unicode)
        if key == self._key and self._text is not None:
            return self._text
        if not points:
            text = Text("")
        elif view.mode == "waterfall":
            wf = waterfall.render(
                [p.data for p in points],
                [p.step for p in points],
                width,
                height,
                unicode=view.unicode,
            )
            text = waterfall_text(wf, color)
        else:
            steps = np.array([p.step for p in points], dtype=np.float64)
            bands = histo.bands([p.data for p in points])
            rgb = view.run_color((255, 152, 0))
            ascii = not view.unicode
            ansi = plot.distribution(steps, bands, width, height, rgb, color, ascii=ascii)
            text = Text.from_ansi(ansi, no_wrap=True, end="")
        self._key, self._text = key, text
        return text


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
