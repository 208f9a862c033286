"""The text view: one text tag of one run, every step rendered as Markdown, newest first.

Text comes from data: it is sanitised (control characters shown as escapes) before Markdown sees
it, and Markdown never reaches the terminal raw (Textual draws it cell by cell).
"""

from __future__ import annotations

import time

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Markdown, Static

from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui.views.entryview import EntryView

#: Steps rendered at once (the newest); older ones are counted.
MAX_STEPS = 50


class TextView(EntryView):
    KIND = "texts"
    NOUN = "text summaries"

    BINDINGS = [
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
    ]

    DEFAULT_CSS = """
    TextView > VerticalScroll { height: 1fr; padding: 0 1; }
    TextView .text-step { color: $text-muted; text-style: bold; margin-top: 1; }
    TextView Markdown { margin: 0; padding: 0 1; }
    """

    def __init__(self, state, **kwargs) -> None:
        super().__init__(state, **kwargs)
        self._shown: tuple | None = None

    def compose_body(self) -> ComposeResult:
        yield VerticalScroll(classes="text-body", can_focus=False)

    def header_extra(self) -> str:
        points = self.points()
        if not points:
            return ""
        n = len(points)
        return f"{n} step{'s' if n != 1 else ''}, newest first"

    def show(self) -> None:
        points = self.points()
        key = (self.current, len(points), points[-1].step if points else None)
        if key == self._shown:
            return
        self._shown = key
        box = self.query_one(".text-body", VerticalScroll)
        box.remove_children()
        widgets: list[Widget] = []
        newest = sorted(points, key=lambda p: p.step, reverse=True)
        for p in newest[:MAX_STEPS]:
            when = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(p.wall_time))
            widgets.append(Static(Text(f"step {p.step} · {when}"), classes="text-step"))
            body = p.data if isinstance(p.data, str) else str(p.data)
            widgets.append(Markdown(safe_text(body, keep_newlines=True)))
        if len(newest) > MAX_STEPS:
            more = f"({len(newest) - MAX_STEPS} older steps not shown)"
            widgets.append(Static(Text(more, style="dim")))
        box.mount_all(widgets)
        box.scroll_home(animate=False)

    def action_page(self, direction: int) -> None:
        box = self.query_one(".text-body", VerticalScroll)
        if direction > 0:
            box.scroll_page_down(animate=False)
        else:
            box.scroll_page_up(animate=False)
