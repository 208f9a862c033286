"""The app on an S3 logdir (moto's server on loopback) while a run is still being written."""

from __future__ import annotations

import asyncio

import pytest

from tbx_tui import SummaryWriter
from tests.conftest import loaded, make_app, screen_text, wait_for

pytestmark = pytest.mark.app


def test_app_follows_a_run_being_written_to_s3(s3_bucket):
    writer = SummaryWriter(f"{s3_bucket}/job")
    for step in range(5):
        writer.add_scalar("live/metric", 1.0 + step, step)
    writer.flush()

    async def go():
        app = make_app(s3_bucket)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert await wait_for(pilot, lambda: "live/metric" in screen_text(app))
            writer.add_scalar("live/metric", 4242.5, 7)
            writer.flush()  # uploaded: the next poll finds it
            assert await wait_for(pilot, lambda: "4242.5 @7" in screen_text(app))
            other = SummaryWriter(f"{s3_bucket}/second")
            other.add_scalar("live/metric", -3.25, 1)
            other.close()
            assert await wait_for(pilot, lambda: "-3.25 @1" in screen_text(app))
            assert app.state.watch_mode == "polling 0.2s (remote)"
        return app

    try:
        asyncio.run(go())
    finally:
        writer.close()
