"""The PR curves view: precision against recall for one tag and run at a chosen step."""

from __future__ import annotations

import math

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widget import Widget

from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.views.entryview import SteppedView
from tbx_tui.view import plot, prcurve


class PRBody(Widget):
    DEFAULT_CSS = "PRBody { height: 1fr; padding: 0 1; }"

    def __init__(self, view: PRCurveView, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view

    def render(self) -> Text:
        point = self.view.current_point()
        if point is None:
            return Text("")
        c = prcurve.curve(point.data)
        if not len(c.recall):
            return Text("no threshold with a positive prediction", style="dim")
        rgb = self.view.run_color((66, 165, 245))
        w, h = self.content_size.width, self.content_size.height
        line = plot.Line(c.recall, c.precision, rgb)
        settings = settings_of(self.app)
        ansi = plot.render_lines(
            [line],
            w,
            h,
            xlim=(0.0, 1.0),
            ylim=(0.0, 1.0),
            color=settings.color,
            ascii=settings.ascii,
        )
        return Text.from_ansi(ansi, no_wrap=True, end="")


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
