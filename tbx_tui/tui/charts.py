"""The scalars view: one chart card per tag, grouped by prefix, in a grid that fits the terminal."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.message import Message
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static

from tbx_tui import chart, numfmt
from tbx_tui.sanitize import safe_text
from tbx_tui.tui.state import ViewState, compile_filter

CARD_MIN_WIDTH = 44
CARD_HEIGHT = 14
_CACHE = chart.PreparedCache()


def chart_text(state: ViewState, tag: str, width: int, height: int, color: bool) -> Text:
    """The chart of ``tag`` over the visible runs, ``width`` x ``height`` cells."""
    opts = state.options
    lines = []
    for name in state.visible_runs():
        series = state.runs[name].scalars.get(tag)
        if series is None:
            continue
        prepared = _CACHE.get(name, tag, series, opts, max(8, width - 8))
        lines.append((prepared, state.colors[name]))
    if not lines:
        return Text("\n (no visible run has this tag)", style="dim")
    ansi = chart.render(lines, width, height, opts, color=color)
    return Text.from_ansi(ansi, no_wrap=True, end="")


def latest_line(state: ViewState, tag: str, width: int, max_lines: int) -> Text:
    """Each visible run's latest value and step: ``● run 0.1234 @1200``."""
    out = Text(no_wrap=True, overflow="ellipsis")
    entries = []
    for name in state.visible_runs():
        series = state.runs[name].scalars.get(tag)
        if series is None:
            continue
        i = series.last_index()
        entries.append((name, numfmt.compact(float(series.values[i])), int(series.steps[i])))
    lines_used, line_len = 1, 0
    for k, (name, value, step) in enumerate(entries):
        piece = f"{safe_text(name)} {value} @{numfmt.step(step)}"
        need = len(piece) + 4
        if line_len and line_len + need > width:
            if lines_used >= max_lines:
                out.append(f" +{len(entries) - k}", style="dim")
                break
            out.append("\n")
            lines_used, line_len = lines_used + 1, 0
        color = "#{:02x}{:02x}{:02x}".format(*state.colors[name])
        out.append("● ", style=color)
        out.append(piece + "  ")
        line_len += need
    return out


