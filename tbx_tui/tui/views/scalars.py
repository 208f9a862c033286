"""The scalars view: one chart card per tag, flowing in one grid whose columns follow the width.

Tags are grouped by prefix: a group does not start a row of its own (that left half the screen
empty); each group's first card carries the group's name in its title, and cards flow on.
``+``/``-`` set the number of columns by hand (kept until the app quits; ``=`` goes back to
following the width).
"""

from __future__ import annotations

import math

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Vertical, VerticalScroll
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Input, Static

from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui.filterbox import (
    apply_tag_filter,
    close_tag_filter,
    mirror_tag_filter,
    open_tag_filter,
)
from tbx_tui.tui.state import ViewState, group_of
from tbx_tui.tui.viewarea import ViewArea
from tbx_tui.tui.views.card import CardJob, ChartCard, chart_entries
from tbx_tui.view import plot, units

#: A card narrower than this draws a chart too cramped to read: the grid has fewer columns.
CARD_MIN_WIDTH = 60
#: A card lower than this (borders included) neither: rows scroll instead.
CARD_MIN_HEIGHT = 14
MAX_COLUMNS = 8
_CACHE = plot.PreparedCache()  # for chart_text() callers on their own thread


def columns_for(width: int) -> int:
    """Grid columns that fit ``width`` cells with cards at least :data:`CARD_MIN_WIDTH` wide."""
    return max(1, min(MAX_COLUMNS, width // CARD_MIN_WIDTH))


def card_height(available: int, cards: int, columns: int) -> int:
    """Card height for ``available`` rows: every row stretched to fill them when all fit at
    :data:`CARD_MIN_HEIGHT`; else whole rows when that stretches them by at most a quarter;
    else that height (the grid scrolls)."""
    rows_needed = max(1, math.ceil(cards / max(1, columns)))
    if rows_needed * CARD_MIN_HEIGHT <= available:
        return available // rows_needed
    rows_shown = max(1, available // CARD_MIN_HEIGHT)
    stretched = available // rows_shown
    return stretched if stretched * 4 <= CARD_MIN_HEIGHT * 5 else CARD_MIN_HEIGHT


def chart_text(
    state: ViewState, tag: str, width: int, height: int, color: bool, ascii: bool = False
) -> Text:
    """The chart of ``tag`` over the visible runs, ``width`` x ``height`` cells."""
    entries = chart_entries(state, tag)
    markers = None if color else tuple(state.markers.get(n, "?") for n, _, _ in entries)
    job = CardJob(tag, entries, state.options, width, height, color, 1, (), markers, ascii)
    frame = job.chart(height, _CACHE)
    return Text.from_ansi(frame.text, no_wrap=True, end="")


class ScalarsView(Vertical):
    """The tag filter, then every card in one scrollable grid."""

    BINDINGS = [
        Binding("j,down", "move(0, 1)", "Down", show=False),
        Binding("k,up", "move(0, -1)", "Up", show=False),
        Binding("h,left", "move(-1, 0)", "Left", show=False),
        Binding("l,right", "move(1, 0)", "Right", show=False),
        Binding("plus", "columns(1)", "Columns", key_display="+/-"),
        Binding("minus", "columns(-1)", "Fewer columns", show=False),
        Binding("equals_sign", "columns(0)", "Columns to fit", show=False),
    ]

    def __init__(self, state: ViewState, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self._shape: tuple = ()
        #: Columns chosen with +/- (None: as many as the width fits).
        self.chosen_columns: int | None = None
        self._waited = False  # a new layout waited a refresh for the view's width

    def compose(self) -> ComposeResult:
        initial = self.state.tag_re.pattern if self.state.tag_re is not None else ""
        yield Input(value=initial, placeholder="tag regex", id="tag-filter")
        with VerticalScroll(id="cards") as cards:
            cards.can_focus = False
            yield Static("", classes="empty")
            yield Grid(id="card-grid")

    def on_mount(self) -> None:
        self.query_one("#tag-filter").display = self.state.tag_re is not None

    def cards(self) -> list[ChartCard]:
        return list(self.query(ChartCard))

    @property
    def columns(self) -> int:
        """The grid's columns now."""
        if self.chosen_columns is not None:
            return self.chosen_columns
        box = self.query_one("#cards", VerticalScroll)
        return columns_for(box.scrollable_content_region.width or self.cards_room().width)

    def cards_room(self) -> Size:
        """The size of the cards' box: as laid out; for a view just mounted in the app's main
        area (not laid out yet), the size its pane will give it (0x0 when unknown: a filter box
        above the cards, another host)."""
        box = self.query_one("#cards", VerticalScroll)
        if box.size.width:
            return box.size
        area = next((a for a in self.ancestors if isinstance(a, ViewArea)), None)
        if area is None or self.query_one("#tag-filter").display:
            return Size(0, 0)
        return area.pane_size()

    def sync(self) -> None:
        """Lay out the cards again when the tags changed, and redraw the rest."""
        mirror_tag_filter(self.query_one("#tag-filter", Input), self.state)
        tags = self.state.scalar_tags()
        shape: tuple[str, ...] = tuple(tags) or (self._empty_message(),)
        if shape != self._shape:
            if not self.cards_room().width and not self._waited:  # size unknown: the columns
                self._waited = True  # follow the width, so the cards wait a refresh (and are
                self.call_after_refresh(self.sync)  # drawn once, at their size); a hidden
                return  # view lays out now and fits when shown
            self._waited = False
            self._shape = shape
            self._relayout(tags)
        screen = self.screen
        for card in self.cards():  # cards out of view ask when they are scrolled into it
            if screen.can_view_partial(card):
                card.request()  # the old frame stays until the new one is drawn

    def _relayout(self, tags: list[str]) -> None:
        grid = self.query_one("#card-grid", Grid)
        focused = self.app.focused
        focused_tag = focused.tag if isinstance(focused, ChartCard) else None
        grid.remove_children()
        empty = self.query_one(".empty", Static)
        empty.display = not tags
        empty.update(Text(self._empty_message(), style="dim"))
        groups: dict[str, list[str]] = {}
        for tag in tags:
            groups.setdefault(group_of(tag), []).append(tag)
        cards: list[Widget] = []
        for group, members in sorted(groups.items()):
            for k, tag in enumerate(members):
                card = ChartCard(self.state, tag)
                if k == 0 and group:  # the group's heading, inside the flow
                    count = f" ({len(members)})" if len(members) > 1 else ""
                    title = safe_text(group)
                    if group + "/" == units.SYS_PREFIX:
                        title = units.SYS_GROUP_TITLE
                    card.border_subtitle = Text(title + count, style="bold")
                cards.append(card)
        grid.mount_all(cards)
        self._fit(len(cards))
        if focused_tag is not None:
            self.call_after_refresh(self._refocus, focused_tag)

    def _fit(self, count: int | None = None) -> None:
        """Columns and card height for the size now (one card alone fills the chart area)."""
        grid = self.query_one("#card-grid", Grid)
        count = len(self.state.scalar_tags()) if count is None else count
        columns = min(self.columns, max(1, count))
        box = self.query_one("#cards", VerticalScroll)
        available = self.cards_room().height
        height = card_height(available, count, columns) if available else CARD_MIN_HEIGHT
        grid.styles.grid_size_columns = columns
        grid.styles.grid_rows = str(height)
        # the scroll bar's room is taken now when the rows will overflow, not after a first
        # layout without it: cards are drawn once, at their final width
        rows = math.ceil(count / columns)
        box.styles.scrollbar_gutter = "stable" if rows * height > available else "auto"

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
        self.call_after_refresh(self._fit)  # after the scroll box took its new size

    def action_columns(self, delta: int) -> None:
        if delta == 0:
            self.chosen_columns = None
        else:
            self.chosen_columns = max(1, min(MAX_COLUMNS, self.columns + delta))
        self._fit()

    def action_move(self, dx: int, dy: int) -> None:
        cards = self.cards()
        if not cards:
            return
        focused = self.app.focused
        if focused not in cards:
            cards[0].focus()
            return
        i = cards.index(focused)
        columns = min(self.columns, len(cards))
        target = min(len(cards) - 1, max(0, i + dx + dy * columns))
        cards[target].focus()

    def open_filter(self) -> None:
        open_tag_filter(self)
        self.call_after_refresh(self._fit)  # the box took rows from the cards

    def close_filter(self, clear: bool) -> None:
        if close_tag_filter(self, self.state, clear):
            self.sync()
        self.action_move(0, 0)
        self.call_after_refresh(self._fit)

    @on(Input.Changed, "#tag-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        if apply_tag_filter(self.state, event):
            self.sync()

    @on(Input.Submitted, "#tag-filter")
    def _filter_done(self) -> None:
        self.action_move(0, 0)
