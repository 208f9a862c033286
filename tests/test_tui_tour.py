"""What a first tour of tbx-top found (issue 11, item 9), each checked in the running app: the
header's clock, an 80x24 terminal, folders collapsed by hand, and the Images view saying what it
draws and why."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import shutil
import subprocess
import sys
import time

import pytest
from rich.style import Style

from tbx_tui.read.logdir import Logdir
from tbx_tui.tui.app import create_app
from tbx_tui.tui.sidebar import RunTree, Sidebar
from tbx_tui.tui.viewarea import ViewTabs
from tbx_tui.tui.views.images import GraphicsBody, ImageBody, ImageView
from tbx_tui.tui.views.registry import VIEWS
from tests.conftest import CORPUS as CORPUS_PATH
from tests.conftest import FROZEN_NOW, loaded, screen_text
from tests.views_harness import ViewHarness, drawn

pytestmark = pytest.mark.app

CORPUS = str(CORPUS_PATH)


def run(coro) -> None:
    asyncio.run(coro)


def tab_labels(app) -> list[str]:
    tabs = app.query_one(ViewTabs)
    return [tabs.title(v) for v in VIEWS]


def test_header_clock_is_the_newest_data_time(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    ld = Logdir(f"{CORPUS}/tbx")
    ld.refresh()
    newest = max(r.last_wall_time for r in ld.runs.values())

    async def go():
        app = create_app(f"{CORPUS}/tbx", poll=0.5, clock=lambda: newest + 3600)
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            stamp = time.strftime("%H:%M:%S", time.gmtime(newest))
            assert f"last data {stamp}" in screen_text(app).splitlines()[0]

    run(go())
    monkeypatch.undo()
    time.tzset()


def test_80x24_keeps_the_sidebar_to_a_quarter_and_abbreviates_tabs(corpus):
    async def go():
        app = create_app(corpus, poll=0.5, clock=lambda: FROZEN_NOW)
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(pilot)
            assert app.query_one(Sidebar).outer_size.width <= 80 // 4
            assert tab_labels(app) == [v.short for v in VIEWS]
            assert "Scal  Hist  Img  Text  HP  PR" in screen_text(app)
            await pilot.resize_terminal(160, 48)
            await pilot.pause()
            assert tab_labels(app) == [v.title for v in VIEWS]
            assert app.query_one(Sidebar).outer_size.width <= 40

    run(go())


def test_a_folder_collapsed_by_hand_stays_collapsed_after_the_run_filter(corpus):
    def folder(app, name):
        return next(n for n in app.query_one(RunTree).root.children if n.data == name)

    async def go():
        app = create_app(corpus, poll=0.5, clock=lambda: FROZEN_NOW)
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            tree = app.query_one(RunTree)
            assert folder(app, "edge").is_expanded and folder(app, "torch").is_expanded
            tree.move_cursor(folder(app, "edge"))
            await pilot.press("enter")  # collapse it
            assert not folder(app, "edge").is_expanded
            await pilot.press("r", *"tbx")  # the tree is rebuilt with tbx/ only
            await pilot.pause()
            assert [n.data for n in tree.root.children] == ["tbx"]
            await pilot.press("escape")  # filter cleared: every folder is back
            await pilot.pause()
            assert not folder(app, "edge").is_expanded  # as the user left it
            assert folder(app, "torch").is_expanded  # the others opened to fit, as before

    run(go())


def test_images_header_says_ascii_when_colour_is_off(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")

    async def go():
        app = ViewHarness(f"{CORPUS}/tbx/main", ImageView)  # half-blocks asked for
        async with app.run_test(size=(100, 30)) as pilot:
            view = app.query_one(ImageView)
            body = app.query_one(ImageBody)
            await drawn(pilot, body)
            assert view.header_extra().endswith("· ascii")
            text = body.render().plain
            assert text.strip() and text.isascii()

    run(go())


def test_images_none_says_so_in_the_pane():
    async def go():
        app = ViewHarness(f"{CORPUS}/tbx/main", ImageView, images="none")
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            assert "images are off (--images none)" in screen_text(app)

    run(go())


@pytest.mark.parametrize("protocol", ["sixel", "kitty"])
def test_graphics_in_tmux_without_passthrough_fall_back_and_say_why(protocol):
    async def go():
        app = ViewHarness(f"{CORPUS}/tbx/main", ImageView, images=protocol)
        # what the launcher found out
        app.settings = dataclasses.replace(app.settings, tmux_passthrough=False)
        async with app.run_test(size=(120, 30)) as pilot:
            view = app.query_one(ImageView)
            assert not app.query(GraphicsBody)
            body = app.query_one(ImageBody)
            await drawn(pilot, body)
            text = screen_text(app)
            assert f"{protocol} needs tmux's passthrough" in text and "allow-passthrough on" in text
            assert "▀" in text and view.header_extra().endswith("· halfblock")

    run(go())


ASK = "from tbx_tui.term.termgraphics import tmux_passthrough as t; print(t())"


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_tmux_passthrough_is_read_from_tmux(tmp_path):
    """A real tmux server: the option off (tmux's default), then on."""
    sock = f"tbx-test-{os.getpid()}"
    out = tmp_path / "answer"
    probe = f"{sys.executable} -c '{ASK}' > {out}"
    tmux = ["tmux", "-L", sock]
    try:
        answers = []
        subprocess.run([*tmux, "new-session", "-d", "-s", "keep", "sleep 120"], check=True)
        for setting in ("off", "on"):
            subprocess.run([*tmux, "set", "-g", "allow-passthrough", setting], check=True)
            subprocess.run([*tmux, "new-session", "-d", "-x", "80", "-y", "24", probe], check=True)
            deadline = time.monotonic() + 30
            while not (out.exists() and out.read_text().strip()) and time.monotonic() < deadline:
                time.sleep(0.05)
            answers.append(out.read_text().strip())
            out.unlink()
        assert answers == ["False", "True"]
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True, check=False)
    assert (
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from tbx_tui.term.termgraphics import tmux_passthrough as t; print(t())",
            ],
            capture_output=True,
            text=True,
            env={k: v for k, v in os.environ.items() if k != "TMUX"},
            check=True,
        ).stdout.strip()
        == "None"
    )


def test_distribution_view_has_a_legend_and_shaded_bands():
    from tbx_tui.tui.views.histograms import HistogramBody, HistogramView
    from tbx_tui.view import plot

    async def go():
        app = ViewHarness(f"{CORPUS}/tbx/main", HistogramView)
        async with app.run_test(size=(120, 40)) as pilot:
            view = app.query_one(HistogramView)
            body = app.query_one(HistogramBody)
            await pilot.press("m")
            await drawn(pilot, body)
            text = body.render()
            legend = text.plain.splitlines()[0]
            for name in ("min–max", "7–93%", "16–84%", "31–69%", "median"):
                assert name in legend
            rgb = view.state.colors[view.current[1]]
            shades = {f"#{r:02x}{g:02x}{b:02x}" for r, g, b in plot.band_fill_colors(rgb)}
            styles = [
                Style.parse(s.style) if isinstance(s.style, str) else s.style for s in text.spans
            ]
            used = {
                style.color.triplet.hex for style in styles if style.color and style.color.triplet
            }
            assert shades <= used  # every band is shaded in the chart, as in the legend

    run(go())