class ChartCard(Widget, can_focus=True):
    """One tag's chart: title, latest values, plotext lines."""

    class Zoom(Message):
        def __init__(self, tag: str) -> None:
            super().__init__()
            self.tag = tag

    BINDINGS = [Binding("enter", "zoom", "Zoom")]

    def __init__(self, state: ViewState, tag: str, zoomed: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.tag = tag
        self.zoomed = zoomed
        self._key: tuple | None = None
        self._text: Text | None = None
        self._strips: list[Strip] = []
        self._key_generation = -1
        self.border_title = Text(safe_text(tag))

    def _cache_key(self, width: int, height: int) -> tuple:
        if self._key_generation == self.state.generation and self._key is not None:
            if self._key[-3:-1] == (width, height):
                return self._key
        self._key_generation = self.state.generation
        versions = tuple(
            (name, s.version, len(s))
            for name in self.state.visible_runs()
            if (s := self.state.runs[name].scalars.get(self.tag)) is not None
        )
        return (versions, self.state.options, width, height, self.app.no_color)

    def _lines(self) -> list[Strip]:
        """The card's lines as strips, rebuilt only when its data, options or size changed.

        Strips, not a Text, are cached: a chart of many runs holds thousands of styled spans,
        and a focus change (border colour) must not turn them into segments again.
        """
        width, height = self.content_size.width, self.content_size.height
        key = self._cache_key(width, height)
        if key != self._key or self._text is None:
            header = latest_line(self.state, self.tag, width, 6 if self.zoomed else 1)
            rows = height - len(header.plain.splitlines() or [""])
            body = chart_text(self.state, self.tag, width, rows, not self.app.no_color)
            self._text = Text("\n", no_wrap=True, end="").join([header, body])
            console = self.app.console
            self._strips = [
                Strip(line.render(console, end=""), line.cell_len).adjust_cell_length(width)
                for line in self._text.split("\n", allow_blank=True)[:height]
            ]
            self._key = key
        return self._strips

    def render_line(self, y: int) -> Strip:
        lines = self._lines()
        if y < len(lines):
            return lines[y].apply_style(self.rich_style)
        return Strip.blank(self.content_size.width, self.rich_style)

    def action_zoom(self) -> None:
        if not self.zoomed:
            self.post_message(self.Zoom(self.tag))


class ScalarsView(Vertical):
    """The tag filter, then the groups of cards in a scrollable grid."""

    BINDINGS = [
        Binding("j,down", "move(0, 1)", "Down", show=False),
        Binding("k,up", "move(0, -1)", "Up", show=False),
        Binding("h,left", "move(-1, 0)", "Left", show=False),
        Binding("l,right", "move(1, 0)", "Right", show=False),
    ]

    def __init__(self, state: ViewState, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self._shape: tuple = ()
        self._columns = 1

    def compose(self) -> ComposeResult:
        initial = self.state.tag_re.pattern if self.state.tag_re is not None else ""
        yield Input(value=initial, placeholder="tag regex", id="tag-filter")
        cards = VerticalScroll(id="cards")
        cards.can_focus = False
        yield cards

    def on_mount(self) -> None:
        self.query_one("#tag-filter").display = self.state.tag_re is not None

    def cards(self) -> list[ChartCard]:
        return list(self.query(ChartCard))

    def sync(self) -> None:
        """Lay out the cards again when the tags changed, and redraw the rest."""
        groups = self.state.groups()
        shape = tuple((g, tuple(tags)) for g, tags in groups.items())
        if shape != self._shape:
            self._shape = shape
            self._relayout(groups)
        for card in self.cards():
            card.refresh()

    def _relayout(self, groups: dict[str, list[str]]) -> None:
        box = self.query_one("#cards", VerticalScroll)
        focused = self.app.focused
        focused_tag = focused.tag if isinstance(focused, ChartCard) else None
        box.remove_children()
        widgets: list[Widget] = []
        if not groups:
            message = "no scalars yet" if self.state.runs else "no runs yet (waiting for data)"
            if self.state.runs and not self.state.listed_runs():
                message = "no run matches the run filter"
            elif self.state.tag_re is not None and any(r.scalars for r in self.state.runs.values()):
                message = "no tag matches the tag filter"
            widgets.append(Static(Text(message, style="dim"), classes="empty"))
        for group, tags in groups.items():
            count = f"  ({len(tags)})" if len(tags) > 1 else ""
            title = safe_text(group) if group else "(no prefix)"
            widgets.append(Static(Text(title + count, style="bold"), classes="group"))
            grid = Grid(*(ChartCard(self.state, t) for t in tags), classes="cards")
            grid.styles.grid_size_columns = self._columns
            widgets.append(grid)
        box.mount_all(widgets)
        if focused_tag is not None:
            self.call_after_refresh(self._refocus, focused_tag)

    def _refocus(self, tag: str) -> None:
        for card in self.cards():
            if card.tag == tag:
                card.focus(scroll_visible=False)

    def on_resize(self) -> None:
        columns = max(1, self.size.width // CARD_MIN_WIDTH)
        if columns != self._columns:
            self._columns = columns
            for grid in self.query("Grid.cards"):
                grid.styles.grid_size_columns = columns

    def action_move(self, dx: int, dy: int) -> None:
        cards = self.cards()
        if not cards:
            return
        focused = self.app.focused
        if focused not in cards:
            cards[0].focus()
            return
        i = cards.index(focused)
        target = min(len(cards) - 1, max(0, i + dx + dy * self._columns))
        cards[target].focus()

    def open_filter(self) -> None:
        box = self.query_one("#tag-filter", Input)
        box.display = True
        box.focus()

    def close_filter(self, clear: bool) -> None:
        box = self.query_one("#tag-filter", Input)
        if clear:
            box.value = ""
            self.state.tag_re = None
            self.sync()
        box.display = bool(box.value)
        self.action_move(0, 0)

    @on(Input.Changed, "#tag-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        try:
            self.state.tag_re = compile_filter(event.value)
        except Exception:
            event.input.add_class("-invalid")
            return
        event.input.remove_class("-invalid")
        self.sync()

    @on(Input.Submitted, "#tag-filter")
    def _filter_done(self) -> None:
        self.action_move(0, 0)
