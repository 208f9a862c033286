"""Every app-wide key in one table: the bindings, the help screen and the command palette use it."""

from __future__ import annotations

from dataclasses import dataclass

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.widgets import Footer

from tbx_tui.tui.textual_compat import footer_bindings_ready, start_footer_key


@dataclass(frozen=True)
class Key:
    keys: str  # Textual key names, comma separated
    shown: str  # how the help screen writes them
    action: str
    description: str
    footer: bool = True
    palette: bool = True  # offered in the command palette
    label: str = ""  # in the footer, where it must be short (default: the description)
    scalars_only: bool = False  # means something only where scalar charts are shown
    #: Handled before the focused widget sees the key (see :func:`app_bindings`).
    priority: bool = False


APP_KEYS: tuple[Key, ...] = (
    Key("q", "q", "quit", "Quit"),
    Key("question_mark,f1", "? F1", "help", "Help"),
    Key(
        "slash", "/", "filter", "Filter tags by regex (from anywhere)", label="Tags", priority=True
    ),
    Key("r", "r", "filter_runs", "Filter runs by regex", label="Runs", priority=True),
    Key("left_square_bracket", "[", "smoothing(-1)", "Less smoothing", False, scalars_only=True),
    Key("right_square_bracket", "]", "smoothing(1)", "More smoothing", False, scalars_only=True),
    Key(
        "x",
        "x",
        "cycle_x",
        "X axis: step / relative / wall time",
        label="X axis",
        scalars_only=True,
    ),
    Key("y", "y", "toggle_log", "Log scale for y", label="Log y", scalars_only=True),
    Key(
        "o",
        "o",
        "toggle_outliers",
        "Ignore outliers (5th-95th percentile)",
        label="Outliers",
        scalars_only=True,
    ),
    Key("a", "a", "show_all_runs", "Show every run", footer=False),
    Key("b", "b", "toggle_sidebar", "Show/hide the sidebar", footer=False),
    Key("1", "1", "show_view(0)", "Scalars view", footer=False),
    Key("2", "2", "show_view(1)", "Histograms view", footer=False),
    Key("3", "3", "show_view(2)", "Images view", footer=False),
    Key("4", "4", "show_view(3)", "Text view", footer=False),
    Key("5", "5", "show_view(4)", "HParams view", footer=False),
    Key("6", "6", "show_view(5)", "PR curves view", footer=False),
    Key("7", "7", "show_view(6)", "Console view (what a tbx-log job printed)", footer=False),
)

#: Keys handled by widgets, listed on the help screen only.
WIDGET_KEYS: tuple[tuple[str, str], ...] = (
    ("tab / shift+tab", "Move focus: sidebar, charts, filter"),
    ("+ - =", "Scalars: more / fewer grid columns / as many as fit"),
    ("h l  H L  Home End", "Zoomed card: cursor to the previous/next step, by 10, first/newest"),
    ("j k (zoomed)", "Zoomed card: the run whose steps the cursor follows"),
    ("j k ↑ ↓", "Move in the run tree / between chart cards (h l ← → too)"),
    ("space", "Show/hide the run (or every run of the folder) under the cursor"),
    ("enter", "Zoom the focused chart card; expand/collapse a folder in the tree"),
    ("esc", "Back: close zoom, help, or a filter (clearing it)"),
    ("ctrl+p", "Command palette: every action above by name"),
    ("j k ↓ ↑  g G", "Histograms, Images, Text, PR: next/previous/first/last tag x run"),
    ("m", "Histograms: waterfall <-> distribution (percentile bands)"),
    ("h l ← →  ^ $", "Images: previous/next step, first/last step (PR curves: h l too)"),
    ("n N", "Images: next/previous image of the same event"),
    ("PgDn PgUp space", "Text: scroll"),
    ("s", "HParams: sort by the column under the cursor (again: reverse)"),
    ("h l  j k  g G", "Console: previous/next run, scroll, top, bottom (G follows new lines)"),
    ("/", "Console: search (show only matching lines, matches marked)"),
)


#: Actions of keys that act on scalar charts (hidden from the footer elsewhere).
SCALAR_ACTIONS = frozenset(k.action.partition("(")[0] for k in APP_KEYS if k.scalars_only)


def app_bindings() -> list[BindingType]:
    """The keys of :data:`APP_KEYS` as Textual bindings.

    A key that opens a filter box is a priority binding: Textual hands a key first to the focused
    widget and runs an ordinary binding only once the key has come back up from it, by which time
    the keys typed right after it (fast typing, a paste, ``tmux send-keys``) have already gone to
    that widget instead of the box. The app does not take them while a box has the keyboard
    (:meth:`TbxTop.check_action`): there they are characters of the regex."""
    return [
        Binding(k.keys, k.action, k.label or k.description, show=k.footer, priority=k.priority)
        for k in APP_KEYS
    ]


def footer_width(key_display: str, description: str) -> int:
    """Cells one key takes in the footer (" key description ")."""
    return len(key_display) + len(description) + 3


class KeyFooter(Footer):
    """Textual's footer, with only the keys that fit whole, rebuilt only when they change.

    Textual rebuilds the footer (a dozen widgets, then a layout of the whole screen) on every
    focus change; moving between chart cards, which all offer the same keys, must not pay that.
    Keys that do not fit the width are left out rather than cut in the middle of a word.
    """

    _shown: tuple = ()

    def bindings_changed(self, screen: Screen) -> None:
        shown = tuple(
            (binding.key, binding.description, enabled, tooltip)
            for (_, binding, enabled, tooltip) in screen.active_bindings.values()
            if binding.show
        ) + (self.size.width,)
        if shown == self._shown and footer_bindings_ready(self):
            return
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._shown = shown  # a rebuild was scheduled with these keys

    def compose(self) -> ComposeResult:
        room = (self.size.width or self.app.size.width) - 14  # the palette key, docked right
        used = 0
        for widget in super().compose():
            key = getattr(widget, "key_display", None)  # a FooterKey (not exported by Textual)
            palette = widget.has_class("-command-palette")
            if key is not None:
                # A key starts compact (its default) and is made plain by its binding to the
                # footer once mounted: two restyles of it each time the footer is rebuilt (the
                # most costly part of a rebuild). It starts as the footer is instead (the
                # palette's key, bound to nothing, as compact as it stays).
                start_footer_key(widget, True if palette else self.compact)
            if key is not None and not palette:
                used += footer_width(key, getattr(widget, "description", ""))
                if used > room:
                    continue
            yield widget

    def on_resize(self) -> None:
        if self._bindings_ready and self.is_attached:
            self.bindings_changed(self.screen)
