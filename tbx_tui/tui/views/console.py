"""The console view: what a run's job printed (kept by ``tbx-log`` as ``console/...`` text),
newest at the bottom, following new lines unless scrolled back, searchable with ``/``.

Lines come from data: control characters are shown as escapes and Textual's :class:`Log` draws
them as plain text (no markup). stdout and stderr batches are put back in print order by their
step (the number of their first line).
"""

from __future__ import annotations

import re

from rich.highlighter import Highlighter
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Log, Static

from tbx_tui.capture.console import CONSOLE_PREFIX
from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui.messages import ConsoleMoved
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.state import ViewState, compile_filter

#: Lines kept in the widget (the newest); older ones are counted in the header.
MAX_LINES = 20_000
#: Streams in the order their batches sort at equal steps.
_STREAM_ORDER = {"tbx-log": 0, "stdout": 1, "stderr": 2}


class ConsoleText:
    """A run's console lines (from its ``texts`` kind: tag -> points), in print order, safe to
    draw; :meth:`update` reads only the batches that arrived since the last call when they all
    come after the ones read (the usual case: a job printing on), else everything again and
    bumps :attr:`generation`."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.generation = 0
        self._seen: dict[str, int] = {}  # console tag -> points read
        self._first: dict[str, tuple] = {}  # console tag -> its first point's (step, wall)
        self._last: tuple = ()  # sort key of the newest batch read

    def update(self, texts: dict[str, list]) -> None:
        tags = {t: p for t, p in texts.items() if t.startswith(CONSOLE_PREFIX)}
        new = self._batches(tags)
        first = {t: (p[0].step, p[0].wall_time) for t, p in tags.items() if p}
        reread = any(first.get(t) != f for t, f in self._first.items())  # gone or replaced
        reread = reread or any(len(p) < self._seen.get(t, 0) for t, p in tags.items())
        if reread or (new and self._last and min(b[:3] for b in new) < self._last):
            self.lines, self._seen, self._last = [], {}, ()  # read it all again
            self.generation += 1
            new = self._batches(tags)
        new.sort(key=lambda b: b[:3])
        for *_, body in new:
            self.lines.extend(safe_text(line.expandtabs()) for line in body.split("\n"))
        if new:
            self._last = new[-1][:3]
        self._seen = {t: len(p) for t, p in tags.items()}
        self._first = first

    def _batches(self, tags: dict[str, list]) -> list[tuple]:
        out = []
        for tag, points in tags.items():
            order = _STREAM_ORDER.get(tag[len(CONSOLE_PREFIX) :], 3)
            for p in points[self._seen.get(tag, 0) :]:
                body = p.data if isinstance(p.data, str) else str(p.data)
                out.append((p.step, p.wall_time, order, body))
        return out


def has_console(texts: dict[str, list]) -> bool:
    return any(tag.startswith(CONSOLE_PREFIX) and pts for tag, pts in texts.items())


class MatchHighlighter(Highlighter):
    """Marks the search's matches in each drawn line."""

    def __init__(self) -> None:
        self.pattern: re.Pattern[str] | None = None

    def highlight(self, text: Text) -> None:
        if self.pattern is None:
            return
        for m in self.pattern.finditer(text.plain):
            if m.end() > m.start():
                text.stylize("reverse bold", m.start(), m.end())


class ConsoleLog(Log):
    """Textual's Log, telling its view when it scrolled (by key, wheel or new lines)."""

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        self.post_message(ConsoleMoved())


