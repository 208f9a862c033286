"""The floor for tbx-top's first frame: a bare Textual app showing a header, a tree of the run
folders of LOGDIR and a footer (what tbx-top's first frame shows), nothing else.

    python benchmarks/bare_textual_app.py LOGDIR

Used by ``tui_speed.py startup``, which starts it and tbx-top side by side in tmux.
"""

from __future__ import annotations

import os
import sys

from textual.app import App, ComposeResult
from textual.widgets import Footer, Static, Tree


class BareApp(App[None]):
    BINDINGS = [("q", "quit", "Quit")]

    def __init__(self, logdir: str) -> None:
        super().__init__()
        self.logdir = logdir

    def compose(self) -> ComposeResult:
        yield Static(" bare-textual " + self.logdir)
        tree: Tree[None] = Tree("runs")
        for root, _dirs, files in os.walk(self.logdir):
            if any("tfevents" in f for f in files):
                tree.root.add_leaf(os.path.relpath(root, self.logdir))
        tree.root.expand()
        yield tree
        yield Footer()


if __name__ == "__main__":
    BareApp(sys.argv[1] if len(sys.argv) > 1 else ".").run()
