"""Issue 13, item 2: on a logdir bigger than one read step, the app shows the run written most
recently first, its chart on screen while older runs are still unread."""

from __future__ import annotations

import asyncio
import os
import threading

import pytest

from tbx_tui.read.logdir import Logdir
from tbx_tui.tui import loader
from tbx_tui.tui.views.scalars import ChartCard
from tests import eventfiles as ef
from tests.conftest import make_app, wait_for

pytestmark = pytest.mark.app

AGES = {"alpha": 400, "beta": 30, "gamma": 9000, "delta": 2}  # delta newest, gamma oldest


def test_the_newest_runs_chart_comes_before_older_runs_are_read(tmp_path, monkeypatch):
    now = 1.7e9
    for name, age in AGES.items():
        path = ef.write(
            tmp_path / name / "events.out.tfevents.1.h",
            *(ef.scalar(f"{name}/loss", i, 1.0 / (i + 1)) for i in range(1500)),
        )
        os.utime(path, (now - age, now - age))
    monkeypatch.setattr(loader, "READ_STEP", os.path.getsize(path))  # one run per step
    # Hold the reader after its first step until the test has looked (a slow disk, say), so
    # that what the app shows then is what the first step read.
    looked = threading.Event()
    read_step = Logdir.refresh

    def held_refresh(self, *args, **kwargs):
        if self.bytes_read and not self.complete:
            looked.wait(timeout=20)
        return read_step(self, *args, **kwargs)

    monkeypatch.setattr(Logdir, "refresh", held_refresh)

    async def go():
        app = make_app(tmp_path, display_name="aged")
        async with app.run_test(size=(140, 44)) as pilot:

            def newest_drawn() -> bool:
                return any(c.tag == "delta/loss" and c.drawn for c in app.query(ChartCard))

            try:
                assert await wait_for(pilot, newest_drawn)
                state = app.state
                assert set(state.runs) == set(AGES)  # every run listed from the start
                assert state.runs["delta"].points == 1500
                assert all(state.runs[n].points == 0 for n in ("alpha", "beta", "gamma"))
                assert [c.tag for c in app.query(ChartCard)] == ["delta/loss"]
                assert state.progress is not None
            finally:
                looked.set()
            assert await wait_for(pilot, lambda: app.state.point_count() == 4 * 1500)
            assert await wait_for(pilot, lambda: len(app.query(ChartCard)) == 4)
            assert await wait_for(pilot, lambda: app.views_ready)  # all tabs mounted: quit

    asyncio.run(go())
