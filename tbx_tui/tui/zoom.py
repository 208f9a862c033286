"""One chart card on its own screen, with a cursor and every run's values at it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen

from tbx_tui.tui.keys import KeyFooter
from tbx_tui.tui.state import ViewState
from tbx_tui.tui.status import StatusBar
from tbx_tui.tui.views.card import ChartCard, ZoomedCard


class ZoomScreen(Screen[None]):
    BINDINGS = [Binding("escape,enter", "app.pop_screen", "Back")]

    def __init__(self, state: ViewState, tag: str) -> None:
        super().__init__()
        self.state = state
        self.tag = tag

    def compose(self) -> ComposeResult:
        yield StatusBar(self.state)
        yield ZoomedCard(self.state, self.tag, id="zoomed")
        yield KeyFooter()

    def on_mount(self) -> None:
        self.query_one(ChartCard).focus()

    def sync(self) -> None:
        self.query_one(StatusBar).sync()
        self.query_one(ChartCard).request()
