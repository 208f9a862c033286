"""The run sidebar: runs as a tree of their folders, with colour, show/hide, damage and age."""

from __future__ import annotations

import re

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Static, Tree
from textual.widgets.tree import TreeNode

from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui.filterbox import mark_invalid
from tbx_tui.tui.messages import RunsToggled
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.state import ViewState, compile_filter
from tbx_tui.view import numfmt


def rgb_hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


class RunTree(Tree[str]):
    """Node data: the folder path; a node is a run when its path is in the state's runs."""

    BINDINGS = [
        Binding("space", "toggle_run", "Show/hide"),
        Binding("enter", "toggle_node", "Expand", show=False),
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("a", "show_all", "All runs"),
    ]

    def __init__(self, state: ViewState, **kwargs) -> None:
        super().__init__("runs", data="", **kwargs)
        self.state = state
        self.show_root = False
        self.guide_depth = 2
        self._shape: tuple[str, ...] = ()
        self._by_path: dict[str, TreeNode[str]] = {}
        #: Folders the user collapsed: they stay collapsed when the tree is rebuilt.
        self._collapsed: set[str] = set()
        #: Until the reader has listed the logdir: the runs a quick look found (see preview).
        self._preview: tuple[str, ...] = ()

    def on_mount(self) -> None:
        settings = settings_of(self.app)
        if settings.ascii:  # guides and folder icons in ASCII
            guides = ("  ", "| ", "`-", "|-")
            self.LINES = {"default": guides, "bold": guides, "double": guides}
            self.ICON_NODE = settings.glyphs.collapsed
            self.ICON_NODE_EXPANDED = settings.glyphs.expanded

    # structure -----------------------------------------------------------------------------
    def preview(self, names: list[str]) -> None:
        """Before the reader has listed the logdir: show the runs a quick look found (see
        :func:`tbx_tui.read.runnames.quick_run_names`), so that the first frame lists them."""
        if not self.state.runs and not self.state.loaded:
            self._preview = tuple(names)
            self.sync()

    def sync(self) -> None:
        """Rebuild the tree when the listed runs changed, else only relabel."""
        previewed = bool(self._preview)
        if self.state.runs or self.state.loaded:
            self._preview = ()  # the reader's listing from now on
        if self._preview:
            listed = tuple(name for name in self._preview if self.state.run_matches(name))
        else:
            listed = tuple(self.state.listed_runs())
        if listed != self._shape or (previewed and not self._preview):
            self._rebuild(listed)  # (after a preview: folders opened to fit the tree's height)
        self.relabel()

    def _rebuild(self, listed: tuple[str, ...]) -> None:
        cursor = self.cursor_node.data if self.cursor_node is not None else None
        self._shape = listed
        self.clear()
        self._by_path = {"": self.root}
        for name in listed:
            parts = [] if name == "." else name.split("/")
            path = ""
            for part in parts or ["."]:
                path = part if not path else f"{path}/{part}"
                if path not in self._by_path:
                    parent = self._by_path[path.rsplit("/", 1)[0] if "/" in path else ""]
                    self._by_path[path] = parent.add(path, data=path, allow_expand=True)
        for node in self._by_path.values():
            if node is not self.root and not node.children:
                node.allow_expand = False
        self._expand_to_fit()
        if cursor in self._by_path and cursor:
            self.move_cursor(self._by_path[cursor])

    def _expand_to_fit(self) -> None:
        """Open folders level by level while the lines fit the sidebar's height (before the
        tree's first layout: the screen's, less the header and the footer)."""
        room = max(self.size.height or self.app.size.height - 2, 20)
        shown = len(self.root.children)
        level = list(self.root.children)
        while level:
            extra = sum(len(n.children) for n in level)
            if extra == 0 or shown + extra > room:
                break
            for node in level:
                if node.data not in self._collapsed:
                    node.expand()
            shown += extra
            level = [c for n in level if n.is_expanded for c in n.children]

    def on_tree_node_collapsed(self, event: Tree.NodeCollapsed[str]) -> None:
        if event.node.data:
            self._collapsed.add(event.node.data)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[str]) -> None:
        self._collapsed.discard(event.node.data or "")

    def _runs_under(self, path: str) -> list[str]:
        if path == "":
            return list(self._shape)
        return [n for n in self._shape if n == path or n.startswith(path + "/")]

    # labels --------------------------------------------------------------------------------
    def relabel(self) -> None:
        now = self.state.clock()
        for path, node in self._by_path.items():
            if node is self.root:
                continue
            label = self._label(path, now)
            if label != node.label:
                node.set_label(label)

    def _label(self, path: str, now: float) -> Text:
        name = safe_text(path.rsplit("/", 1)[-1])
        run = self.state.runs.get(path)
        text = Text()
        if run is None and path in self._preview:  # a run not read yet
            text.append(settings_of(self.app).glyphs.bullet + " ", style="dim")
            text.append(name)
            return text
        if run is None:  # a folder only
            runs = self._runs_under(path)
            all_hidden = runs and all(r in self.state.hidden for r in runs)
            text.append(name + "/", style="dim" if all_hidden else "bold")
            return text
        hidden = path in self.state.hidden
        color = rgb_hex(self.state.colors.get(path, (200, 200, 200)))
        settings = settings_of(self.app)
        symbol = self.state.symbol(path, settings.color, settings.ascii)
        if hidden:
            symbol = settings.glyphs.hidden
        text.append(symbol + " ", style="dim" if hidden else color)
        text.append(name, style="dim strike" if hidden else "")
        if run.damaged:
            text.append(" " + settings.glyphs.warn, style="bold yellow")
        if self.state.went_nan(path):
            text.append(" NaN", style="bold red")
        if self.state.stalled(path):
            text.append(" stalled", style="bold yellow")
        if run.last_wall_time > 0:
            text.append(" " + numfmt.ago(max(0.0, now - run.last_wall_time)), style="dim")
        return text

    def on_tree_node_highlighted(self, event: Tree.NodeHighlighted[str]) -> None:
        """The run under the cursor is the focused one: drawn over the others in charts."""
        path = event.node.data
        if path in self.state.runs and path != self.state.selected:
            self.state.selected = path
            self.post_message(RunsToggled())

    # actions -------------------------------------------------------------------------------
    def action_toggle_run(self) -> None:
        node = self.cursor_node
        if node is None or node.data is None:
            return
        runs = self._runs_under(node.data) if node.data not in self.state.runs else [node.data]
        if node.data in self.state.runs and node.children:  # a run with sub-runs: just itself
            runs = [node.data]
        self.state.toggle_runs(runs)
        self.relabel()
        self.post_message(RunsToggled())

    def action_show_all(self) -> None:
        self.state.hidden.clear()
        self.relabel()
        self.post_message(RunsToggled())


