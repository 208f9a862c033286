"""The app's own plumbing (issue 9, items 16-19): loader errors, message coalescing, the image
cache key, messages that arrive while the app shuts down. Real Textual, real files."""

from __future__ import annotations

import asyncio
import io
import threading

import pytest
from PIL import Image
from textual.app import App

from tbx_tui.read.logdir import Logdir
from tbx_tui.tui import loader
from tbx_tui.tui.messages import DataChanged
from tbx_tui.view import imagecells
from tests import hostile as h
from tests.conftest import loaded, make_app, screen_text, wait_for

pytestmark = pytest.mark.app


def make(path, **kwargs):
    return make_app(path, display_name="plumbing", **kwargs)


def small_logdir(tmp_path):
    h.write(tmp_path / "r" / h.EV, *(h.scalar("loss", i, float(i)) for i in range(5)))
    return tmp_path


def test_item16_loader_error_is_shown_and_the_app_stays_up(tmp_path, monkeypatch):
    """An unexpected error in the loader (a bug, not bad data: fault-injected here) is a notice;
    the app stays up and the loader goes on on its next round."""
    real_take = loader.take
    failures = []

    def take_failing_once(run, previous=None):
        if not failures:
            failures.append(run.name)
            raise RuntimeError("injected loader fault")
        return real_take(run, previous)

    monkeypatch.setattr(loader, "take", take_failing_once)
    path = small_logdir(tmp_path)

    async def go():
        app = make(path, poll=0.05)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            shown = "RuntimeError: injected loader"  # the toast wraps before "fault"
            assert await wait_for(pilot, lambda: shown in screen_text(app))
            assert app.is_running
            h.write(path / "s" / h.EV, h.scalar("acc", 1, 0.5))  # the loader goes on
            assert await wait_for(pilot, lambda: {"r", "s"} <= set(app.state.runs))
            await loaded(pilot)

    asyncio.run(go())
    assert failures == ["r"]


class Recorder(App[None]):
    """The smallest app that receives DataChanged: records what its handler gets."""

    def __init__(self) -> None:
        super().__init__()
        self.got: list[DataChanged] = []

    def on_data_changed(self, message: DataChanged) -> None:
        self.got.append(message)


def test_item17_coalesced_data_changed_keeps_what_the_older_one_said():
    """Textual calls ``older.can_replace(newer)`` and delivers the newer one: the newer must
    carry the older's changed runs and first flag."""

    async def go():
        app = Recorder()
        async with app.run_test() as pilot:
            older = DataChanged({}, {"a"}, "polling", first=True)
            newer = DataChanged({}, {"b"}, "polling", first=False)
            app.post_message(older)  # both queued before the app looks: coalesced
            app.post_message(newer)
            await pilot.pause()
            assert len(app.got) == 1
            got = app.got[0]
            assert got is newer
            assert got.changed == {"a", "b"} and got.first

    asyncio.run(go())


def png(color: tuple[int, int, int], size: int) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (size, size), color).save(buf, format="PNG")
    return buf.getvalue()


def test_item18_two_images_in_one_event_are_told_apart(tmp_path):
    ev = h.event(step=1)
    for tag, color, size in (("first", (255, 0, 0), 4), ("second", (0, 0, 255), 8)):
        data = png(color, size)
        ev.summary.value.add(tag=tag).image.MergeFrom(
            type(ev.summary.value[0].image)(
                height=size, width=size, colorspace=3, encoded_image_string=data
            )
        )
    h.write(tmp_path / "r" / h.EV, h.frame(ev))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    images = ld.runs["r"].images
    imagecells.CACHE.clear()
    first = imagecells.load_image(images["first"][0].data[0])
    second = imagecells.load_image(images["second"][0].data[0])
    assert first.size == (4, 4) and second.size == (8, 8)
    assert second.convert("RGB").getpixel((0, 0)) == (0, 0, 255)


def test_item19_data_arriving_while_the_app_shuts_down_is_ignored(tmp_path):
    """DataChanged keeps arriving (from another thread, as the loader sends it) while the app
    unmounts its widgets: each is ignored, the app exits cleanly, every time."""
    path = small_logdir(tmp_path)

    async def once():
        app = make(path)
        stop = threading.Event()
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(pilot)
            runs = dict(app.state.runs)

            def flood() -> None:
                while not stop.is_set():
                    app.post_message(DataChanged(runs, {"r"}, "polling", first=False))
                    stop.wait(0.0005)

            threading.Thread(target=flood, daemon=True).start()
            await pilot.pause(0.05)
        stop.set()

    async def go():
        for _ in range(8):
            await once()

    asyncio.run(go())
