"""A logdir bigger than one read step is read in steps: progress shows, charts fill in."""

from __future__ import annotations

import asyncio

from tbx_tui.tui import loader
from tbx_tui.tui.app import create_app
from tests import eventfiles as ef

from .tui_helpers import FROZEN_NOW, wait_for


def test_long_first_load_reports_progress_and_fills_in(tmp_path, monkeypatch):
    for r in range(3):
        ef.write(
            tmp_path / f"run{r}" / "events.out.tfevents.1.h",
            *(ef.scalar("loss", i, 1.0 / (i + 1)) for i in range(2000)),
        )
    monkeypatch.setattr(loader, "READ_STEP", 2_000)  # ~130 steps for this logdir
    seen: list[tuple[int, int] | None] = []

    async def go():
        app = create_app(tmp_path, poll=0.2, clock=lambda: FROZEN_NOW, display_name="big")
        async with app.run_test(size=(120, 40)) as pilot:

            def done() -> bool:
                seen.append(app.state.progress)
                return app.state.loaded and app.state.point_count() == 6000

            assert await wait_for(pilot, done)
            assert app.state.progress is None

    asyncio.run(go())
    partial = [p for p in seen if p is not None]
    assert partial, "progress was never shown"
    assert all(0 < read < total for read, total in partial)
