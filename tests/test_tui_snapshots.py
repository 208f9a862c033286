"""Snapshots (SVG) of the main screens on the corpus at 80x24 and 160x48.

Deterministic: polling (no watchdog mode label), a frozen clock for "N ago" and "updated",
UTC for the clock label, no spinner (the first load is over before the picture).
Regenerate with ``pytest tests/test_tui_snapshots.py --snapshot-update``. Each picture comes with
assertions on what it must show (checked before it is taken), so a regenerated picture cannot
silently lose them.
"""

from __future__ import annotations

import time

import pytest

from tbx_tui.tui.app import create_app
from tbx_tui.tui.help import HelpScreen
from tbx_tui.tui.views.card import ChartCard, ZoomedCard, chart_entries
from tbx_tui.tui.views.scalars import ScalarsView
from tbx_tui.view import readout

from .tui_helpers import FROZEN_NOW, loaded, screen_text, settled

SIZES = [(80, 24), (160, 48)]


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def app_for(path):
    return create_app(path, poll=0.5, clock=lambda: FROZEN_NOW, display_name="corpus")


def settle(*keys, check=None):
    async def run_before(pilot):
        await loaded(pilot)
        for key in keys:
            await pilot.press(key)
        await settled(pilot)
        if check is not None:
            check(pilot.app)

    return run_before


def card_lines(card: ChartCard) -> list[str]:
    return [strip.text for strip in card._strips]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare, corpus, size):
    def check(app):
        columns = app.query_one(ScalarsView).columns
        assert columns == (1 if size[0] == 80 else 2)
        shown = [c for c in app.query(ChartCard) if app.screen.can_view_partial(c)]
        assert len(shown) >= (2 if size[0] == 80 else 4)
        if size[0] >= 160:  # a legend of up to 4 runs never hides one behind "+N"
            for card in shown:
                if len(chart_entries(app.state, card.tag)) <= 4:
                    assert not any(" +" in line[-6:] for line in card_lines(card)[:3])

    run_before = settle(check=check)
    assert snap_compare(app_for(corpus), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_charts_focused_log_relative(snap_compare, corpus, size):
    def check(app):
        assert app.state.options.log_y and app.state.options.x_mode == "relative"
        card = app.focused
        assert isinstance(card, ChartCard) and card.tag == "lr"
        text = "\n".join(card_lines(card))
        assert "0.01" in text and "0.05" in text  # log ticks: decades with 2 and 5 between
        assert "0s" in text  # relative time on x

    keys = ("tab", "y", "x", "right_square_bracket")
    run_before = settle(*keys, check=check)
    assert snap_compare(app_for(corpus / "tbx"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_zoomed_card(snap_compare, corpus, size):
    def check(app):
        card = app.screen.query_one(ZoomedCard)
        series = app.state.runs["main"].scalars["train/loss"]
        i = len(series) - 3  # two steps back from the newest
        reading = card_lines(card)[0]
        assert f"step {int(series.steps[i])} " in reading
        assert f"value {readout.exact(float(series.values[i]))} " in reading
        assert sum("│" in line for line in card_lines(card)) > 8  # the cursor line

    keys = ("tab", "slash", *"loss", "enter", "enter", "h", "h")
    run_before = settle(*keys, check=check)
    assert snap_compare(app_for(corpus / "tbx"), terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare, corpus, size):
    def check(app):
        assert isinstance(app.screen, HelpScreen)
        assert "Filter tags by regex (from anywhere)" in screen_text(app)

    run_before = settle("f1", check=check)
    assert snap_compare(app_for(corpus / "tbx"), terminal_size=size, run_before=run_before)


def test_too_small(snap_compare, corpus):
    assert snap_compare(app_for(corpus / "tbx"), terminal_size=(40, 10), run_before=settle())
