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


async def drawn(pilot, body) -> None:
    """Pause until ``body`` (a view body drawing on a render thread) holds the frame of what it
    shows now: ask for it as a repaint would, then wait for the render thread to deliver it."""
    from tbx_tui.tui.views.images import GraphicsBody
    from tests.conftest import wait_for

    await pilot.pause()
    if isinstance(body, GraphicsBody):
        body.render_lines(body.region.reset_offset)
    else:
        body.render()
    assert await wait_for(pilot, lambda: not body.frames.pending)
    await pilot.pause()
