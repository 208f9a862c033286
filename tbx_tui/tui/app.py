"""The ``tbx-top`` app and :func:`create_app`, the one factory used by the CLI and the tests."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import threading
import time
from collections.abc import Callable, Iterable

from textual import on, work
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Input, Static

from tbx_tui.read.runnames import quick_run_names
from tbx_tui.term import termcaps, termgraphics
from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui import collector
from tbx_tui.tui.asciifilter import AsciiFilter
from tbx_tui.tui.filterbox import apply_tag_filter
from tbx_tui.tui.keys import APP_KEYS, SCALAR_ACTIONS, KeyFooter, app_bindings
from tbx_tui.tui.messages import (
    DataChanged,
    LoadFailed,
    LogdirWarning,
    RunsToggled,
    ViewShown,
    ZoomRequested,
)
from tbx_tui.tui.settings import AppSettings
from tbx_tui.tui.sidebar import RunTree, Sidebar
from tbx_tui.tui.state import SMOOTHING_STEP, ViewState
from tbx_tui.tui.status import StatusBar
from tbx_tui.tui.textual_compat import line_filters, terminal_input_events
from tbx_tui.tui.viewarea import ViewArea, ViewTabs, pane_id
from tbx_tui.tui.views.registry import VIEWS, SyncedView, View

MIN_WIDTH, MIN_HEIGHT = 50, 14
#: Seconds the views other than the first tab wait for the first charts (drawn and painted)
#: before they load: mounting a view holds the UI thread, which paints the charts.
FIRST_CHARTS_WAIT = 2.0
#: Below this many columns the tabs show short titles.
SHORT_TABS_BELOW = 100


class MainScreen(Screen[None]):
    """The default screen; it tells the app when the terminal was resized."""

    #: Textual repaints the whole screen when focus moves; the widgets that lose and gain it
    #: repaint themselves (their :focus styles), which is all a focus change shows here.
    focused: Reactive[Widget | None] = Reactive(None, repaint=False)

    def on_resize(self) -> None:
        if isinstance(self.app, TbxTop):
            self.app.check_size()


class TbxTop(App[int]):
    CSS_PATH = "app.tcss"
    TITLE = "tbx-top"
    BINDINGS = app_bindings()

    def __init__(
        self,
        logdir: str,
        *,
        poll: float | None = None,
        tag_filter: re.Pattern[str] | None = None,
        run_filter: re.Pattern[str] | None = None,
        clock: Callable[[], float] = time.time,
        settings: AppSettings,
        typed_ahead: str = "",
    ) -> None:
        super().__init__()
        self.logdir = logdir
        self.poll = poll
        #: decided once, by create_app; the widgets read it (see tbx_tui.tui.settings)
        self.settings = settings
        if settings.ascii:  # a last filter turns anything else drawn (data, Textual's) to ASCII
            line_filters(self).append(AsciiFilter())
        self.state = ViewState(clock=clock, tag_re=tag_filter, run_re=run_filter)
        self._stop = threading.Event()
        #: The views are mounted (their modules load on a worker after the first frame).
        self.views_ready = False
        self._data_seen = False
        self._charts_painted = threading.Event()  # the first charts in view are on screen
        self._chosen_view: str | None = None  # the pane a view key (1-7) showed last
        self._paint_asked = False
        self._short_tabs = False
        self._view_area: ViewArea | None = None  # (made in compose)
        self._collector_thresholds: tuple[int, int, int] | None = None  # (see _start_workers)
        #: Keys typed before the app started that the launcher's terminal queries read.
        self._typed_ahead = typed_ahead

    # layout --------------------------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield StatusBar(self.state, id="status")
        with Horizontal(id="main"):
            yield Sidebar(self.state, id="sidebar")
            # the views are mounted in it once their modules load
            self._view_area = ViewArea(VIEWS, id="views")
            yield self._view_area
        yield Static(id="too-small")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.set_class(self.settings.ascii, "-ascii")
        self.set_interval(1.0, self._tick)
        tree = self.query_one(RunTree)
        tree.preview(quick_run_names(self.logdir))  # (the reader has not loaded yet)
        tree.focus()
        for event in terminal_input_events(self._typed_ahead):  # as if typed now, in order
            self.post_message(event)
        self.check_size()
        self._exit_on_sigterm()
        # paint first: the reader and the views (numpy, protobuf, plotext, PIL) load on workers
        # once the first frame is on screen
        self.call_after_refresh(self._start_workers)

    def _exit_on_sigterm(self) -> None:
        """SIGTERM ends the app as ``q`` does (the terminal is restored; what runs after the app,
        the demo removing its folder, still runs). SIGHUP is the launcher's: see
        :func:`tbx_tui.tui.launch.end_on_signals`."""
        try:
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, self.exit)
        except (RuntimeError, ValueError, NotImplementedError, AttributeError):
            pass  # not the main thread, or no such signal here (Windows)

    def _start_workers(self) -> None:
        """The first frame is painted: the garbage collector runs again (see
        :mod:`tbx_tui.tui.collector`), then the views load, and the reading starts with them."""
        self._collector_thresholds = collector.start()
        self._import_views()

    def on_unmount(self) -> None:
        self._stop.set()
        if self._collector_thresholds is not None:
            collector.stop(self._collector_thresholds)

    @work(thread=True, exclusive=True, group="loader")
    def _load(self) -> None:
        from tbx_tui.tui.loader import load_loop

        load_loop(self.post_message, self.logdir, self.poll, self._stop, self._first_charts_shown)

    def _first_charts_shown(self) -> bool:
        """From the loader thread: whether the first charts are drawn (True once quitting)."""
        try:
            return self._stop.is_set() or bool(self.call_from_thread(self._first_charts_done))
        except RuntimeError:  # the app is no longer running
            return True

    @work(thread=True, exclusive=True, group="views")
    def _import_views(self) -> None:
        """Import each view's module here and mount the view from the UI thread, the first tab
        (scalars) first: its charts show while the other views still load."""
        first, *others = VIEWS
        try:
            factory = first.load()
        finally:
            # the reader starts once the first view's module is in (both imports would share
            # one interpreter lock): the view is then laid out while the first read goes on,
            # and makes its cards as soon as the data comes (not a refresh later, at its size)
            self.call_from_thread(self._load)
        # (call_from_thread awaits a coroutine; its typing cannot say so: hence the ignores)
        self.call_from_thread(self._mount_view, first, factory)  # type: ignore[arg-type]
        # the other views wait (at most FIRST_CHARTS_WAIT) for the first charts: their imports
        # (Markdown, PIL, ...) would compete with the reader and the chart drawing
        deadline = time.monotonic() + FIRST_CHARTS_WAIT
        while time.monotonic() < deadline and not self._stop.is_set():
            if self.call_from_thread(self._first_charts_done):
                break
            time.sleep(0.02)
        for view in others:
            self.call_from_thread(self._mount_view, view, view.load())  # type: ignore[arg-type]
        from tbx_tui.tui import zoom  # noqa: F401  (ready for the first zoom)

        self.call_from_thread(self._views_mounted)

    def _first_charts_done(self) -> bool:
        """The charts in view are on screen (drawn, then painted), or there is none to draw
        (data read, no scalars; another tab shown)."""
        if self._data_seen and not self.state.scalar_tags():
            return True
        main = self.screen_stack[0]
        area = main.query_one("#views", ViewArea)
        if self.screen is not main or area.active != pane_id(VIEWS[0]):
            return True
        cards = [c for c in main.query("ChartCard") if main.can_view_partial(c)]
        if not cards or not all(getattr(c, "drawn", True) for c in cards):
            return False
        if not self._charts_painted.is_set() and not self._paint_asked:
            self._paint_asked = True  # drawn: once the screen is repainted, they are shown
            self.call_after_refresh(self._charts_painted.set)
        return self._charts_painted.is_set()

    async def _mount_view(self, view: View, factory: Callable[[ViewState], Widget]) -> None:
        """Put the view in its pane (the tab stops saying "loading…"), then give it the data if
        any."""
        area = self.screen_stack[0].query_one("#views", ViewArea)  # help may be open
        pane = await area.add_view(view, factory(self.state).add_class("view"))
        self.screen_stack[0].refresh_bindings()  # the footer's keys follow the view shown
        if self._data_seen:
            self.sync()
        if self._chosen_view == pane.id and self.screen is self.screen_stack[0]:
            if area.active == pane.id:  # chosen with its key before it was there: keys go to it
                self.call_after_refresh(self._focus_active_view)

    def _views_mounted(self) -> None:
        self.views_ready = True
        if self._data_seen:
            self._set_loaded()

    async def _open_early_filter(self) -> None:
        """``/`` before the view shown is there: a box in its place is the tag filter until enter
        or esc (it filters as it is typed in, like the view's own box; moving the keyboard to
        that box once the view came would lose the keys typed meanwhile)."""
        main = self.screen_stack[0]
        early = main.query("#early-tag-filter")
        if early:
            main.set_focus(early.first())
            return
        area = main.query_one("#views", ViewArea)
        box = Input(placeholder="tag regex", id="early-tag-filter")
        # awaited: the keys typed right after `/` are handled once the box has the focus
        await area.mount(box, after=area.query_one(ViewTabs))
        main.set_focus(box)  # at once (``focus()`` waits a turn of the loop)

    @on(Input.Changed, "#early-tag-filter")
    def _early_filter_changed(self, event: Input.Changed) -> None:
        event.stop()
        if apply_tag_filter(self.state, event):
            self.sync()

    @on(Input.Submitted, "#early-tag-filter")
    def _early_filter_done(self, event: Input.Submitted) -> None:
        event.stop()
        self._close_early_filter(clear=False)

    def _close_early_filter(self, clear: bool) -> None:
        """The early box goes; the views' own boxes show the pattern (``clear``: drop it)."""
        self.screen_stack[0].query("#early-tag-filter").remove()
        if clear:
            self.state.tag_re = None
        self.call_after_refresh(self.sync)  # (once the box is gone: the views' boxes mirror it)
        self.call_after_refresh(self._focus_view_or_runs)

    def _focus_view_or_runs(self) -> None:
        if (view := self._main_view()) is None:
            self.query_one(RunTree).focus()
        else:
            view.close_filter(clear=False)  # as enter in its own box: the view gets the keys

    # data ----------------------------------------------------------------------------------
    @on(DataChanged)
    def _data_changed(self, message: DataChanged) -> None:
        if self._shutting_down():
            return
        self.state.update(message.runs)
        self.state.watch_mode = message.mode
        self.state.progress = message.progress
        self._data_seen = True
        if not self.state.loaded and self.views_ready:
            self._set_loaded()
        else:
            self.sync()

    def _set_loaded(self) -> None:
        """Data read and views mounted: the app shows everything from now on."""
        self.state.loaded = True
        self.sync()
        collector.keep_long_lived()  # the data read, the views

    @on(LogdirWarning)
    def _logdir_warning(self, message: LogdirWarning) -> None:
        if self._shutting_down():
            return
        self.notify(safe_text(message.text), severity="warning", timeout=15, markup=False)

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        if self._shutting_down():
            return
        text = f"reading failed (retrying): {safe_text(message.error)}"
        # after a refresh: an error in the very first read may come before the screen can show it
        self.call_after_refresh(self.notify, text, severity="error", timeout=30, markup=False)

    def _shutting_down(self) -> bool:
        """Whether the app is going away: messages still queued (the loader posts from its own
        thread) then find widgets gone, and are ignored."""
        return self._stop.is_set() or not self.is_running or not self.screen_stack

    def sync(self) -> None:
        """Bring every widget in line with the state."""
        self.state.generation += 1
        main = self.screen_stack[0]  # the active screen may be help or a zoomed chart
        main.query_one(Sidebar).sync()
        for view in main.query(".view"):
            if view.is_mounted and isinstance(view, SyncedView):  # one still composing: later
                view.sync()
        main.query_one(StatusBar).sync()
        screen = self.screen
        if screen is not self.screen_stack[0] and hasattr(screen, "sync"):
            screen.sync()  # the zoomed chart

    def _tick(self) -> None:
        """Once a second: the 'N ago' labels."""
        if self.state.loaded:
            for tree in self.query(RunTree):  # none while the app shuts down
                tree.relabel()

    @on(RunsToggled)
    def _runs_toggled(self) -> None:
        self.sync()

    @on(RunTree.NodeHighlighted, "#run-tree")
    def _run_highlighted(self, event: RunTree.NodeHighlighted) -> None:
        """The run under the sidebar's cursor is the one the Console view shows."""
        if event.node.data in self.state.runs:
            self.state.selected = event.node.data
            for view in self.screen_stack[0].query("ConsoleView"):  # (mounted after the 1st frame)
                if isinstance(view, SyncedView):
                    view.sync()

    @on(ViewShown)
    def _view_shown(self) -> None:
        """A view shown again catches up with filters changed in another one meanwhile."""
        if self.screen_stack:  # the footer shows this view's keys
            self.screen_stack[0].refresh_bindings()
        if self.state.loaded:
            self.sync()

    @on(ZoomRequested)
    def _zoom(self, message: ZoomRequested) -> None:
        from tbx_tui.tui.zoom import ZoomScreen

        self.push_screen(ZoomScreen(self.state, message.tag))

    # size ----------------------------------------------------------------------------------
    def get_default_screen(self) -> Screen:
        return MainScreen()

    def check_size(self) -> None:
        w, h = self.size
        self._fit_tabs(w)
        small = w < MIN_WIDTH or h < MIN_HEIGHT
        self.screen_stack[0].set_class(small, "-too-small")
        if small:
            self.query_one("#too-small", Static).update(
                f"Terminal too small: {w}x{h}\nneeds at least {MIN_WIDTH}x{MIN_HEIGHT}\n\n"
                "enlarge it, or press q to quit"
            )

    def _fit_tabs(self, width: int) -> None:
        """Short tab titles on a narrow terminal (80 columns: Scal Hist Img Text HP PR)."""
        short = width < SHORT_TABS_BELOW
        if short == self._short_tabs:
            return
        self._short_tabs = short
        self.screen_stack[0].query_one("#views", ViewArea).set_short_titles(short)

    # actions -------------------------------------------------------------------------------
    def _main_view(self):
        """The view in the tab shown; None until it is mounted, its own widgets with it (or while
        the app is going).
        Asked for every scalar key each time the footer's keys are checked: it looks at the
        tabs' children only, never searches the screen."""
        area = self._view_area
        if area is None or not area.is_attached:
            return None
        pane = area.active_pane
        if pane is None:
            return None
        view = next((child for child in pane.children if child.has_class("view")), None)
        return view if view is not None and view.is_mounted else None

    def action_help(self) -> None:
        from tbx_tui.tui.help import HelpScreen  # (loaded on first use: not needed to paint)

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    async def action_filter(self) -> None:
        """``/``: the tag filter of the view shown, wherever the focus is (``r`` is for runs)."""
        if self.screen is self.screen_stack[0] and (view := self._main_view()) is not None:
            view.open_filter()
        elif not self.views_ready:
            await self._open_early_filter()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Chart keys (x, y, o, [ ]) only where scalar charts are shown (not in the footer
        of other views)."""
        if action in SCALAR_ACTIONS and self.screen is self.screen_stack[0]:
            return type(self._main_view()).__name__ == "ScalarsView"  # (not imported here)
        if action in ("filter", "filter_runs"):  # the filter boxes are on the main screen;
            # in a box, / and r are characters of the pattern (see tbx_tui.tui.keys.app_bindings)
            return self.screen is self.screen_stack[0] and not isinstance(self.focused, Input)
        return True

    async def action_filter_runs(self) -> None:
        if self.screen is self.screen_stack[0]:
            await self.query_one(Sidebar).open_filter()

    def action_smoothing(self, direction: int) -> None:
        self.state.change_smoothing(direction * SMOOTHING_STEP)
        self.sync()

    def action_cycle_x(self) -> None:
        self.state.cycle_x()
        self.sync()

    def action_toggle_log(self) -> None:
        self.state.set_options(log_y=not self.state.options.log_y)
        self.sync()

    def action_toggle_outliers(self) -> None:
        self.state.set_options(ignore_outliers=not self.state.options.ignore_outliers)
        self.sync()

    def action_show_all_runs(self) -> None:
        self.state.hidden.clear()
        self.sync()

    def action_show_view(self, index: int) -> None:
        """Switch the main area to view ``index`` of VIEWS and give it the keyboard."""
        if self.screen is not self.screen_stack[0] or not 0 <= index < len(VIEWS):
            return
        area = self.query_one("#views", ViewArea)
        target = pane_id(VIEWS[index])
        if area.active != target and self.focused is not None and area in self.focused.ancestors:
            self.screen.set_focus(None)  # the keyboard never stays in a hidden pane
        area.active = target
        self._chosen_view = target  # (not mounted yet: it gets the keyboard once it is)
        self.call_after_refresh(self._focus_active_view)

    def _focus_active_view(self) -> None:
        view = self._main_view()
        if view is None:
            return
        # the focus chain holds only widgets on screen: a hidden filter box must never get the
        # keyboard (keys typed into it would be invisible, q included)
        chain = self.screen.focus_chain
        for widget in chain:
            if view in widget.ancestors_with_self:
                widget.focus()
                return
        if self.focused is not None and self.focused not in chain:
            self.screen.set_focus(None)  # nothing to focus in the view: keep keys app-wide

    def action_toggle_sidebar(self) -> None:
        sidebar = self.query_one(Sidebar)
        sidebar.display = not sidebar.display

    def key_escape(self) -> None:
        """Back out of a filter: clear it and give focus back. From its box, or from where the
        filter shows (the sidebar for runs, the view for tags) once it was entered with enter."""
        if self.screen is not self.screen_stack[0]:
            return
        focused = self.focused
        box = focused.id if focused is not None else None
        sidebar = self.query_one(Sidebar)
        in_sidebar = focused is not None and sidebar in focused.ancestors_with_self
        if box == "early-tag-filter":
            self._close_early_filter(clear=True)
        elif box == "run-filter" or (in_sidebar and self.state.run_re is not None):
            sidebar.close_filter(clear=True)
        elif box == "tag-filter" or (not in_sidebar and self.state.tag_re is not None):
            if (view := self._main_view()) is not None:
                view.close_filter(clear=True)

    def get_key_display(self, binding: Binding) -> str:
        """Keys as Textual shows them (enter as a symbol), in words in ASCII mode."""
        shown = super().get_key_display(binding)
        return termcaps.to_ascii_key(shown) if self.settings.ascii else shown

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for key in APP_KEYS:
            if key.palette and key.action not in ("quit", "help"):
                name, _, arg = key.action.partition("(")
                method = getattr(self, f"action_{name}")
                callback = (lambda m=method, a=arg: m(int(a.rstrip(")")))) if arg else method
                yield SystemCommand(key.description, f"key: {key.shown}", callback)
        yield SystemCommand("Keys", "key: ? or F1 — show every key", self.action_help)


def create_app(
    logdir: str | os.PathLike[str],
    *,
    poll: float | None = None,
    tag_filter: re.Pattern[str] | str | None = None,
    run_filter: re.Pattern[str] | str | None = None,
    clock: Callable[[], float] = time.time,
    display_name: str | None = None,
    images: str = "auto",
    ascii: bool = False,
    sixel_limit: tuple[int, int] | None = None,
    tmux_passthrough: bool | None = None,
    typed_ahead: str = "",
) -> TbxTop:
    """The app watching ``logdir``; ``clock`` gives "now" for "N ago" labels (tests freeze it);
    ``ascii`` draws ASCII only (see :func:`tbx_tui.term.termcaps.ascii_only`); ``sixel_limit``
    is the largest sixel image the terminal draws; ``typed_ahead`` is what the user typed before
    the app started (see :func:`tbx_tui.term.termgraphics.take_typed_ahead`). What the app
    decides once goes into its :class:`~tbx_tui.tui.settings.AppSettings`."""
    settings = AppSettings(
        ascii=ascii,
        images="ascii" if ascii and images == "auto" else images,
        sixel_limit=sixel_limit,
        tmux=termgraphics.detect().tmux,
        tmux_passthrough=tmux_passthrough,
        # Textual's own rule (it takes NO_COLOR out of the environment when the app starts)
        color="NO_COLOR" not in os.environ,
        display_name=display_name if display_name is not None else os.fspath(logdir),
    )
    if isinstance(tag_filter, str):
        tag_filter = re.compile(tag_filter)
    if isinstance(run_filter, str):
        run_filter = re.compile(run_filter)
    return TbxTop(
        os.fspath(logdir),
        poll=poll,
        tag_filter=tag_filter,
        run_filter=run_filter,
        clock=clock,
        settings=settings,
        typed_ahead=typed_ahead,
    )
