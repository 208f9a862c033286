"""The dense grid: columns follow the width, cards flow across tag groups, one tag fills the
chart area, and + / - set the columns by hand."""

from __future__ import annotations

import asyncio

import pytest
from rich.text import Text

from tbx_tui import SummaryWriter
from tbx_tui.tui.app import create_app
from tbx_tui.tui.state import group_of
from tbx_tui.tui.views.card import ChartCard
from tbx_tui.tui.views.scalars import ScalarsView, card_height, columns_for
from tests.conftest import FROZEN_NOW, loaded, settled

pytestmark = pytest.mark.app


def make(path):
    return create_app(path, poll=0.2, clock=lambda: FROZEN_NOW, display_name="grid")


def cards_in_view(app) -> list[ChartCard]:
    box = app.screen.query_one("#cards")
    return [c for c in app.query(ChartCard) if box.region.contains_region(c.region)]


def test_columns_and_heights_follow_the_size():
    assert [columns_for(w) for w in (50, 59, 60, 130, 210)] == [1, 1, 1, 2, 3]
    assert card_height(44, 1, 1) == 44  # one card fills the area
    assert card_height(44, 4, 2) == 22  # two rows fill it
    assert card_height(44, 12, 2) == 14  # three whole rows of 14 (then the grid scrolls)
    assert card_height(26, 12, 2) == 14  # a stretch to 26 would show a single row


@pytest.mark.parametrize(
    "size, columns, at_least_in_view",
    [((80, 24), 1, 1), ((160, 48), 2, 4), ((240, 60), 3, 9)],
    ids=lambda v: "x".join(map(str, v)) if isinstance(v, tuple) else str(v),
)
def test_grid_columns_at_80_160_240(corpus, size, columns, at_least_in_view):
    async def go():
        app = make(corpus)
        async with app.run_test(size=size) as pilot:
            await loaded(pilot)
            view = app.query_one(ScalarsView)
            assert view.columns == columns
            assert app.query_one("#card-grid").styles.grid_size_columns == columns
            assert len(cards_in_view(app)) >= at_least_in_view
            # the cards in the first row sit side by side, whatever group they are in
            tops = [c.region.y for c in app.query(ChartCard)]
            assert tops[:columns] == [tops[0]] * columns
            if columns > 1:  # a group does not start a row of its own: groups share rows
                rows: dict[int, set[str]] = {}
                for card in app.query(ChartCard):
                    rows.setdefault(card.region.y, set()).add(group_of(card.tag))
                assert any(len(groups) > 1 for groups in rows.values())

    asyncio.run(go())


def test_group_heading_is_inside_the_flow(corpus):
    async def go():
        app = make(corpus / "tbx")
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            cards = list(app.query(ChartCard))
            headed = {
                c.tag: Text.from_markup(c.border_subtitle).plain for c in cards if c.border_subtitle
            }
            assert headed["weird/inf"] == "weird (3)"  # the first card of a group of three
            assert "weird/nan" not in headed and "lr" not in headed  # no heading repeated

    asyncio.run(go())


def test_one_tag_fills_the_chart_area(tmp_path):
    with SummaryWriter(str(tmp_path / "run")) as w:
        for step in range(20):
            w.add_scalar("loss", 1.0 / (step + 1), step)

    async def go():
        app = make(tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            box = app.screen.query_one("#cards")
            (card,) = app.query(ChartCard)
            assert card.region.width >= box.region.width - 1  # less the scrollbar
            assert card.region.height == box.region.height

    asyncio.run(go())


def test_plus_and_minus_set_columns_until_the_app_quits(corpus):
    async def go():
        app = make(corpus)
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            view = app.query_one(ScalarsView)
            await pilot.press("tab", "plus")
            assert view.columns == 3
            await pilot.press("plus")
            await settled(pilot)
            assert view.columns == 4
            assert app.query_one("#card-grid").styles.grid_size_columns == 4
            await pilot.press("minus", "minus", "minus")
            assert view.columns == 1
            await pilot.resize_terminal(240, 60)  # kept through a resize
            await settled(pilot)
            assert view.columns == 1
            await pilot.press("4", "1", "tab")  # and through a change of view
            assert view.columns == 1
            await pilot.press("equals_sign")  # back to as many as fit
            assert view.columns == 3

    asyncio.run(go())
