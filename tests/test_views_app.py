"""Pilot tests of the histogram, image, text, hparams and PR curve views on the shared corpus."""

from __future__ import annotations

import asyncio
import functools

import pytest
from textual.widgets import DataTable, Markdown

from tbx_tui.tui.viewarea import ViewArea
from tbx_tui.tui.views.histograms import HistogramBody, HistogramView
from tbx_tui.tui.views.hparams import HParamsView
from tbx_tui.tui.views.images import GraphicsBody, ImageBody, ImageView
from tbx_tui.tui.views.prcurves import PRCurveView
from tbx_tui.tui.views.text import TextView
from tests.conftest import CORPUS, loaded, make_app, screen_text, steady_screen
from tests.views_harness import ViewHarness, drawn

pytestmark = pytest.mark.app

FOLDERS = ["tbx/main", "torch/main", "tf/tf2", "tf/keras"]


def sync(fn):
    """Run an async Pilot test with asyncio (no pytest plugin needed)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        return asyncio.run(fn(*args, **kwargs))

    return wrapper


def body_text(widget) -> str:
    return widget.render().plain


@pytest.mark.parametrize("folder", FOLDERS)
@sync
async def test_histograms_view(folder):
    app = ViewHarness(f"{CORPUS}/{folder}", HistogramView)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.query_one(HistogramView)
        assert view.entries, "every corpus folder has histograms"
        body = app.query_one(HistogramBody)
        await drawn(pilot, body)
        text = body_text(body)
        last = view.points()[-1].step
        assert str(last) in text and ("█" in text or "▁" in text)
        await pilot.press("m")
        assert view.mode == "distribution"
        await drawn(pilot, body)
        assert "┤" in body_text(body)  # a plotext chart with y ticks
        await pilot.press("m")
        assert view.mode == "waterfall"
        first = view.current
        await pilot.press("j")
        if len(view.entries) > 1:
            assert view.current != first
            await pilot.press("k")
        assert view.current == first


@sync
async def test_histograms_keras_switches_tags():
    app = ViewHarness(f"{CORPUS}/tf/keras", HistogramView)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.query_one(HistogramView)
        assert len(view.entries) == 4
        seen = set()
        for _ in range(4):
            seen.add(view.current)
            await pilot.press("down")
        assert len(seen) == 4 and view.current == view.entries[0]
        await pilot.press("G")
        assert view.index == 3


@pytest.mark.parametrize("folder", ["tbx/main", "torch/main", "tf/tf2"])
@sync
async def test_images_view(folder):
    app = ViewHarness(f"{CORPUS}/{folder}", ImageView)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        view = app.query_one(ImageView)
        assert view.entries
        await drawn(pilot, app.query_one(ImageBody))
        text = body_text(app.query_one(ImageBody))
        assert "▀" in text
        lines = text.splitlines()
        assert 1 < len(lines) <= 39 and max(len(ln) for ln in lines) <= 118
        await pilot.press("h", "l", "circumflex_accent", "dollar_sign")
        assert view.step_index == -1  # back on the newest step
        if folder == "tf/tf2":  # 2 images in one event
            assert view.image_info().image_index == 0
            await pilot.press("n")
            assert view.image_info().image_index == 1
            await pilot.press("N")
            assert view.image_info().image_index == 0


@sync
async def test_images_ascii_and_graphics_modes():
    app = ViewHarness(f"{CORPUS}/tbx/main", ImageView, images="ascii")
    async with app.run_test(size=(100, 30)) as pilot:
        await drawn(pilot, app.query_one(ImageBody))
        text = body_text(app.query_one(ImageBody))
        assert text.strip() and "▀" not in text and text.isascii()
    for mode, marker in (("sixel", "\x1bP0;1;0q"), ("kitty", "\x1b_Ga=T")):
        app = ViewHarness(f"{CORPUS}/tbx/main", ImageView, images=mode)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            body = app.query_one(GraphicsBody)
            assert marker in body.encode(app.query_one(ImageView).image_info(), 40, 20)
            await drawn(pilot, body)
            strips = body.render_lines(body.region.reset_offset)
            assert any(marker in seg.text for strip in strips for seg in strip)


@sync
async def test_images_view_without_images():
    app = ViewHarness(f"{CORPUS}/tf/keras", ImageView)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = app.query_one(ImageView)
        assert not view.entries and view.image_info() is None
        await pilot.press("l", "n", "j")  # keys on an empty view change nothing, raise nothing
        await pilot.pause()
        assert not view.entries and view.image_info() is None
        assert "no images" in screen_text(app)


@pytest.mark.parametrize("folder", ["tbx/main", "torch/main", "tf/tf2"])
@sync
async def test_text_view(folder):
    app = ViewHarness(f"{CORPUS}/{folder}", TextView)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = app.query_one(TextView)
        assert view.entries
        md = app.query(Markdown)
        assert len(md) == len(view.points())
        assert "markdown" in md.first().source or "summary" in md.first().source


@sync
async def test_text_view_escapes_hostile_text():
    app = ViewHarness(f"{CORPUS}/edge/names", TextView)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        for md in app.query(Markdown):
            assert "\x1b" not in md.source and "\x07" not in md.source


@pytest.mark.parametrize("folder", ["tbx/main", "torch/main"])
@sync
async def test_hparams_view_sorts(folder):
    app = ViewHarness(f"{CORPUS}/{folder}", HParamsView)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = app.query_one(HParamsView)
        table = app.query_one(DataTable)
        assert table.row_count == 1 and len(table.columns) == 5
        table.focus()
        await pilot.press("right", "s")
        assert view.sort_column == view.table.columns[1] and not view.descending
        await pilot.press("s")
        assert view.descending


@sync
async def test_hparams_view_empty_on_tf():
    app = ViewHarness(f"{CORPUS}/tf/keras", HParamsView)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        assert app.query_one(DataTable).row_count == 0


@pytest.mark.parametrize("folder", ["tbx/main", "torch/main"])
@sync
async def test_pr_curve_view(folder):
    app = ViewHarness(f"{CORPUS}/{folder}", PRCurveView)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = app.query_one(PRCurveView)
        assert view.entries == [("pr", ".")]
        assert "AUC" in view.header_extra()
        await pilot.press("h", "l")
        assert view.current_point() is not None


@sync
async def test_filter_narrows_entries():
    app = ViewHarness(f"{CORPUS}/tf/keras", HistogramView)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        view = app.query_one(HistogramView)
        view.open_filter()
        await pilot.press(*"bias")
        assert len(view.entries) == 2
        view.close_filter(clear=True)
        assert len(view.entries) == 4


@pytest.mark.parametrize(
    "folder,expect",
    [
        (
            "tbx",
            {
                "histograms": "weights/fc1",
                "images": "fig/hist",
                "text": "notes/text_summary",
                "hparams": "adam",
                "pr": "AUC",
            },
        ),
        (
            "torch",
            {
                "histograms": "weights/fc1",
                "images": "fig/hist",
                "text": "hello from torch",
                "hparams": "hparam/acc",
                "pr": "AUC",
            },
        ),
        (
            "tf/tf2",
            {
                "histograms": "act/relu",
                "images": "imgs/noise",
                "text": "log/msg",
                "hparams": "no run logged hyperparameters",
                "pr": "no PR curves",
            },
        ),
        (
            "tf/keras",
            {
                "histograms": "dense/bias/histogram",
                "images": "no images",
                "text": "no text summaries",
                "hparams": "no run logged",
                "pr": "no PR",
            },
        ),
    ],
)
def test_views_in_the_app(corpus, folder, expect):
    async def go():
        app = make_app(corpus / folder, images="halfblock")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            number = {"histograms": "2", "images": "3", "text": "4", "hparams": "5", "pr": "6"}
            for view, needle in expect.items():
                await pilot.press(number[view])  # the number keys switch views
                await pilot.pause()
                assert app.query_one("#views", ViewArea).active == f"view-{view}"
                assert app.focused is not None
                assert f"view-{view}" in [w.id for w in app.focused.ancestors_with_self]
                before = await steady_screen(pilot)
                assert needle in before, (view, needle)
                await pilot.press("j")  # the next entry, where the view has more than one
                moved = await steady_screen(pilot)
                entries = next(
                    (w.entries for w in app.focused.ancestors_with_self if hasattr(w, "entries")),
                    [],
                )
                assert (moved != before) == (len(entries) > 1), (view, len(entries))
                # back, an older step and the newest again, the mode switched and back
                await pilot.press("k", "h", "l", "m", "m")
                assert await steady_screen(pilot) == before, view

    asyncio.run(go())
