"""ASCII mode (non-UTF-8 terminals, --ascii) and run markers when colour is off (NO_COLOR)."""

from __future__ import annotations

import argparse
import asyncio
import time

import pytest

from tbx_tui.cli import build_parser
from tbx_tui.headless.report import style_for
from tbx_tui.term import termcaps
from tbx_tui.term.textwidth import cell_width
from tbx_tui.tui.app import create_app
from tbx_tui.tui.asciifilter import AsciiFilter
from tbx_tui.tui.textual_compat import line_filters
from tbx_tui.tui.views.scalars import ChartCard

from .tui_helpers import FROZEN_NOW, loaded, screen_text, settled


def make(path, **kwargs):
    return create_app(path, poll=0.5, clock=lambda: FROZEN_NOW, display_name="corpus", **kwargs)


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
    for key in "234561":
        await pilot.press(key)
        await pilot.pause(0.2)
        await settled(pilot)
        screens.append(screen_text(app))
    await pilot.press("tab", "enter")
    await settled(pilot)
    screens.append(screen_text(app))
    await pilot.press("escape", "f1")
    await pilot.pause(0.2)
    screens.append(screen_text(app))
    return screens


def test_ascii_mode_draws_only_ascii(corpus):
    """The whole corpus (non-ASCII tags and run names included), every view, zoom and help."""

    async def go():
        app = make(corpus, ascii=True)
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
        app = make(corpus / "tbx", ascii=True)
        for f in line_filters(app):
            if isinstance(f, AsciiFilter):
                f.enabled = False
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            text = screen_text(app)
        leftovers = non_ascii(text)
        assert not {ch for ch in leftovers if 0x2800 <= ord(ch) <= 0x28FF}  # no braille
        assert not leftovers & set("●○⚠…╭╮╰╯│┌┐└┘├┤┬▶▼▕"), sorted(leftovers)
        assert app.images == "ascii"

    asyncio.run(go())


@pytest.fixture
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_ascii_snapshot(snap_compare, corpus, utc):
    async def run_before(pilot):
        await loaded(pilot)
        await pilot.press("tab")
        await settled(pilot)

    app = make(corpus / "tbx", ascii=True)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


# ---------------------------------------------------------------- NO_COLOR: run markers


def test_no_color_runs_get_distinct_markers(corpus, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")

    async def go():
        app = make(corpus / "tbx")
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
