"""The help screen: every key, from the one table in :mod:`tbx_tui.tui.keys`."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tbx_tui.tui.keys import APP_KEYS, WIDGET_KEYS


def key_table() -> Table:
    table = Table(box=None, show_header=False, padding=(0, 2), expand=False)
    table.add_column(style="bold cyan", no_wrap=True)
    table.add_column()
    for key in APP_KEYS:
        table.add_row(key.shown, key.description)
    for shown, description in WIDGET_KEYS:
        table.add_row(shown, description)
    return table


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,f1", "dismiss", "Close"),
        Binding("q", "app.quit", "Quit", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box"):
            yield Static(Text("tbx-top keys", style="bold"), id="help-title")
            yield Static(key_table())
            yield Static(
                Text("Mouse works too: click runs, cards and tabs; scroll the grid.", style="dim")
            )

    def on_mount(self) -> None:
        self.query_one("#help-box").border_title = "Help (esc to close)"
