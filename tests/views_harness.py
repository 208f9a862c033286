"""A small app that shows one of the issue-5 views on a logdir read once, for Pilot tests."""

from __future__ import annotations

from textual.app import App, ComposeResult

from tbx_tui.read.logdir import Logdir
from tbx_tui.read.runview import take
from tbx_tui.tui.settings import AppSettings
from tbx_tui.tui.state import ViewState


def load_state(path: str) -> ViewState:
    ld = Logdir(path)
    ld.refresh()
    state = ViewState(clock=lambda: 1.8e9)
    state.update({name: take(run) for name, run in sorted(ld.runs.items())})
    state.loaded = True
    return state


class ViewHarness(App):
    def __init__(
        self,
        path: str,
        view_cls,
        images: str = "halfblock",
        sixel_limit: tuple[int, int] | None = None,
    ) -> None:
        super().__init__()
        self.state = load_state(path)
        self.view_cls = view_cls
        self.settings = AppSettings(images=images, sixel_limit=sixel_limit, color=not self.no_color)

    def compose(self) -> ComposeResult:
        yield self.view_cls(self.state, id="view", classes="view")

    def on_mount(self) -> None:
        self.query_one("#view").focus()
