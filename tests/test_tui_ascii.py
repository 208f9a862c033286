"""ASCII mode (non-UTF-8 terminals, --ascii) and run markers when colour is off (NO_COLOR)."""

from __future__ import annotations

import argparse
import asyncio

import pytest

from tbx_tui.cli import build_parser
from tbx_tui.headless.report import style_for
from tbx_tui.term import termcaps
from tbx_tui.term.textwidth import cell_width
from tbx_tui.tui.asciifilter import AsciiFilter
from tbx_tui.tui.help import HelpScreen
from tbx_tui.tui.textual_compat import line_filters
from tbx_tui.tui.viewarea import ViewArea
from tbx_tui.tui.views.registry import VIEWS
from tbx_tui.tui.views.scalars import ChartCard
from tests.conftest import loaded, make_app, screen_text, settled, wait_for

pytestmark = pytest.mark.app


def non_ascii(text: str) -> set[str]:
    return {ch for ch in text if ord(ch) >= 128}


# ---------------------------------------------------------------- the decision (pure)


@pytest.mark.parametrize(
    "env,encoding,coerced,expected",
    [
        ({"LANG": "C"}, "utf-8", True, True),  # Python's UTF-8 mode in the C locale
        ({"LANG": "C", "LC_CTYPE": "C.UTF-8"}, "utf-8", True, True),  # PEP 538 wrote LC_CTYPE
        ({"LC_ALL": "C", "LANG": "en_US.UTF-8"}, "utf-8", True, True),  # LC_ALL wins
        ({"LC_ALL": "POSIX"}, "utf-8", True, True),
        ({}, "utf-8", True, True),  # no locale at all: C
        ({"LANG": "en_US.UTF-8", "LC_CTYPE": "C.UTF-8"}, "utf-8", True, False),  # uninstalled
        ({"LC_CTYPE": "UTF-8"}, "utf-8", False, False),  # macOS
        ({"LANG": "C.UTF-8"}, "utf-8", False, False),
        ({"LANG": "de_DE.ISO-8859-1"}, "iso8859-1", False, True),  # the output's encoding
        ({"LANG": "C"}, "utf-8", False, False),  # PYTHONUTF8=1 / -X utf8: the user's choice
    ],
)
def test_ascii_only(env, encoding, coerced, expected):
    assert termcaps.ascii_only(env, encoding, coerced) is expected


def test_to_ascii_keeps_cell_widths():
    for text in ("╭─ lr ─╮", "│0.1┤⠠⠤⣤⣄", "● main ⚠", "損失/λ", "abcdef…", "▕━╸╺▁▏"):
        out = termcaps.to_ascii(text)
        assert out.isascii()
        assert cell_width(out) == cell_width(text)
    assert termcaps.to_ascii("╭─┤├┬╯│") == "+-++++|"
    assert termcaps.to_ascii("损失") == "????"  # wide characters keep their two cells
    assert termcaps.to_ascii("abcdef…") == "abcd..."
    assert termcaps.to_ascii_key("⏎") == "enter"


def test_ascii_flag_and_once_agree():
    args = build_parser().parse_args(["--ascii", "--once", "x"])
    assert args.ascii

    class Utf8Stream:
        encoding = "utf-8"

    style = style_for(Utf8Stream(), argparse.Namespace(ascii=True, width=80))
    assert not style.unicode


# ---------------------------------------------------------------- the app in ASCII mode


async def visit_everything(pilot) -> list[str]:
    """The screen text of the main screen, every view, a zoomed card and the help."""
    app = pilot.app
    await loaded(pilot)
    screens = [screen_text(app)]
    tabs = app.query_one("#views", ViewArea)
    for key in "234561":
        await pilot.press(key)
        view = f"view-{VIEWS[int(key) - 1].id}"
        assert await wait_for(pilot, lambda view=view: tabs.active == view), view
        await settled(pilot)
        screens.append(screen_text(app))
    await pilot.press("tab", "enter")
    await settled(pilot)
    screens.append(screen_text(app))
    await pilot.press("escape", "f1")
    assert await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen))
    await pilot.pause()
    screens.append(screen_text(app))
    return screens


def test_ascii_mode_draws_only_ascii(corpus):
    """The whole corpus (non-ASCII tags and run names included), every view, zoom and help."""

    async def go():
        app = make_app(corpus, poll=0.5, ascii=True)
        async with app.run_test(size=(120, 40)) as pilot:
            screens = await visit_everything(pilot)
        for text in screens:
            assert not non_ascii(text), sorted(non_ascii(text))
        assert "+-" in screens[0] and "*" in screens[0]  # ASCII borders, ASCII chart points

    asyncio.run(go())


def test_ascii_mode_draws_its_own_symbols_in_ascii(corpus):
    """Without the last-resort filter: charts, borders, tree guides and bullets are ASCII
    already (what remains is Textual's own: tab underline, scrollbar ends, key symbols)."""

    async def go():
        app = make_app(corpus / "tbx", poll=0.5, ascii=True)
        for f in line_filters(app):
            if isinstance(f, AsciiFilter):
                f.enabled = False
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            text = screen_text(app)
        leftovers = non_ascii(text)
        assert not {ch for ch in leftovers if 0x2800 <= ord(ch) <= 0x28FF}  # no braille
        assert not leftovers & set("●○⚠…╭╮╰╯│┌┐└┘├┤┬▶▼▕"), sorted(leftovers)
        assert app.settings.images == "ascii"

    asyncio.run(go())


# ---------------------------------------------------------------- NO_COLOR: run markers


def test_no_color_runs_get_distinct_markers(corpus, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")

    async def go():
        app = make_app(corpus / "tbx", poll=0.5)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            assert app.no_color
            markers = app.state.markers
            assert len(set(markers.values())) == len(markers) == 4
            assert all(m in termcaps.RUN_MARKERS for m in markers.values())
            text = screen_text(app)
            runs = ["main/lr/group0", "main/lr/group1"]
            for run in runs:  # the sidebar shows the markers
                assert f"{markers[run]} {run.rsplit('/', 1)[-1]}" in text
            await pilot.press("tab", "enter")  # zoom the lr card: a legend line per run
            await settled(pilot)
            card = app.screen.query_one(ChartCard)
            assert card.tag == "lr"
            lines = [s.text for s in card._strips]
            legend, body = "\n".join(lines[:6]), "\n".join(lines[6:])
            for run in runs:
                assert f"{markers[run]} {run}" in legend  # the legend says which is which
                assert markers[run] in body  # and the chart draws each with its marker
            assert markers[runs[0]] != markers[runs[1]]
            assert not {ch for ch in body if 0x2800 <= ord(ch) <= 0x28FF}  # no braille

    asyncio.run(go())
