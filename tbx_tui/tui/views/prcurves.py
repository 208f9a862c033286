"""The PR curves view: precision against recall for one tag and run at a chosen step."""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding

from tbx_tui.tui.render import FramedBody
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.views.entryview import SteppedView
from tbx_tui.view import plot, prcurve


def draw_curve(data, rgb: tuple[int, int, int], width: int, height: int, color: bool, ascii: bool):
    """The PR curve of one step's ``data``, ``width`` x ``height`` cells; on a render thread."""
    c = prcurve.curve(data)
    if not len(c.recall):
        return Text("no threshold with a positive prediction", style="dim")
    line = plot.Line(c.recall, c.precision, rgb)
    ansi = plot.render_lines(
        [line], width, height, xlim=(0.0, 1.0), ylim=(0.0, 1.0), color=color, ascii=ascii
    )
    return Text.from_ansi(ansi, no_wrap=True, end="")


class PRBody(FramedBody):
    """The curve of the shown step, drawn on a render thread (the previous curve stays until
    the new one is ready)."""

    DEFAULT_CSS = "PRBody { height: 1fr; padding: 0 1; }"

    def __init__(self, view: PRCurveView, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view

    def render(self) -> Text:
        point = self.view.current_point()
        if point is None:
            return Text("")
        rgb = self.view.run_color((66, 165, 245))
        w, h = self.content_size.width, self.content_size.height
        color, ascii = settings_of(self.app).color, settings_of(self.app).ascii
        key = (self.view.current, point.step, id(point.data), rgb, w, h, color, ascii)
        frame = self.frames.get(key, lambda: draw_curve(point.data, rgb, w, h, color, ascii))
        return self.shown(frame, "this curve")


class PRCurveView(SteppedView):
    KIND = "pr_curves"
    NOUN = "PR curves"

    BINDINGS = [
        Binding("h,left", "step(-1)", "Prev step"),
        Binding("l,right", "step(1)", "Next step"),
    ]

    def compose_body(self) -> ComposeResult:
        yield PRBody(self)

    def header_extra(self) -> str:
        points = self.points()
        point = self.current_point()
        if point is None:
            return ""
        i = self.shown_index()
        c = prcurve.curve(point.data)
        auc = "n/a" if math.isnan(c.auc) else f"{c.auc:.4f}"
        return (
            f"step {point.step} ({i + 1}/{len(points)}) · x recall, y precision · "
            f"AUC {auc} · {int(c.positives)} positives"
        )

    def show(self) -> None:
        self.query_one(PRBody).refresh()
