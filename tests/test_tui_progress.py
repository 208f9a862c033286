"""A logdir bigger than one read step is read in steps: progress shows, charts fill in."""

from __future__ import annotations

import asyncio
import threading

import pytest

from tbx_tui.read.logdir import Logdir
from tbx_tui.tui import loader
from tests import eventfiles as ef
from tests.conftest import make_app, wait_for

pytestmark = pytest.mark.app


def test_long_first_load_reports_progress_and_fills_in(tmp_path, monkeypatch):
    for r in range(3):
        ef.write(
            tmp_path / f"run{r}" / "events.out.tfevents.1.h",
            *(ef.scalar("loss", i, 1.0 / (i + 1)) for i in range(2000)),
        )
    monkeypatch.setattr(loader, "READ_STEP", 2_000)  # ~130 steps for this logdir
    seen: list[tuple[int, int] | None] = []
    # A newer DataChanged replaces a queued older one, so on a busy machine every partial step
    # could be folded into the last: from the second step on, the reader waits (as a slow disk
    # would) until the app has shown some progress.
    shown = threading.Event()
    read_step = Logdir.refresh

    def slow_refresh(self, *args, **kwargs):
        if self.bytes_read and not self.complete:
            shown.wait(timeout=10)
        return read_step(self, *args, **kwargs)

    monkeypatch.setattr(Logdir, "refresh", slow_refresh)

    async def go():
        app = make_app(tmp_path, display_name="big")
        async with app.run_test(size=(120, 40)) as pilot:

            def done() -> bool:
                seen.append(app.state.progress)
                if app.state.progress is not None:
                    shown.set()
                return app.state.loaded and app.state.point_count() == 6000

            assert await wait_for(pilot, done)
            assert app.state.progress is None

    asyncio.run(go())
    partial = [p for p in seen if p is not None]
    assert partial, "progress was never shown"
    assert all(0 < read < total for read, total in partial)
