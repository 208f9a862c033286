"""The app driven by Textual's Pilot on real event files (copies of the corpus)."""

from __future__ import annotations

import asyncio
import shutil

import pytest

from tbx_tui.tui.help import HelpScreen
from tbx_tui.tui.sidebar import RunTree
from tbx_tui.tui.views.scalars import ChartCard
from tbx_tui.tui.zoom import ZoomScreen
from tests.conftest import loaded, make_app, screen_text, wait_for

pytestmark = pytest.mark.app


def run(coro):
    asyncio.run(coro)


def tags_shown(app) -> list[str]:
    return [card.tag for card in app.query(ChartCard)]


def test_loads_every_run_and_tag(corpus):
    async def go():
        app = make_app(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert set(app.state.runs) == {
                "main",
                "main/1795783473.884596",
                "main/lr/group0",
                "main/lr/group1",
            }
            assert {"train/loss", "eval/acc", "lr", "weird/nan"} <= set(tags_shown(app))
            text = screen_text(app)
            assert "eval/acc" in text
            assert "4 runs" in text and "watching" not in text and "polling" in text

    run(go())


def test_hide_and_show_a_run(corpus):
    async def go():
        app = make_app(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            tree = app.query_one(RunTree)
            tree.focus()
            tree.move_cursor(tree._by_path["main/lr/group0"])
            await pilot.press("space")
            assert "main/lr/group0" in app.state.hidden
            assert "main/lr/group0" not in app.state.visible_runs()
            await pilot.pause()
            assert "○ group0" in screen_text(app)
            await pilot.press("space")
            assert "main/lr/group0" not in app.state.hidden
            # a folder toggles every run under it
            tree.move_cursor(tree._by_path["main/lr"])
            await pilot.press("space")
            assert {"main/lr/group0", "main/lr/group1"} <= app.state.hidden
            await pilot.press("a")
            assert not app.state.hidden

    run(go())


def test_tag_filter(corpus):
    async def go():
        app = make_app(corpus)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("tab")  # to the charts
            await pilot.press("slash", *"train/", "enter")
            await pilot.pause()
            assert tags_shown(app) == ["train/loss"]
            await pilot.press("slash", "escape")  # esc clears the filter
            await pilot.pause()
            assert len(tags_shown(app)) > 5
            await pilot.press("slash", *"(", "enter")  # an invalid regex keeps the last filter
            assert len(tags_shown(app)) > 5

    run(go())


def test_run_filter(corpus):
    async def go():
        app = make_app(corpus)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("r", *"^tf/", "enter")
            await pilot.pause()
            assert app.state.listed_runs() == ["tf/keras/train", "tf/keras/validation", "tf/tf2"]
            text = screen_text(app)
            assert "keras" in text and "badcrc" not in text
            assert "batch_loss" in tags_shown(app) and "v" not in tags_shown(app)

    run(go())


def test_run_filter_from_the_command_line(corpus):
    async def go():
        app = make_app(corpus, run_filter="keras", tag_filter="epoch")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert app.state.listed_runs() == ["tf/keras/train", "tf/keras/validation"]
            assert tags_shown(app) == ["epoch_learning_rate", "epoch_loss"]

    run(go())


def test_smoothing_axis_log_outliers(corpus):
    async def go():
        app = make_app(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert "smooth 0.60" in screen_text(app)
            await pilot.press("right_square_bracket")
            assert app.state.options.smoothing == 0.7
            await pilot.press("left_square_bracket", "left_square_bracket")
            assert app.state.options.smoothing == 0.5
            await pilot.press("x")
            await pilot.pause()
            assert app.state.options.x_mode == "relative"
            assert "x relative" in screen_text(app)
            await pilot.press("x")
            assert app.state.options.x_mode == "wall"
            await pilot.press("x", "y", "o")
            await pilot.pause()
            assert app.state.options.x_mode == "step"
            text = screen_text(app)
            assert "log-y" in text and "no outliers" in text

    run(go())


def test_zoom_a_card_and_back(corpus):
    async def go():
        app = make_app(corpus / "tbx")
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot)
            await pilot.press("tab")
            assert isinstance(app.focused, ChartCard)
            await pilot.press("j")  # next row of cards
            tag = app.focused.tag
            await pilot.press("enter")
            assert isinstance(app.screen, ZoomScreen)
            assert app.screen.tag == tag
            await pilot.press("right_square_bracket")  # options work while zoomed
            assert app.state.options.smoothing == 0.7
            await pilot.press("escape")
            assert not isinstance(app.screen, ZoomScreen)

    run(go())


def test_help_opens_and_closes(corpus):
    async def go():
        app = make_app(corpus / "tbx")
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot)
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            assert "Log scale for y" in screen_text(app)
            await pilot.press("escape")
            assert not isinstance(app.screen, HelpScreen)
            await pilot.press("f1")
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("f1")
            assert not isinstance(app.screen, HelpScreen)

    run(go())


def test_q_quits(corpus):
    async def go():
        app = make_app(corpus / "tbx")
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot)
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running

    run(go())


