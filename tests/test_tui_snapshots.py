"""Snapshots (SVG) of the main screens on the corpus at 80x24 and 160x48.

Deterministic: polling (no watchdog mode label), a frozen clock for "N ago" and "updated",
UTC for the clock label, no spinner (the first load is over before the picture).
Regenerate with ``pytest tests/test_tui_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import time

import pytest

from tbx_tui.tui.app import create_app

from .tui_helpers import FROZEN_NOW, loaded, settled

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


def settle(*keys):
    async def run_before(pilot):
        await loaded(pilot)
        for key in keys:
            await pilot.press(key)
        await settled(pilot)

    return run_before


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_main_screen(snap_compare, corpus, size):
    assert snap_compare(app_for(corpus), terminal_size=size, run_before=settle())


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_charts_focused_log_relative(snap_compare, corpus, size):
    keys = ("tab", "y", "x", "right_square_bracket")
    assert snap_compare(app_for(corpus / "tbx"), terminal_size=size, run_before=settle(*keys))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_zoomed_card(snap_compare, corpus, size):
    keys = ("tab", "slash", *"loss", "enter", "enter")
    assert snap_compare(app_for(corpus / "tbx"), terminal_size=size, run_before=settle(*keys))


@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_help_screen(snap_compare, corpus, size):
    assert snap_compare(app_for(corpus / "tbx"), terminal_size=size, run_before=settle("f1"))


def test_too_small(snap_compare, corpus):
    assert snap_compare(app_for(corpus / "tbx"), terminal_size=(40, 10), run_before=settle())
