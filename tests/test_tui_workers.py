"""The views draw off the UI thread: a key is handled while a big image is still being decoded
and encoded, and the frame shown in the end is the one of the newest request."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest
from textual import events

from tbx_tui import SummaryWriter
from tbx_tui.tui.render import VIEWS_RENDERER
from tbx_tui.tui.views.images import GraphicsBody, ImageView
from tests.conftest import wait_for
from tests.views_harness import ViewHarness, drawn

pytestmark = pytest.mark.app


def test_keys_are_handled_while_a_big_image_encodes(tmp_path, monkeypatch):
    """The render thread is held inside the encoder (the real one, run once let go) while a
    key comes: the key is answered all the same, whatever the machine's load."""
    import threading

    rng = np.random.default_rng(0)
    with SummaryWriter(str(tmp_path / "run")) as w:
        for step in range(2):  # noise: the slowest kind of image to decode and encode
            w.add_image(
                "big", rng.integers(0, 256, (450, 600, 3), np.uint8), step, dataformats="HWC"
            )
    armed, started, gate = threading.Event(), threading.Event(), threading.Event()
    real = GraphicsBody.encode

    def held(self, *args, **kwargs):
        if armed.is_set() and threading.current_thread().name == "tbx-views":
            started.set()
            gate.wait(30)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(GraphicsBody, "encode", held)

    async def until(condition) -> bool:
        """Poll without Pilot's pause, which waits for the whole process (the render thread
        included) to go idle."""
        for _ in range(2000):
            if condition():
                return True
            await asyncio.sleep(0.005)
        return condition()

    async def go() -> None:
        app = ViewHarness(str(tmp_path), ImageView, images="sixel")
        async with app.run_test(size=(160, 48)) as pilot:
            view = app.query_one(ImageView)
            body = app.query_one(GraphicsBody)
            await pilot.pause()
            assert await wait_for(pilot, lambda: body.frames.key is not None)
            newest = body.frames.key
            armed.set()
            try:
                # the older step: its image is decoded, resized and encoded on the render thread
                app.post_message(events.Key("h", "h"))
                assert await until(started.is_set)  # the render thread is in the encoder
                app.post_message(events.Key("l", "l"))  # answered while that encoding runs
                assert await until(lambda: view.step_index == -1)
                assert not VIEWS_RENDERER.idle(), "the key waited for the encoding"
            finally:
                gate.set()
            # the older step's frame, when it comes, is stale: the newest one stays
            assert await until(VIEWS_RENDERER.idle)
            await pilot.pause()
            assert body.frames.key == newest and "\x1bP0;1;0q" in body.frames.frame

    asyncio.run(go())


def test_half_blocks_keep_the_old_picture_until_the_new_one_is_drawn(tmp_path):
    """A step key changes the header at once; the picture under it stays (not repainted) while
    the new one is drawn on the render thread, then the new one replaces it."""
    import threading

    from tbx_tui.tui.views.images import ImageBody

    with SummaryWriter(str(tmp_path / "run")) as w:
        for step, level in enumerate((40, 220)):
            w.add_image("flat", np.full((120, 160, 3), level, np.uint8), step, dataformats="HWC")

    async def go() -> None:
        app = ViewHarness(str(tmp_path), ImageView, images="halfblock")
        async with app.run_test(size=(120, 40)) as pilot:
            view = app.query_one(ImageView)
            body = app.query_one(ImageBody)
            await drawn(pilot, body)
            assert await wait_for(pilot, lambda: body._styled[2] and not body.frames.pending)
            old_lines, old_key = body._styled[2], body.frames.key
            gate = threading.Event()
            VIEWS_RENDERER.submit("hold", gate.wait, lambda _: None)  # the thread is busy
            try:
                await pilot.press("h")
                assert "step 0 (1/2)" in view.header_extra()
                assert await wait_for(pilot, lambda: body.frames.pending)
                await pilot.pause()
                assert body._styled[2] is old_lines and body.frames.key == old_key
            finally:
                gate.set()
            assert await wait_for(pilot, lambda: not body.frames.pending)
            await pilot.pause()
            assert body.frames.key != old_key and body._styled[2] is not old_lines

    asyncio.run(go())