def test_too_small_then_recovers(corpus):
    async def go():
        app = make_app(corpus / "tbx")
        async with app.run_test(size=(100, 30)) as pilot:
            await loaded(pilot)
            await pilot.resize_terminal(30, 8)
            await pilot.pause()
            assert "too small" in screen_text(app)
            await pilot.resize_terminal(100, 30)
            await pilot.pause()
            text = screen_text(app)
            assert "too small" not in text and "eval/acc" in text

    run(go())


def test_hostile_names_are_escaped(corpus):
    async def go():
        app = make_app(corpus / "edge")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            text = screen_text(app)
            assert "\x1b" not in text and "\x07" not in text
            assert "\\e[2J" in text  # shown, harmlessly
            assert "⚠" in text  # damaged runs are marked

    run(go())


def test_deleted_run_goes_away_and_new_run_appears(corpus):
    async def go():
        app = make_app(corpus / "edge")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert "steps" in app.state.runs
            shutil.rmtree(corpus / "edge" / "steps")
            assert await wait_for(pilot, lambda: "steps" not in app.state.runs)
            shutil.copytree(corpus / "tf" / "tf2", corpus / "edge" / "fresh")
            assert await wait_for(pilot, lambda: "fresh" in app.state.runs)
            await pilot.pause()
            assert "train/loss" in tags_shown(app)

    run(go())


def test_view_keys_never_focus_a_hidden_filter_box(corpus):
    """2 then 1 gave the keyboard to Scalars' hidden tag box: b, x, even q were typed into it."""

    async def go():
        app = make_app(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("2")
            await pilot.pause()
            await pilot.press("1")
            await pilot.pause()
            assert isinstance(app.focused, ChartCard)
            await pilot.press("b")  # the sidebar key, not a filter letter
            assert app.state.tag_re is None
            assert not app.query_one("#sidebar").display
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running

    run(go())


def test_run_filter_shows_the_hidden_sidebar(corpus):
    """b hid the sidebar, then r opened its filter unseen: every key vanished into it."""

    async def go():
        app = make_app(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("b")
            assert not app.query_one("#sidebar").display
            await pilot.press("r")
            await pilot.pause()
            assert app.query_one("#sidebar").display
            assert app.focused is app.query_one("#run-filter")
            await pilot.press(*"lr", "enter")
            await pilot.pause()
            assert app.state.listed_runs() == ["main/lr/group0", "main/lr/group1"]

    run(go())


def test_esc_clears_a_filter_entered_with_enter(corpus):
    """After enter the box keeps showing the filter; esc from the cards or the tree clears it."""

    async def go():
        app = make_app(corpus)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("tab", "slash", *"train/", "enter")
            await pilot.pause()
            assert isinstance(app.focused, ChartCard) and tags_shown(app) == ["train/loss"]
            await pilot.press("escape")
            await pilot.pause()
            assert app.state.tag_re is None and len(tags_shown(app)) > 5
            assert not app.query_one("#tag-filter").display
            app.query_one(RunTree).focus()
            await pilot.press("r", *"^tf/", "enter")
            await pilot.pause()
            assert isinstance(app.focused, RunTree) and app.state.run_re is not None
            await pilot.press("escape")
            await pilot.pause()
            assert app.state.run_re is None and "badcrc" in screen_text(app)

    run(go())


def test_tag_filter_set_in_one_view_shows_in_the_others(corpus):
    """The tag filter is app-wide: Scalars filtered by a pattern typed in Histograms showed
    neither the pattern nor a way to clear it, and kept a stale layout."""

    async def go():
        app = make_app(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("2", "slash", *"fc1", "enter")
            await pilot.pause()
            await pilot.press("1")
            await pilot.pause()
            box = app.query_one("#view-scalars #tag-filter")
            assert box.display and box.value == "fc1"
            assert tags_shown(app) == [] and "no tag matches" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert app.state.tag_re is None and "train/loss" in tags_shown(app)
            await pilot.press("2")
            await pilot.pause()
            box = app.query_one("#view-histograms #tag-filter")
            assert not box.display and box.value == ""

    run(go())


def test_empty_scalars_message_follows_the_runs(tmp_path):
    """A run with no scalars appearing in an empty logdir left "no runs yet" on screen."""
    from tbx_tui import SummaryWriter

    async def go():
        app = make_app(tmp_path)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert "no runs yet" in screen_text(app)
            with SummaryWriter(str(tmp_path / "text-only")) as w:
                w.add_text("note", "hello", 0)
            assert await wait_for(pilot, lambda: "text-only" in app.state.runs)
            await pilot.pause()
            text = screen_text(app)
            assert "no scalars yet" in text and "no runs yet" not in text

    run(go())
