"""The scalars view: one chart card per tag, grouped by prefix, in a grid that fits the terminal."""

from __future__ import annotations

from dataclasses import dataclass

from rich.console import Console
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Static

from tbx_tui.read.runview import SeriesView
from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui.filterbox import (
    apply_tag_filter,
    close_tag_filter,
    mirror_tag_filter,
    open_tag_filter,
)
from tbx_tui.tui.messages import ChartDrawn, ZoomRequested
from tbx_tui.tui.render import RENDERER
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.state import ViewState
from tbx_tui.view import numfmt, plot, units

CARD_MIN_WIDTH = 44
_CACHE = plot.PreparedCache()  # for chart_text() callers on their own thread
_RENDER_CACHE = plot.PreparedCache()  # only the render thread touches this one

#: One run's line in a chart: (run name, its series, its RGB colour).
Entry = tuple[str, SeriesView, tuple[int, int, int]]


def chart_entries(state: ViewState, tag: str) -> tuple[Entry, ...]:
    """The visible runs that have ``tag``, with their series and colours (a snapshot: the series
    are immutable views, so another thread may draw from it)."""
    out = []
    for name in state.visible_runs():
        series = state.runs[name].scalars.get(tag)
        if series is not None:
            out.append((name, series, state.colors[name]))
    return tuple(out)


def run_markers(
    state: ViewState, entries: tuple[Entry, ...], color: bool
) -> tuple[str, ...] | None:
    """Each line's marker when colour is off (runs are told apart by it), else None."""
    return None if color else tuple(state.markers.get(name, "?") for name, _, _ in entries)


def chart_text(
    state: ViewState, tag: str, width: int, height: int, color: bool, ascii: bool = False
) -> Text:
    """The chart of ``tag`` over the visible runs, ``width`` x ``height`` cells."""
    entries = chart_entries(state, tag)
    markers = run_markers(state, entries, color)
    return _chart(entries, tag, state.options, width, height, color, _CACHE, markers, ascii)


def _chart(
    entries: tuple[Entry, ...],
    tag: str,
    opts: plot.Options,
    width: int,
    height: int,
    color: bool,
    cache: plot.PreparedCache,
    markers: tuple[str, ...] | None = None,
    ascii: bool = False,
) -> Text:
    if not entries:
        return Text("\n (no visible run has this tag)", style="dim")
    buckets = plot.buckets_for(width, len(entries))
    lines = [(cache.get(name, tag, series, opts, buckets), rgb) for name, series, rgb in entries]
    marks = list(markers) if markers is not None else None
    ansi = plot.render(lines, width, height, opts, color=color, markers=marks, ascii=ascii)
    return Text.from_ansi(ansi, no_wrap=True, end="")


def _latest(
    entries: tuple[Entry, ...],
    width: int,
    max_lines: int,
    symbols: tuple[str, ...] = (),
    unit: str = "",
    ascii: bool = False,
) -> Text:
    """``symbols``: the character before each run (default ``●``, in the run's colour)."""
    out = Text(no_wrap=True, overflow="ellipsis")
    values = []
    for name, series, rgb in entries:
        i = series.last_index()
        value = units.with_unit(numfmt.compact(float(series.values[i])), unit, ascii)
        values.append((name, value, int(series.steps[i]), rgb))
    lines_used, line_len = 1, 0
    for k, (name, value, step, rgb) in enumerate(values):
        piece = f"{safe_text(name)} {value} @{numfmt.step(step)}"
        need = len(piece) + 4
        if line_len and line_len + need > width:
            if lines_used >= max_lines:
                out.append(f" +{len(values) - k}", style="dim")
                break
            out.append("\n")
            lines_used, line_len = lines_used + 1, 0
        symbol = symbols[k] if k < len(symbols) else "●"
        out.append(symbol + " ", style="#{:02x}{:02x}{:02x}".format(*rgb))
        out.append(piece + "  ")
        line_len += need
    return out