class ConsoleView(Vertical):
    """One run's console at a time: the run under the sidebar's cursor when it has one;
    ``h``/``l`` switch between the runs that have one."""

    BINDINGS = [
        Binding("l,right", "run(1)", "Next run", show=False),
        Binding("h,left", "run(-1)", "Previous run", show=False),
        Binding("j", "scroll(1)", "Down", show=False),
        Binding("k", "scroll(-1)", "Up", show=False),
        Binding("g,home", "top", "Top", show=False),
        Binding("G,end", "follow", "Follow", show=False),
    ]

    DEFAULT_CSS = """
    ConsoleView { height: 1fr; }
    ConsoleView > .entry-header { height: 1; padding: 0 1; background: $boost; }
    ConsoleView > Input { display: none; }
    ConsoleView > Log { height: 1fr; padding: 0 1; }
    ConsoleView > Log:focus { background-tint: $primary 5%; }
    """

    def __init__(self, state: ViewState, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.runs: list[str] = []
        self.index = 0
        self.search: re.Pattern[str] | None = None
        self.lines: list[str] = []  # the selected run's lines (all of them)
        self._texts: dict[str, ConsoleText] = {}  # per run, read incrementally
        self._shown: tuple | None = None  # (run, search pattern) the log was filled for
        self._written = 0  # lines of ``self.lines`` looked at for the log so far
        self._matches = 0
        self._version: tuple[str, int] | None = None
        self._highlighter = MatchHighlighter()
        self._selected: str | None = None  # the sidebar selection last followed

    def compose(self) -> ComposeResult:
        yield Input(placeholder="search the console (regex)", id="tag-filter")
        yield Static("", classes="entry-header")
        log = ConsoleLog(max_lines=MAX_LINES, auto_scroll=False, highlight=True, id="console-log")
        log.highlighter = self._highlighter
        yield log

    def on_mount(self) -> None:
        self._ready = True
        self.sync()

    @property
    def log_widget(self) -> ConsoleLog:
        return self.query_one("#console-log", ConsoleLog)

    @property
    def current(self) -> str | None:
        return self.runs[self.index] if self.runs else None

    # -- data -----------------------------------------------------------------------------------
    def sync(self) -> None:
        if not getattr(self, "_ready", False):
            return
        before = self.current
        self.runs = [
            name
            for name in self.state.visible_runs()
            if has_console(self.state.runs[name].kinds.get("texts", {}))
        ]
        selected = self.state.selected
        if selected != self._selected and selected in self.runs:
            self._selected = selected  # the sidebar's cursor moved onto a run with a console
            self.index = self.runs.index(selected)
        elif before in self.runs:
            self.index = self.runs.index(before)
        else:
            self.index = min(self.index, max(0, len(self.runs) - 1))
        self._fill()
        self._update_header()

    def _fill(self) -> None:
        """Bring the log up to date: append new lines, or refill after a change of run/search."""
        log = self.log_widget
        run = self.current
        if run is None:
            self.lines, self._version, self._shown = [], None, None
            log.clear()
            return
        view = self.state.runs[run]
        text = self._texts.setdefault(run, ConsoleText())
        if self._version != (run, view.version):
            self._version = (run, view.version)
            text.update(view.kinds.get("texts", {}))
            self.lines = text.lines
        pattern = self.search.pattern if self.search is not None else None
        key = (run, pattern, text.generation)
        if key != self._shown or self._written > len(self.lines):
            self._shown, self._written, self._matches = key, 0, 0
            log.clear()
            follow = True
        else:
            follow = log.is_vertical_scroll_end  # scrolled back: stay there
        new = self.lines[self._written :]
        self._written = len(self.lines)
        if self.search is not None:
            new = [line for line in new if self.search.search(line)]
            self._matches += len(new)
        if new:
            log.write_lines(new[-MAX_LINES:], scroll_end=follow)

    def _update_header(self) -> None:
        header = self.query_one(".entry-header", Static)
        run = self.current
        if run is None:
            msg = "no runs yet" if not self.state.runs else "no console in the visible runs"
            header.update(Text(msg + " (tbx-log keeps a job's console)", style="dim"))
            return
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(f"{self.index + 1}/{len(self.runs)} ", style="dim")
        rgb = self.state.colors.get(run, (200, 200, 200))
        settings = settings_of(self.app)
        symbol = self.state.symbol(run, settings.color, settings.ascii)
        text.append(f"{symbol} ", style="#{:02x}{:02x}{:02x}".format(*rgb))
        text.append(safe_text(run), style="bold")
        n = len(self.lines)
        text.append(f"  {n} line{'s' if n != 1 else ''}", style="dim")
        if self.search is not None:
            text.append(f"  /{safe_text(self.search.pattern)}: {self._matches} match", style="dim")
            text.append("" if self._matches == 1 else "es", style="dim")
        log = self.log_widget
        if log.is_vertical_scroll_end or log.max_scroll_y == 0:
            text.append("  following", style="dim")
        else:
            text.append("  scrolled back (G follows)", style="dim")
        header.update(text)

    # -- actions -------------------------------------------------------------------------------
    def action_run(self, delta: int) -> None:
        if self.runs:
            self.index = (self.index + delta) % len(self.runs)
            self._fill()
            self._update_header()

    def action_scroll(self, delta: int) -> None:
        log = self.log_widget
        log.scroll_to(y=log.scroll_y + delta, animate=False, immediate=True)
        self._update_header()

    def action_top(self) -> None:
        self.log_widget.scroll_home(animate=False, immediate=True)
        self._update_header()

    def action_follow(self) -> None:
        self.log_widget.scroll_end(animate=False, immediate=True)
        self._update_header()

    @on(ConsoleMoved)
    def _scrolled(self, event: ConsoleMoved) -> None:
        event.stop()
        self._update_header()

    # -- search (the app's ``/``) ---------------------------------------------------------------
    def open_filter(self) -> None:
        box = self.query_one("#tag-filter", Input)
        box.display = True
        box.screen.set_focus(box)  # at once: the keys typed right after `/` go to it

    def close_filter(self, clear: bool) -> None:
        box = self.query_one("#tag-filter", Input)
        if clear:
            box.value = ""
            self._set_search(None)
        box.display = bool(box.value)
        self.log_widget.focus()

    def _set_search(self, pattern: re.Pattern[str] | None) -> None:
        self.search = pattern
        self._highlighter.pattern = pattern
        self._fill()
        self._update_header()

    @on(Input.Changed, "#tag-filter")
    def _search_changed(self, event: Input.Changed) -> None:
        event.stop()
        try:
            pattern = compile_filter(event.value)
        except re.error:
            event.input.add_class("-invalid")
            return
        event.input.remove_class("-invalid")
        self._set_search(pattern)

    @on(Input.Submitted, "#tag-filter")
    def _search_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.log_widget.focus()
