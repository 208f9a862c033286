"""Helpers for the app tests: the screen as text, and waiting on a condition without timing."""

from __future__ import annotations

from collections.abc import Callable

from tbx_tui.tui.views.scalars import ChartCard

FROZEN_NOW = 1795783600.0  # a little after the corpus was written: "2m ago" labels stay fixed


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_for(pilot, condition: Callable[[], bool], cap: int = 400) -> bool:
    """Pause until ``condition()`` holds; ``cap`` pauses at most (generous: slow CI machines)."""
    for _ in range(cap):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


def charts_settled(app) -> bool:
    """Every chart card in view shows the frame of the state now (cards draw off the UI thread)."""
    screen = app.screen
    return all(c.up_to_date for c in screen.query(ChartCard) if screen.can_view_partial(c))


async def settled(pilot) -> None:
    """Pause until the charts in view are drawn, then once more for the screen to show them."""
    await pilot.pause()
    assert await wait_for(pilot, lambda: charts_settled(pilot.app))
    await pilot.pause()


async def loaded(pilot) -> None:
    app = pilot.app
    assert await wait_for(pilot, lambda: app.state.loaded)
    await settled(pilot)
