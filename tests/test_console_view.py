"""The Console view (key 7) in the real app, driven by Textual's Pilot: a run's console as
tbx-log keeps it, following live unless scrolled back, searched with ``/``; plus the sidebar's
NaN mark and the sys/ group's units."""

from __future__ import annotations

import asyncio

import pytest

from tbx_tui import SummaryWriter
from tbx_tui.capture.console import Recorder
from tbx_tui.capture.parse import LineParser
from tbx_tui.tui.views.console import ConsoleView
from tests.conftest import loaded, make_app, screen_text, wait_for

pytestmark = pytest.mark.app


def _lines(start: int, stop: int) -> bytes:
    return b"".join(b"step=%d loss=%d.5\n" % (i, i) for i in range(start, stop))


def test_console_view_follows_scrolls_back_and_searches(tmp_path):
    logs = tmp_path / "logs"
    writer = SummaryWriter(str(logs / "job"), flush_secs=0.2)
    recorder = Recorder(writer, LineParser())
    recorder.note("[tbx-log] started: ./simulate")
    recorder.feed("stdout", _lines(0, 80))
    recorder.feed("stderr", b"warning: \x1b[2Jcleared? \x07 no\n")
    recorder.feed("stdout", _lines(80, 100))
    recorder.flush()

    async def go():
        app = make_app(logs)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("7")
            view = app.query_one(ConsoleView)
            log = view.log_widget
            assert await wait_for(pilot, lambda: len(log.lines) == 102)
            assert log.lines[0] == "[tbx-log] started: ./simulate"
            assert log.lines[-1] == "step=99 loss=99.5"  # newest at the bottom
            assert log.lines[81] == "warning: \\e[2Jcleared? \\a no"  # stderr, in order, safe
            await pilot.pause()
            assert log.is_vertical_scroll_end
            assert await wait_for(pilot, lambda: "102 lines  following" in screen_text(app))

            # scroll back: new lines arrive below, the view stays where the reader is
            assert log.has_focus
            for _ in range(5):
                await pilot.press("k")
            y = log.scroll_y
            assert await wait_for(pilot, lambda: "scrolled back (G follows)" in screen_text(app))
            recorder.feed("stdout", _lines(100, 110))
            recorder.flush()
            assert await wait_for(pilot, lambda: len(log.lines) == 112)
            assert log.scroll_y == y and not log.is_vertical_scroll_end
            await pilot.press("G")  # follow again
            assert await wait_for(pilot, lambda: log.is_vertical_scroll_end)
            recorder.feed("stdout", _lines(110, 130))
            recorder.flush()
            assert await wait_for(pilot, lambda: len(log.lines) == 132)
            await pilot.pause()
            assert log.is_vertical_scroll_end  # following: the newest line stays in view
            assert "step=129 loss=129.5" in screen_text(app)

            # search with /
            await pilot.press("slash")
            await pilot.pause()
            await pilot.press(*"loss=12")
            assert await wait_for(pilot, lambda: len(log.lines) == 11)  # 12.5, 120.5 to 129.5
            assert all("loss=12" in line for line in log.lines)
            assert await wait_for(pilot, lambda: "11 matches" in screen_text(app))
            await pilot.press("escape")
            assert await wait_for(pilot, lambda: len(log.lines) == 132)
        return app

    try:
        asyncio.run(go())
    finally:
        writer.close()


def test_sidebar_marks_nan_runs_and_sys_tags_show_units(tmp_path):
    logs = tmp_path / "logs"
    with SummaryWriter(str(logs / "diverged")) as w:
        w.add_scalar("loss", 1.0, 0)
        w.add_scalar("loss", float("nan"), 1)
    with SummaryWriter(str(logs / "fine")) as w:
        w.add_scalar("loss", 1.0, 0)
        w.add_scalar("sys/cpu_percent", 42.5, 0, summary_description="CPU utilisation (%)")
        w.add_scalar("sys/gpu0/temp_C", 71.0, 0)

    async def go():
        app = make_app(logs)
        async with app.run_test(size=(140, 60)) as pilot:
            await loaded(pilot)
            text = screen_text(app)
            assert "diverged" in text and "NaN" in text
            fine_line = next(line for line in text.splitlines() if "fine" in line)
            assert "NaN" not in fine_line.split("▕")[0]
            assert "sys (system metrics)" in text
            assert await wait_for(pilot, lambda: "42.5% @0" in screen_text(app))
            assert "71 °C @0" in screen_text(app)

    asyncio.run(go())


def test_console_follows_the_sidebar_cursor_and_h_l(tmp_path):
    logs = tmp_path / "logs"
    for name in ("alpha", "beta"):
        with SummaryWriter(str(logs / name)) as writer:
            recorder = Recorder(writer, LineParser())
            recorder.feed("stdout", f"hello from {name}\n".encode())
            recorder.flush()

    async def go():
        app = make_app(logs)
        async with app.run_test(size=(120, 30)) as pilot:
            await loaded(pilot)
            await pilot.press("7")
            view = app.query_one(ConsoleView)
            assert await wait_for(pilot, lambda: view.log_widget.lines == ["hello from alpha"])
            await pilot.press("l")  # next run with a console
            assert await wait_for(pilot, lambda: view.log_widget.lines == ["hello from beta"])
            await pilot.press("h")
            assert await wait_for(pilot, lambda: view.current == "alpha")
            # the sidebar's cursor picks the run
            app.query_one("#run-tree").focus()
            await pilot.pause()
            await pilot.press("j")  # the cursor starts on no node: j lands on alpha
            assert await wait_for(pilot, lambda: view.current == "alpha")
            await pilot.press("j")
            assert await wait_for(pilot, lambda: view.current == "beta")
            assert await wait_for(pilot, lambda: "2/2" in screen_text(app))

    asyncio.run(go())
