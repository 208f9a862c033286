"""Keys: / filters tags from anywhere (the first key after start too), r filters runs, an invalid
regex says why, and the footer shows the keys of the view shown, whole."""

from __future__ import annotations

import asyncio
import threading

import pytest
from textual.widgets import Input

from tbx_tui.tui.app import create_app
from tbx_tui.tui.keys import KeyFooter
from tbx_tui.tui.sidebar import RunTree
from tbx_tui.tui.views.card import ChartCard
from tests.conftest import FROZEN_NOW, loaded, screen_text, wait_for

pytestmark = pytest.mark.app


def make(path):
    return create_app(path, poll=0.2, clock=lambda: FROZEN_NOW, display_name="corpus")


def tags_shown(app) -> list[str]:
    return sorted(card.tag for card in app.query(ChartCard))


def footer_keys(app) -> list[tuple[str, str]]:
    footer = app.screen.query_one(KeyFooter)
    return [
        (w.key_display, w.description)
        for w in footer.query("FooterKey")
        if not w.has_class("-command-palette")
    ]


def test_slash_as_the_first_key_filters_tags(corpus):
    async def go():
        app = make(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            early = not app.views_ready  # (usually: the views mount once their modules load)
            await pilot.press("slash", *"loss")  # before anything else, focus in the run tree
            assert isinstance(app.focused, Input)
            await loaded(pilot)
            assert await wait_for(pilot, lambda: tags_shown(app) == ["train/loss"]), early
            await pilot.press("enter")
            assert await wait_for(pilot, lambda: not app.query("#early-tag-filter"))
            assert await wait_for(
                pilot, lambda: app.query_one("#tag-filter", Input).value == "loss"
            )
            assert app.state.run_re is None  # not the run filter
            await pilot.press("escape")
            assert await wait_for(pilot, lambda: "eval/acc" in tags_shown(app))

    asyncio.run(go())


def test_keys_typed_after_slash_before_the_views_are_there_reach_the_filter(corpus):
    """``/`` and a pattern typed while the views' modules still load: a box in the view's place
    takes the keys (none reaches the run tree, ``q`` does not quit) and filters as it is typed in,
    also once the views are there; enter leaves the pattern to the views' own boxes, and ``esc``
    in that early box clears it."""

    async def go():
        app = make(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            if app.views_ready:
                pytest.skip("the views were there before the first key")
            await app.action_filter()  # what `/` does before the views are there
            assert app.focused is app.query_one("#early-tag-filter")
            await pilot.press("q")
            assert app.is_running
            await loaded(pilot)
            assert app.state.tag_re is not None and app.state.tag_re.pattern == "q"
            await pilot.press(*"|loss")  # the views are there now: still the same box
            assert app.state.tag_re.pattern == "q|loss"
            assert await wait_for(pilot, lambda: tags_shown(app) == ["train/loss"])
            shown = [box for box in app.query("#tag-filter").results(Input) if box.display]
            assert not shown  # one box shows the filter, not two
            await pilot.press("enter")
            assert await wait_for(pilot, lambda: not app.query("#early-tag-filter"))
            assert await wait_for(
                pilot, lambda: app.query_one("#tag-filter", Input).value == "q|loss"
            )
            assert not isinstance(app.focused, Input)  # keys are the app's again

        app = make(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            if app.views_ready:
                pytest.skip("the views were there before the first key")
            await app.action_filter()
            await pilot.press("x", "escape")
            assert await wait_for(pilot, lambda: not app.query("#early-tag-filter"))
            assert not isinstance(app.focused, Input)
            await loaded(pilot)
            assert app.state.tag_re is None

    asyncio.run(go())


def test_r_filters_runs_and_slash_from_the_sidebar_filters_tags(corpus):
    async def go():
        app = make(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            app.query_one(RunTree).focus()
            await pilot.press("r", *"group", "enter")
            assert app.state.run_re is not None
            assert app.state.visible_runs() == ["main/lr/group0", "main/lr/group1"]
            app.query_one(RunTree).focus()
            await pilot.press("slash", *"^lr$")
            assert app.state.tag_re is not None and app.state.tag_re.pattern == "^lr$"
            assert await wait_for(pilot, lambda: tags_shown(app) == ["lr"])

    asyncio.run(go())


def test_invalid_regex_says_why_and_esc_clears_it(corpus):
    async def go():
        app = make(corpus / "tbx")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("slash", *"loss")
            assert await wait_for(pilot, lambda: tags_shown(app) == ["train/loss"])
            await pilot.press("(")
            await pilot.pause()
            box = app.query_one("#tag-filter")
            assert box.has_class("-invalid")
            assert "invalid regex: missing )" in screen_text(app)
            assert tags_shown(app) == ["train/loss"]  # the last valid filter stays
            await pilot.press("escape")
            await pilot.pause()
            assert app.state.tag_re is None and not box.has_class("-invalid")
            assert "invalid regex" not in screen_text(app)
            # the run filter says why too
            await pilot.press("r", "[")
            await pilot.pause()
            assert "invalid regex" in screen_text(app)
            await pilot.press("escape")
            await pilot.pause()
            assert "invalid regex" not in screen_text(app) and app.state.run_re is None

    asyncio.run(go())


@pytest.mark.parametrize("width", [80, 160])
def test_footer_shows_the_views_keys_whole(corpus, width):
    async def go():
        app = make(corpus / "tbx")
        async with app.run_test(size=(width, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("tab")
            await pilot.pause()
            keys = footer_keys(app)
            assert ("/", "Tags") in keys
            if width >= 160:
                assert ("x", "X axis") in keys and ("y", "Log y") in keys
            # every key shown lies whole inside the footer: none is cut in a word
            footer = app.screen.query_one(KeyFooter)
            palette = footer.query_one(".-command-palette")
            for key in footer.query("FooterKey"):
                if key is not palette:
                    assert key.region.right <= palette.region.x, key.description
            await pilot.press("4")  # the Text view: no chart keys
            await pilot.pause()
            assert await wait_for(pilot, lambda: ("/", "Tags") in footer_keys(app))
            assert not {"X axis", "Log y", "Outliers"} & {d for _, d in footer_keys(app)}
            await pilot.press("1")
            assert await wait_for(pilot, lambda: ("/", "Tags") in footer_keys(app))
            if width >= 160:
                assert await wait_for(pilot, lambda: ("o", "Outliers") in footer_keys(app))

    asyncio.run(go())


def test_a_view_chosen_before_it_loaded_gets_the_keyboard(corpus, monkeypatch):
    """``3`` at start shows the Images tab while its view still loads (held back here until the
    key is handled); once the view is there, keys go to it (j: next tag), not to the run tree."""
    from tbx_tui.tui.views import registry
    from tbx_tui.tui.views.images import ImageView

    may_load = threading.Event()
    load = registry.View.load

    def held_load(view):
        if view.id == "images":
            may_load.wait(60)
        return load(view)

    monkeypatch.setattr(registry.View, "load", held_load)

    async def go():
        app = make(corpus / "tbx" / "main")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.press("3")
            assert not app.query(ImageView)  # chosen before it was there
            may_load.set()
            await loaded(pilot)
            view = app.query_one(ImageView)
            assert await wait_for(
                pilot, lambda: app.focused is not None and view in app.focused.ancestors_with_self
            )
            first = view.index
            await pilot.press("j")  # the next image tag (the run tree would move its cursor)
            assert await wait_for(pilot, lambda: view.index == first + 1)

    asyncio.run(go())
