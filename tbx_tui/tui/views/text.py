"""The text view: one text tag of one run, every step rendered as Markdown, newest first.

Text comes from data: it is sanitised (control characters shown as escapes) before Markdown sees
it, and Markdown never reaches the terminal raw (Textual draws it cell by cell).

Whatever a record holds, at most :data:`PAGE_CHARS` characters are drawn at once: the steps are
read as one document cut into pages (``n`` / ``p`` move between them), and a long piece is drawn
as plain text rather than Markdown, so a 50 MB text record never stalls the UI.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widget import Widget
from textual.widgets import Markdown, Static

from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui.views.entryview import EntryView
from tbx_tui.view import numfmt, textpage

#: Steps paged through (the newest); older ones are counted.
MAX_STEPS = 50
#: Characters drawn per page, all steps together.
PAGE_CHARS = 16 * 1024
#: A piece longer than this is drawn as plain text: Markdown costs too much for it.
MARKDOWN_MAX_CHARS = 4 * 1024


class TextView(EntryView):
    KIND = "texts"
    NOUN = "text summaries"

    BINDINGS = [
        Binding("pagedown,space", "page(1)", "Page down", show=False),
        Binding("pageup", "page(-1)", "Page up", show=False),
        Binding("n", "text_page(1)", "Next page"),
        Binding("p", "text_page(-1)", "Prev page"),
    ]

    DEFAULT_CSS = """
    TextView > VerticalScroll { height: 1fr; padding: 0 1; }
    TextView .text-step { color: $text-muted; text-style: bold; margin-top: 1; }
    TextView Markdown { margin: 0; padding: 0 1; }
    TextView .text-plain { padding: 0 1; }
    """

    def __init__(self, state, **kwargs) -> None:
        super().__init__(state, **kwargs)
        self._shown: tuple | None = None
        #: The page shown (0: the newest text); characters handed to widgets for it.
        self.page = 0
        self.rendered_chars = 0

    def compose_body(self) -> ComposeResult:
        yield VerticalScroll(classes="text-body", can_focus=False)

    def _newest(self) -> list:
        return sorted(self.points(), key=lambda p: p.step, reverse=True)[:MAX_STEPS]

    @staticmethod
    def _body(point) -> str:
        return point.data if isinstance(point.data, str) else str(point.data)

    def _pages(self) -> int:
        return textpage.page_count([len(self._body(p)) for p in self._newest()], PAGE_CHARS)

    def header_extra(self) -> str:
        points = self.points()
        if not points:
            return ""
        n = len(points)
        extra = f"{n} step{'s' if n != 1 else ''}, newest first"
        pages = self._pages()
        if pages > 1:
            extra += f" · page {min(self.page, pages - 1) + 1}/{pages} (n/p)"
        return extra

    def on_entry_changed(self) -> None:
        self.page = 0

    def show(self) -> None:
        points = self.points()
        key = (self.current, len(points), points[-1].step if points else None, self.page)
        if key == self._shown:
            return
        self._shown = key
        box = self.query_one(".text-body", VerticalScroll)
        box.remove_children()
        newest = self._newest()
        bodies = [self._body(p) for p in newest]
        lengths = [len(b) for b in bodies]
        self.page = min(self.page, textpage.page_count(lengths, PAGE_CHARS) - 1)
        widgets: list[Widget] = []
        self.rendered_chars = 0
        for piece in textpage.page_pieces(lengths, self.page, PAGE_CHARS):
            p = newest[piece.index]
            when = numfmt.timestamp(p.wall_time, "%Y-%m-%d %H:%M:%S UTC", utc=True)
            more = " (continued)" if piece.continued else ""
            widgets.append(Static(Text(f"step {p.step} · {when}{more}"), classes="text-step"))
            text = safe_text(bodies[piece.index][piece.start : piece.end], keep_newlines=True)
            self.rendered_chars += len(text)
            if len(text) > MARKDOWN_MAX_CHARS:
                widgets.append(Static(Text(text), classes="text-plain"))
            else:
                widgets.append(Markdown(text))
        left = textpage.remaining(lengths, self.page, PAGE_CHARS)
        if left:
            note = f"… {left:,} more characters: n for the next page, p for the previous one"
            widgets.append(Static(Text(note, style="bold")))
        if len(points) > MAX_STEPS:
            more = f"({len(points) - MAX_STEPS} older steps not shown)"
            widgets.append(Static(Text(more, style="dim")))
        box.mount_all(widgets)
        box.scroll_home(animate=False)

    def action_text_page(self, direction: int) -> None:
        page = max(0, min(self._pages() - 1, self.page + direction))
        if page != self.page:
            self.page = page
            self.refresh_header()
            self.show()

    def action_page(self, direction: int) -> None:
        box = self.query_one(".text-body", VerticalScroll)
        if direction > 0:
            box.scroll_page_down(animate=False)
        else:
            box.scroll_page_up(animate=False)
