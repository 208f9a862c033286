"""Snapshots (SVG) of the main screens on the corpus at 80x24 and 160x48, and in ASCII mode.

Deterministic: polling (no watchdog mode label), a frozen clock for "N ago" and "updated",
UTC for the clock label, no spinner (the first load is over before the picture).
Regenerate with ``pytest tests/test_tui_snapshots.py --snapshot-update``. Each test also checks
what matters on its screen (as text, and on the widgets behind it), so a blanket update cannot
hide a bug.
"""

from __future__ import annotations

import pytest

from tbx_tui.tui.views.card import ChartCard, ZoomedCard, chart_entries
from tbx_tui.tui.views.scalars import ScalarsView
from tbx_tui.view import readout
from tests.conftest import loaded, make_app, screen_text, settled

pytestmark = [pytest.mark.snapshot, pytest.mark.usefixtures("utc")]

SIZES = [(80, 24), (160, 48)]


def snapshot(snap_compare, path, size, *keys, ascii: bool = False, check=None) -> str:
    """Compare the app's picture after ``keys`` with the stored SVG; return the screen's text.
    ``check(app)`` runs on the app as pictured."""
    shown: list[str] = []

    async def run_before(pilot):
        await loaded(pilot)
        for key in keys:
            await pilot.press(key)
        await settled(pilot)
        shown.append(screen_text(pilot.app))
        if check is not None:
            check(pilot.app)

    app = make_app(path, poll=0.5, ascii=ascii)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
    return shown[-1]


def card_lines(card: ChartCard) -> list[str]:
    return [strip.text for strip in card._strips]


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare, corpus, size):
    def check(app):
        assert app.query_one(ScalarsView).columns == (1 if size[0] == 80 else 2)
        shown = [c for c in app.query(ChartCard) if app.screen.can_view_partial(c)]
        assert len(shown) >= (2 if size[0] == 80 else 4)
        if size[0] >= 160:  # a legend of up to 4 runs never hides one behind "+N"
            for card in shown:
                if len(chart_entries(app.state, card.tag)) <= 4:
                    assert not any(" +" in line[-6:] for line in card_lines(card)[:3])

    text = snapshot(snap_compare, corpus, size, check=check)
    if size[0] >= 100:
        assert "corpus  22 runs · 1,091 pts · polling 0.5s · last data " in text
    else:  # the header fits 80 columns: counts and mode give way to the data time and flags
        assert "corpus  22 runs · last data " in text and "  [smooth 0.60 · x step]" in text
    tabs = "Scalars  Histograms  Images  Text  HParams" if size[0] >= 100 else "Scal  Hist  Img"
    assert tabs in text  # short tab titles on a narrow terminal
    for run in ("badcrc ⚠", "hostile 1m ago", "tf2 1m ago", "▼ torch/"):
        assert run in text, run
    assert "⚠ 4 damaged" in text  # (wrapped in the 80-column sidebar)
    assert "\\e[2J\\e[H\\e]0;pwned\\aloss" in text  # a hostile tag, escaped
    assert "● edge/hostile 0 @0" in text
    assert "● main NaN 2m a" in text  # tbx/main logged a NaN: the sidebar marks it


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_charts_focused_log_relative(snap_compare, corpus, size):
    def check(app):
        assert app.state.options.log_y and app.state.options.x_mode == "relative"
        card = app.focused
        assert isinstance(card, ChartCard) and card.tag == "lr"
        lines = "\n".join(card_lines(card))
        assert "0.01┤" in lines and "0.1┤" in lines  # log ticks at decades
        assert "0s " in lines  # x relative to the run's start

    keys = ("tab", "y", "x", "right_square_bracket")
    text = snapshot(snap_compare, corpus / "tbx", size, *keys, check=check)
    if size[0] >= 100:
        assert "4 runs · 242 pts" in text and "last data " in text
        assert "smooth 0.70 · x relative · log-y]" in text  # ] smooths more
    else:  # the whole header in 80 columns, abbreviated
        assert "4 runs · data " in text and "[sm 0.70 · x relative · log-y]" in text
    assert "● group0 0.05 @100" in text  # the folders both runs share are left out
    assert "⏎ Zoom" in text  # a card has focus


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_zoomed_card(snap_compare, corpus, size):
    def check(app):
        card = app.screen.query_one(ZoomedCard)
        series = app.state.runs["main"].scalars["train/loss"]
        i = len(series) - 3  # the cursor moved two steps back from the newest
        reading = card_lines(card)[0]
        assert f"step {int(series.steps[i])} " in reading
        assert f"value {readout.exact(float(series.values[i]))} " in reading
        assert sum("│" in line for line in card_lines(card)) > 8  # the cursor line

    keys = ("tab", "slash", *"loss", "enter", "enter", "h", "h")
    text = snapshot(snap_compare, corpus / "tbx", size, *keys, check=check)
    assert "╭─ train/loss ─" in text and "● main  step 197 " in text
    assert "esc Back" in text and "h/l Prev/next step" in text
    assert "Scalars  Histograms" not in text  # the zoom covers the views


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare, corpus, size):
    text = snapshot(snap_compare, corpus / "tbx", size, "f1")
    assert "Help (esc to close)" in text and "tbx-top keys" in text
    assert "Log scale for y" in text and "Filter tags by regex (from anywhere)" in text


def test_too_small(snap_compare, corpus):
    text = snapshot(snap_compare, corpus / "tbx", (40, 10))
    assert "Terminal too small: 40x10" in text and "needs at least 50x14" in text


def test_ascii_snapshot(snap_compare, corpus):
    text = snapshot(snap_compare, corpus / "tbx", (80, 24), "tab", ascii=True)
    assert text.isascii()
    assert "4 runs | last data " in text and "  [smooth 0.60 | x step]" in text
    assert "+- lr ---" in text and "* group0 0.05 @100" in text
    assert "0.10+****" in text  # an ASCII chart: + ticks, * points
