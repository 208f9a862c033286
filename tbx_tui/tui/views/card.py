"""One tag's chart card: a legend of every run's latest value (or the values under the cursor),
then the plotext lines, drawn on the render thread.

A zoomed card has a vertical cursor on the logged steps of the focused run (h/l, H/L, Home/End);
the mouse over any card puts the cursor under the pointer while it stays there.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rich.console import Console
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui.messages import ChartDrawn, ZoomRequested
from tbx_tui.tui.render import RENDERER
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.state import ViewState
from tbx_tui.tui.views.legend import Entry, cursor_rows, latest_items, legend
from tbx_tui.view import plot, readout, units

_RENDER_CACHE = plot.PreparedCache()  # only the render thread touches this one


def chart_entries(state: ViewState, tag: str) -> tuple[Entry, ...]:
    """The visible runs that have ``tag``, with their series and colours (a snapshot: the series
    are immutable views, so another thread may draw from it)."""
    out = []
    colors = state.colors
    for name in state.visible_runs():
        series = state.runs[name].scalars.get(tag)
        if series is not None:
            out.append((name, series, colors[name]))
    return tuple(out)


def focused_entry(entries: tuple[Entry, ...], focused: str | None) -> int:
    """Index of the focused run among ``entries`` (the first run when it is not there)."""
    for i, (name, _, _) in enumerate(entries):
        if name == focused:
            return i
    return 0


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
    focused: str | None = None  # drawn last: it wins the cells it shares with others
    cursor_x: float | None = None  # a vertical cursor, and the legend reads the runs there

    def header(self) -> Text:
        if self.cursor_x is not None:
            items = cursor_rows(self.entries, self.symbols, self.options, self.cursor_x)
        else:
            items = latest_items(self.entries, self.symbols, units.unit_of(self.tag), self.ascii)
        text = legend(items, self.width, self.header_lines, table=self.cursor_x is not None)
        dropped = 0
        if self.options.log_y:
            dropped = sum(int(np.count_nonzero(s.values <= 0)) for _, s, _ in self.entries)
        if dropped:
            text.append(f"\n{dropped} value(s) <= 0 not drawn on the log scale", style="dim")
        return text

    def chart(self, rows: int, cache: plot.PreparedCache) -> plot.Frame:
        if not self.entries:
            return plot.Frame("\n (no visible run has this tag)")
        order = list(range(len(self.entries)))
        first = focused_entry(self.entries, self.focused)
        order.append(order.pop(first))  # the focused run last: drawn over the others
        buckets = plot.buckets_for(self.width, len(self.entries))
        lines = []
        for i in order:
            name, series, rgb = self.entries[i]
            lines.append((cache.get(name, self.tag, series, self.options, buckets), rgb))
        marks = [self.markers[i] for i in order] if self.markers is not None else None
        return plot.render_frame(
            lines,
            self.width,
            rows,
            self.options,
            color=self.color,
            markers=marks,
            ascii=self.ascii,
            cursor_x=self.cursor_x,
        )

    def draw(self, console: Console, cache: plot.PreparedCache = _RENDER_CACHE):
        """The card's lines (header, then chart) as strips, and the chart's frame (where its x
        axis lies); runs on the render thread."""
        header = self.header()
        rows = self.height - len(header.plain.splitlines() or [""])
        frame = self.chart(rows, cache)
        body = Text.from_ansi(frame.text, no_wrap=True, end="") if frame.text else Text("")
        if not self.entries:
            body.stylize("dim")
        text = Text("\n", no_wrap=True, end="").join([header, body])
        strips = [
            Strip(line.render(console, end=""), line.cell_len).adjust_cell_length(self.width)
            for line in text.split("\n", allow_blank=True)[: self.height]
        ]
        return strips, frame


class ChartCard(Widget, can_focus=True):
    """One tag's chart: title, legend, plotext lines.

    Drawing is lazy and off the UI thread: when Textual asks for the card's lines (only cards in
    view are asked), a card whose inputs changed sends a :class:`CardJob` to the render thread
    and shows its previous frame (or "drawing…") until :class:`Drawn` brings the new one. A
    frame is keyed by its inputs (tag, visible runs and their data versions, options, size,
    cursor), so a focus change or a scroll never draws again, and a result whose key is no
    longer wanted (the state moved on meanwhile) is dropped.

    The cursor: ``cursor`` is an x (step or seconds) or None for "the newest point", which
    follows new data; ``hover`` is the x under the mouse while it is over the card.
    """

    BINDINGS = [Binding("enter", "zoom", "Zoom")]
    zoomed = False

    def __init__(self, state: ViewState, tag: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.tag = tag
        self.cursor: float | None = None  # a zoomed card's cursor; None: the newest point
        self.hover: float | None = None  # the x under the mouse
        self.frame = plot.Frame("")  # the last chart drawn (maps mouse columns to x)
        self._key: tuple | None = None  # the inputs of the frame shown
        self._wanted: tuple | None = None  # the inputs of the frame last asked for
        self._strips: list[Strip] = []
        self._styled: tuple = (None, 0, [])  # (rich style, width, strips in that style)
        self._line_style: Style | None = None  # (see render_lines)
        self._current: tuple = (None, None)  # (generation, size, cursor), key: current_key()
        self.border_title = Text(safe_text(tag))

    # the cursor ------------------------------------------------------------------------------
    def _focused_xs(self) -> np.ndarray:
        entries = chart_entries(self.state, self.tag)
        if not entries:
            return np.empty(0)
        _, series, _ = entries[focused_entry(entries, self.state.selected)]
        xs, _ = readout.sorted_x(series.steps, series.wall_times, self.state.options.x_mode)
        return xs

    def cursor_x(self) -> float | None:
        """Where the cursor is drawn: under the mouse, else (zoomed) at the cursor or the newest
        point of the focused run; None for no cursor."""
        if self.hover is not None:
            return self.hover
        if not self.zoomed:
            return None
        if self.cursor is not None:
            return self.cursor
        xs = self._focused_xs()
        return float(xs[-1]) if len(xs) else None

    def action_cursor(self, delta: int) -> None:
        xs = self._focused_xs()
        if not len(xs):
            return
        x = self.cursor_x()
        target = readout.move(xs, x if x is not None else float(xs[-1]), delta)
        self.hover = None
        self.cursor = None if target >= xs[-1] else target  # at the newest: follow new data
        self.request()

    def action_cursor_end(self, last: int) -> None:
        xs = self._focused_xs()
        if len(xs):
            self.hover = None
            self.cursor = None if last else float(xs[0])
            self.request()

    def action_focus_run(self, delta: int) -> None:
        entries = chart_entries(self.state, self.tag)
        if entries:
            i = focused_entry(entries, self.state.selected)
            self.state.selected = entries[(i + delta) % len(entries)][0]
            self.state.generation += 1
            if self.cursor is not None:  # keep the cursor on a point of the run now focused
                xs = self._focused_xs()
                self.cursor = readout.move(xs, self.cursor, 0) if len(xs) else None
            self.request()

    def on_mouse_move(self, event: events.MouseMove) -> None:
        offset = event.get_content_offset(self)
        x = self.frame.x_at(offset.x) if offset is not None else None
        if x is not None:
            xs = self._focused_xs()
            x = readout.move(xs, x, 0) if len(xs) else None
        if x != self.hover:
            self.hover = x
            self.request()

    def on_leave(self, event: events.Leave) -> None:
        if self.hover is not None:
            self.hover = None
            self.request()

    # drawing -----------------------------------------------------------------------------------
    def current_key(self) -> tuple:
        """What the card would draw now; O(visible runs) once per state generation and size."""
        width, height = self.content_size.width, self.content_size.height
        mark = (self.state.generation, width, height, self.cursor, self.hover)
        if self._current[0] == mark:
            return self._current[1]
        entries = chart_entries(self.state, self.tag)
        versions = tuple((name, s.version, len(s), rgb) for name, s, rgb in entries)
        focused = entries[focused_entry(entries, self.state.selected)][0] if entries else None
        new = (
            versions,
            self.state.options,
            width,
            height,
            settings_of(self.app).color,
            focused,
            self.cursor_x(),
        )
        self._current = (mark, new)
        return new

    @property
    def drawn(self) -> bool:
        """A frame (maybe an older one) is shown."""
        return self._key is not None

    @property
    def up_to_date(self) -> bool:
        """The frame shown is the one the state asks for now."""
        return self._key is not None and self._key == self.current_key()

    def header_lines(self, height: int) -> int:
        """Lines for the legend: every run in a zoomed card (up to half its height); a grid
        card gives its legend up to a quarter of its height."""
        if self.zoomed:
            return max(1, height // 2)
        return max(1, min(4, height // 4))

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
        color, ascii = settings.color, settings.ascii
        job = CardJob(
            self.tag,
            entries,
            self.state.options,
            width,
            height,
            color,
            self.header_lines(height),
            tuple(self.state.symbol(name, color, ascii) for name, _, _ in entries),
            None if color else tuple(self.state.markers.get(n, "?") for n, _, _ in entries),
            ascii,
            key[5],
            key[6],
        )
        console = self.app.console

        def deliver(result) -> None:
            if isinstance(result, Exception):
                self.post_message(ChartDrawn(key, result))
            else:
                strips, frame = result
                self.post_message(ChartDrawn(key, strips, frame))

        place = (self.region.y, self.region.x)  # top left first: the first charts one sees
        # (asked for while the screen is painted: the thread starts once every card in view
        # has asked, with the top left one)
        RENDERER.submit(self, lambda: job.draw(console), deliver, place, wake=False)
        self.app.call_later(RENDERER.wake)

    def on_chart_drawn(self, message: ChartDrawn) -> None:
        message.stop()
        if message.key != self._wanted:  # stale: a newer frame is on its way
            return
        if isinstance(message.strips, Exception):
            error = Text(f" (chart failed: {message.strips!r})", style="red")
            message.strips = [Strip(error.render(self.app.console))]
        if isinstance(message.frame, plot.Frame):
            self.frame = message.frame  # the header above it does not shift its columns
        self._key, self._strips = message.key, message.strips
        self._styled = (None, 0, [])
        self.refresh()

    def render_lines(self, crop: Region) -> list[Strip]:
        self.request()  # only cards on screen get here: the others are not drawn at all
        # the card's style, worked out once for all its lines (Textual walks the ancestors'
        # styles for it: a fifth of a card's repaint when asked for line by line)
        self._line_style = self.rich_style
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        style = self._line_style if self._line_style is not None else self.rich_style
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


class ZoomedCard(ChartCard):
    """A card on a screen of its own: a cursor on the focused run's logged points, and every
    run's values at it."""

    BINDINGS = [
        Binding("enter", "app.pop_screen", "Back", show=False),  # not "zoom" again
        Binding("h,left", "cursor(-1)", "Prev/next step", key_display="h/l"),
        Binding("l,right", "cursor(1)", "Next step", show=False),
        Binding("H,shift+left", "cursor(-10)", "By 10", key_display="H/L"),
        Binding("L,shift+right", "cursor(10)", "By 10", show=False),
        Binding("home", "cursor_end(0)", "First", show=False),
        Binding("end", "cursor_end(1)", "Newest", show=False),
        Binding("j,down", "focus_run(1)", "Next run", key_display="j/k"),
        Binding("k,up", "focus_run(-1)", "Previous run", show=False),
    ]
    zoomed = True