@dataclass(frozen=True)
class CardJob:
    """Everything one card's frame is drawn from, taken on the UI thread; immutable."""

    tag: str
    entries: tuple[Entry, ...]
    options: plot.Options
    width: int
    height: int
    color: bool
    header_lines: int
    symbols: tuple[str, ...] = ()  # before each run in the header (default: ●)
    markers: tuple[str, ...] | None = None  # each run's line (default: braille dots)
    ascii: bool = False

    def draw(self, console: Console, cache: plot.PreparedCache = _RENDER_CACHE) -> list[Strip]:
        """The card's lines (header, then chart) as strips; runs on the render thread."""
        header = _latest(
            self.entries,
            self.width,
            self.header_lines,
            self.symbols,
            units.unit_of(self.tag),
            self.ascii,
        )
        rows = self.height - len(header.plain.splitlines() or [""])
        body = _chart(
            self.entries,
            self.tag,
            self.options,
            self.width,
            rows,
            self.color,
            cache,
            self.markers,
            self.ascii,
        )
        text = Text("\n", no_wrap=True, end="").join([header, body])
        return [
            Strip(line.render(console, end=""), line.cell_len).adjust_cell_length(self.width)
            for line in text.split("\n", allow_blank=True)[: self.height]
        ]


class ChartCard(Widget, can_focus=True):
    """One tag's chart: title, latest values, plotext lines.

    Drawing is lazy and off the UI thread: when Textual asks for the card's lines (only cards in
    view are asked), a card whose inputs changed sends a :class:`CardJob` to the render thread
    and shows its previous frame (or "drawing…") until a
    :class:`~tbx_tui.tui.messages.ChartDrawn` brings the new one. A frame is keyed by its inputs
    (tag, visible runs and their data versions, options, size), so a focus change or a scroll
    never draws again, and a result whose key is no longer wanted (the state moved on meanwhile)
    is dropped.
    """

    BINDINGS = [Binding("enter", "zoom", "Zoom")]

    def __init__(self, state: ViewState, tag: str, zoomed: bool = False, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.tag = tag
        self.zoomed = zoomed
        self._key: tuple | None = None  # the inputs of the frame shown
        self._wanted: tuple | None = None  # the inputs of the frame last asked for
        self._strips: list[Strip] = []
        self._styled: tuple = (None, 0, [])  # (rich style, width, strips in that style)
        self._current: tuple = (-1, None)  # (generation, size) -> key, see current_key()
        self.border_title = Text(safe_text(tag))

    def current_key(self) -> tuple:
        """What the card would draw now; O(visible runs) once per state generation and size."""
        width, height = self.content_size.width, self.content_size.height
        generation, key = self._current
        if (
            generation == self.state.generation
            and key is not None
            and key[-3:-1]
            == (
                width,
                height,
            )
        ):
            return key
        versions = tuple(
            (name, s.version, len(s), rgb) for name, s, rgb in chart_entries(self.state, self.tag)
        )
        key = (versions, self.state.options, width, height, settings_of(self.app).color)
        self._current = (self.state.generation, key)
        return key

    @property
    def drawn(self) -> bool:
        """A frame (maybe an older one) is shown."""
        return self._key is not None

    @property
    def up_to_date(self) -> bool:
        """The frame shown is the one the state asks for now."""
        return self._key is not None and self._key == self.current_key()

    def request(self) -> None:
        """Ask the render thread for the frame of the state now, unless shown or asked for."""
        key = self.current_key()
        if key == self._key or key == self._wanted:
            return
        width, height = key[2], key[3]
        if width <= 0 or height <= 0:
            return
        self._wanted = key
        entries = chart_entries(self.state, self.tag)
        settings = settings_of(self.app)
        color = settings.color
        ascii = settings.ascii
        job = CardJob(
            self.tag,
            entries,
            self.state.options,
            width,
            height,
            color,
            6 if self.zoomed else 1,
            tuple(self.state.symbol(name, color, ascii) for name, _, _ in entries),
            run_markers(self.state, entries, color),
            ascii,
        )
        console = self.app.console
        RENDERER.submit(
            self,
            lambda: job.draw(console),
            lambda strips: self.post_message(ChartDrawn(key, strips)),
        )

    def on_chart_drawn(self, message: ChartDrawn) -> None:
        message.stop()
        if message.key != self._wanted:  # stale: a newer frame is on its way
            return
        if isinstance(message.strips, Exception):
            error = Text(f" (chart failed: {message.strips!r})", style="red")
            message.strips = [Strip(error.render(self.app.console))]
        self._key, self._strips = message.key, message.strips
        self._styled = (None, 0, [])
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self.request()  # only cards on screen get here: the others are not drawn at all
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        style = self.rich_style
        width = self.content_size.width
        if self._styled[:2] != (style, width):  # a focus change restyles, never redraws
            strips = [s.adjust_cell_length(width).apply_style(style) for s in self._strips]
            self._styled = (style, width, strips)
        strips = self._styled[2]
        if y < len(strips):
            return strips[y]
        if not strips and y == self.content_size.height // 2:
            ellipsis = settings_of(self.app).glyphs.ellipsis
            label = Text(("drawing" + ellipsis).center(width), style="dim", end="")
            return Strip(label.render(self.app.console), width).apply_style(style)
        return Strip.blank(width, style)

    def on_unmount(self) -> None:
        RENDERER.cancel(self)

    def action_zoom(self) -> None:
        if not self.zoomed:
            self.post_message(ZoomRequested(self.tag))


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
        self._shape: tuple | str = ()
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
        mirror_tag_filter(self.query_one("#tag-filter", Input), self.state)
        groups = self.state.groups()
        shape = tuple((g, tuple(tags)) for g, tags in groups.items()) or self._empty_message()
        if shape != self._shape:
            self._shape = shape
            self._relayout(groups)
        screen = self.screen
        for card in self.cards():  # cards out of view ask when they are scrolled into it
            if screen.can_view_partial(card):
                card.request()  # the old frame stays until the new one is drawn

    def _relayout(self, groups: dict[str, list[str]]) -> None:
        box = self.query_one("#cards", VerticalScroll)
        focused = self.app.focused
        focused_tag = focused.tag if isinstance(focused, ChartCard) else None
        box.remove_children()
        widgets: list[Widget] = []
        if not groups:
            widgets.append(Static(Text(self._empty_message(), style="dim"), classes="empty"))
        for group, tags in groups.items():
            count = f"  ({len(tags)})" if len(tags) > 1 else ""
            title = safe_text(group) if group else "(no prefix)"
            if group + "/" == units.SYS_PREFIX:
                title = units.SYS_GROUP_TITLE
            widgets.append(Static(Text(title + count, style="bold"), classes="group"))
            grid = Grid(*(ChartCard(self.state, t) for t in tags), classes="cards")
            grid.styles.grid_size_columns = self._columns
            widgets.append(grid)
        box.mount_all(widgets)
        if focused_tag is not None:
            self.call_after_refresh(self._refocus, focused_tag)

    def _empty_message(self) -> str:
        """Why there is no card (part of the layout's shape: it changes as runs come and go)."""
        if not self.state.runs:
            return "no runs yet (waiting for data)"
        if not self.state.listed_runs():
            return "no run matches the run filter"
        if self.state.tag_re is not None and any(r.scalars for r in self.state.runs.values()):
            return "no tag matches the tag filter"
        return "no scalars yet"

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
        open_tag_filter(self)

    def close_filter(self, clear: bool) -> None:
        if close_tag_filter(self, self.state, clear):
            self.sync()
        self.action_move(0, 0)

    @on(Input.Changed, "#tag-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if apply_tag_filter(self.state, event):
            self.sync()

    @on(Input.Submitted, "#tag-filter")
    def _filter_done(self) -> None:
        self.action_move(0, 0)
