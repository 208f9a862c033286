"""Run colours in the app: the same in two app instances, never shared within a card, and the
focused run drawn over the others where their lines share a cell."""

from __future__ import annotations

import asyncio
import re

import numpy as np
import pytest

from tbx_tui.read.runview import SeriesView
from tbx_tui.tui.app import create_app
from tbx_tui.tui.sidebar import RunTree
from tbx_tui.tui.views.card import CardJob, chart_entries
from tbx_tui.view import palette, plot
from tests.conftest import FROZEN_NOW, loaded

pytestmark = pytest.mark.app


def colours_of_one_instance(path) -> dict[str, tuple[int, int, int]]:
    async def go():
        app = create_app(path, poll=0.2, clock=lambda: FROZEN_NOW)
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            colours = dict(app.state.colors)
            for tag in app.state.scalar_tags():  # no two runs of one card share a colour
                entries = chart_entries(app.state, tag)
                assert len({rgb for _, _, rgb in entries}) == len(entries)
            return colours

    return asyncio.run(go())


def test_colours_are_the_same_in_two_app_instances(corpus):
    first = colours_of_one_instance(corpus)
    second = colours_of_one_instance(corpus)
    assert first == second and len(first) >= 10
    earliest = min(first)  # no run before it could take its colour
    assert first[earliest] == palette.color_of(earliest)
    assert set(first.values()) <= set(palette.PALETTE)


def test_hiding_a_run_frees_its_colour_and_sidebar_shows_it(corpus):
    async def go():
        app = create_app(corpus / "tbx", poll=0.2, clock=lambda: FROZEN_NOW)
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            tree = app.query_one(RunTree)
            label = tree._by_path["main"].label
            hex_colour = "#{:02x}{:02x}{:02x}".format(*app.state.colors["main"])
            assert any(hex_colour in str(span.style) for span in label.spans)

    asyncio.run(go())


def series(values) -> SeriesView:
    n = len(values)
    steps = np.arange(n, dtype=np.int64)
    return SeriesView(steps, np.arange(n, dtype=np.float64), np.asarray(values, float), 1)


def test_the_selected_wins_a_shared_cell():
    same = series(np.linspace(0, 1, 50))
    red, blue = (200, 30, 30), (30, 30, 200)
    entries = (("a", same, red), ("b", same, blue))
    opts = plot.Options(smoothing=0)
    for focused, winner, loser in (("a", red, blue), ("b", blue, red)):
        job = CardJob("t", entries, opts, 60, 14, True, 1, focused=focused)
        text = job.chart(13, plot.PreparedCache()).text
        colours = re.findall(r"38;2;(\d+);(\d+);(\d+)m[⠀-⣿]", text)
        drawn = {tuple(int(c) for c in rgb) for rgb in colours}
        assert winner in drawn and loser not in drawn