class Sidebar(Vertical):
    """The run filter box (made when first asked for, or for ``--runs``), the tree, and a
    damage note.

    The box is not part of the first frame: it would cost that frame a widget and Textual's
    styles for it, and as the first widget that takes the keyboard it would get the keys typed
    before the app gives the tree the focus (``/`` typed at once went into the box).
    """

    def __init__(self, state: ViewState, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state

    def compose(self) -> ComposeResult:
        if self.state.run_re is not None:
            yield self._filter_box()
        yield RunTree(self.state, id="run-tree")
        yield Static("", id="run-note")

    def _filter_box(self) -> Input:
        initial = self.state.run_re.pattern if self.state.run_re is not None else ""
        return Input(value=initial, placeholder="run regex", id="run-filter")

    @property
    def run_tree(self) -> RunTree:
        return self.query_one(RunTree)

    def sync(self) -> None:
        self.run_tree.sync()
        damaged = [r for r in self.state.listed_runs() if self.state.runs[r].damaged]
        note = self.query_one("#run-note", Static)
        note.display = bool(damaged)
        if damaged:
            count = sum(self.state.runs[r].warnings for r in damaged)
            warn = settings_of(self.app).glyphs.warn
            note.update(Text(f"{warn} {count} damaged record(s) skipped", style="yellow"))

    async def open_filter(self) -> None:
        self.display = True  # hidden with b: typing into an unseen box would swallow every key
        boxes = self.query("#run-filter").results(Input)
        box = next(boxes, None)
        if box is None:
            box = self._filter_box()
            await self.mount(box, before=0)  # awaited: the keys typed next must reach it
        box.display = True
        self.screen.set_focus(box)

    @on(Input.Changed, "#run-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        try:
            self.state.run_re = compile_filter(event.value)
        except re.error as error:
            mark_invalid(event.input, error)
            return
        mark_invalid(event.input, None)
        self.post_message(RunsToggled())

    @on(Input.Submitted, "#run-filter")
    def _filter_done(self) -> None:
        self.run_tree.focus()

    def close_filter(self, clear: bool) -> None:
        box = self.query_one("#run-filter", Input)  # (there: the filter was opened)
        if clear:
            box.value = ""
            self.state.run_re = None
            mark_invalid(box, None)
            self.post_message(RunsToggled())
        box.display = bool(box.value)
        self.run_tree.focus()
