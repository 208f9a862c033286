"""Live: the app is running, our SummaryWriter appends and flushes, the value shows on screen."""

from __future__ import annotations

import asyncio

import pytest

from tbx_tui import SummaryWriter
from tbx_tui.tui import loader
from tests.conftest import loaded, make_app, screen_text, wait_for

pytestmark = pytest.mark.app


def _live(tmp_path, poll):
    run_dir = tmp_path / "logs" / "job"
    writer = SummaryWriter(str(run_dir))
    for step in range(5):
        writer.add_scalar("live/metric", 1.0 + step, step)
    writer.flush()

    async def go():
        app = make_app(tmp_path / "logs", poll=poll)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert await wait_for(pilot, lambda: "live/metric" in screen_text(app))
            writer.add_scalar("live/metric", 4242.5, 7)
            writer.add_scalar("live/other", 0.5, 7)  # a new tag appears too
            writer.flush()
            assert await wait_for(pilot, lambda: "4242.5 @7" in screen_text(app))
            assert await wait_for(pilot, lambda: "live/other" in screen_text(app))
            # a second run appears
            other = SummaryWriter(str(tmp_path / "logs" / "second"))
            other.add_scalar("live/metric", -3.25, 1)
            other.flush()
            assert await wait_for(pilot, lambda: "-3.25 @1" in screen_text(app))
            other.close()
        return app

    try:
        return asyncio.run(go())
    finally:
        writer.close()


def test_live_value_appears_watching(tmp_path, monkeypatch):
    # The safety poll pushed out of reach: only watchdog's notifications can wake the loader,
    # so every value that shows up above arrived because watching works.
    monkeypatch.setattr(loader, "SAFETY_POLL", 3600.0)
    app = _live(tmp_path, poll=None)
    assert app.state.watch_mode == "watching"


def test_live_value_appears_polling(tmp_path):
    app = _live(tmp_path, poll=0.2)
    assert app.state.watch_mode == "polling 0.2s"
