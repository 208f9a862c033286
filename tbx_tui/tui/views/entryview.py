"""The shape shared by the histogram, image, text and PR curve views: a list of entries (one per
tag and run), one shown at a time, ``j``/``k`` to move between them, ``/`` to filter tags.

A subclass names its ``KIND`` (a key of ``RunView.kinds``), composes its body and redraws it in
``show()``. The app calls ``sync()`` after new data or option changes.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static

from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui.filterbox import (
    apply_tag_filter,
    close_tag_filter,
    mirror_tag_filter,
    open_tag_filter,
)
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.state import ViewState


class EntryView(Vertical, can_focus=True):
    """Entries ``(tag, run)`` of one kind over the visible runs, tags sorted, runs in order."""

    KIND = ""
    NOUN = "entries"

    BINDINGS = [
        Binding("j,down", "entry(1)", "Next", show=False),
        Binding("k,up", "entry(-1)", "Previous", show=False),
        Binding("g,home", "entry_at(0)", "First", show=False),
        Binding("G,end", "entry_at(-1)", "Last", show=False),
    ]

    DEFAULT_CSS = """
    EntryView { height: 1fr; }
    EntryView > .entry-header { height: 1; padding: 0 1; background: $boost; }
    EntryView > Input { display: none; }
    EntryView:focus > .entry-header { background: $primary 40%; }
    """

    def __init__(self, state: ViewState, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.entries: list[tuple[str, str]] = []
        self.index = 0

    # -- composition --------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        initial = self.state.tag_re.pattern if self.state.tag_re is not None else ""
        yield Input(value=initial, placeholder="tag regex", id="tag-filter")
        yield Static("", classes="entry-header")
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:  # pragma: no cover - subclasses
        yield from ()

    def on_mount(self) -> None:
        self._ready = True
        self.sync()

    # -- data ---------------------------------------------------------------------------------
    def collect(self) -> list[tuple[str, str]]:
        tags: dict[str, list[str]] = {}
        for name in self.state.visible_runs():
            for tag, points in self.state.runs[name].kinds.get(self.KIND, {}).items():
                if points and (self.state.tag_re is None or self.state.tag_re.search(tag)):
                    tags.setdefault(tag, []).append(name)
        return [(tag, run) for tag in sorted(tags) for run in tags[tag]]

    @property
    def current(self) -> tuple[str, str] | None:
        return self.entries[self.index] if self.entries else None

    def run_color(self, default: tuple[int, int, int]) -> tuple[int, int, int]:
        """The colour of the current entry's run (``default`` when there is none)."""
        cur = self.current
        return self.state.colors.get(cur[1], default) if cur else default

    def points(self) -> list:
        cur = self.current
        if cur is None:
            return []
        tag, run = cur
        view = self.state.runs.get(run)
        return list(view.kinds.get(self.KIND, {}).get(tag, [])) if view else []

    def sync(self) -> None:
        if not getattr(self, "_ready", False):
            return
        mirror_tag_filter(self.query_one("#tag-filter", Input), self.state)
        before = self.current
        self.entries = self.collect()
        if before in self.entries:
            self.index = self.entries.index(before)
        else:
            self.index = min(self.index, max(0, len(self.entries) - 1))
        self._update_header()
        self.show()

    def show(self) -> None:  # pragma: no cover - subclasses
        """Redraw the body for the current entry."""

    def header_extra(self) -> str:
        return ""

    def _update_header(self) -> None:
        header = self.query_one(".entry-header", Static)
        cur = self.current
        if cur is None:
            if not self.state.runs:
                msg = "no runs yet"
            elif self.state.tag_re is not None:
                msg = f"no {self.NOUN} match the filter"
            else:
                msg = f"no {self.NOUN} in the visible runs"
            header.update(Text(msg, style="dim"))
            return
        tag, run = cur
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{self.index + 1}/{len(self.entries)} ", style="dim")
        text.append(safe_text(tag), style="bold")
        rgb = self.state.colors.get(run, (200, 200, 200))
        settings = settings_of(self.app)
        symbol = self.state.symbol(run, settings.color, settings.ascii)
        text.append(f"  {symbol} ", style="#{:02x}{:02x}{:02x}".format(*rgb))
        text.append(safe_text(run))
        extra = self.header_extra()
        if extra:
            text.append("  " + extra, style="dim")
        header.update(text)

    def refresh_header(self) -> None:
        self._update_header()

    # -- actions ------------------------------------------------------------------------------
    def action_entry(self, delta: int) -> None:
        if self.entries:
            self.index = (self.index + delta) % len(self.entries)
            self.on_entry_changed()
            self._update_header()
            self.show()

    def action_entry_at(self, i: int) -> None:
        if self.entries:
            self.index = i % len(self.entries)
            self.on_entry_changed()
            self._update_header()
            self.show()

    def on_entry_changed(self) -> None:
        """Hook: the selected entry changed (reset a step cursor, say)."""

    # -- filter (the app's ``/``) ---------------------------------------------------------------
    def open_filter(self) -> None:
        open_tag_filter(self)

    def close_filter(self, clear: bool) -> None:
        if close_tag_filter(self, self.state, clear):
            self.sync()
        self.focus()

    @on(Input.Changed, "#tag-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        if apply_tag_filter(self.state, event):
            self.sync()

    @on(Input.Submitted, "#tag-filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus()


class SteppedView(EntryView):
    """An entry view showing one step of the selected entry at a time (images, PR curves).

    ``step_index`` is the shown step's position among the entry's points; -1 follows the newest
    step as new ones arrive."""

    def __init__(self, state, **kwargs) -> None:
        super().__init__(state, **kwargs)
        self.step_index = -1

    def on_entry_changed(self) -> None:
        self.step_index = -1

    def shown_index(self) -> int:
        """Position of the shown step among the points (-1 when there are none)."""
        n = len(self.points())
        return self.step_index if 0 <= self.step_index < n else n - 1

    def current_point(self):
        points = self.points()
        return points[self.shown_index()] if points else None

    def action_step(self, delta: int) -> None:
        n = len(self.points())
        if n:
            self._show_step(max(0, min(n - 1, self.shown_index() + delta)))

    def action_step_at(self, i: int) -> None:
        if self.points():
            self._show_step(i)

    def _show_step(self, i: int) -> None:
        last = len(self.points()) - 1
        self.step_index = -1 if i < 0 or i >= last else i
        self.refresh_header()
        self.show()
