"""The value cursor: a zoomed card reads every run's exact step and value at a cursor that steps
through the focused run's logged points; the mouse over a card does the same."""

from __future__ import annotations

import asyncio

import numpy as np
import pytest

from tbx_tui import SummaryWriter
from tbx_tui.tui.app import create_app
from tbx_tui.tui.views.card import ChartCard, ZoomedCard
from tbx_tui.view import numfmt
from tbx_tui.view.smoothing import ema
from tests.conftest import FROZEN_NOW, loaded, settled, wait_for

pytestmark = pytest.mark.app

A_STEPS = list(range(0, 100, 10))  # run "a": steps 0..90, values 0.1 .. 1.0 (as float32)
B_STEPS = list(range(0, 50, 5))  # run "b": steps 0..45, values 2 .. 11
START = 1_795_783_000.0


def write(path) -> None:
    with SummaryWriter(str(path / "a")) as w:
        for i, step in enumerate(A_STEPS):
            w.add_scalar("loss", 0.1 * (i + 1), step, walltime=START + step)
        w.add_scalar("other", 1.0, 0, walltime=START)
    with SummaryWriter(str(path / "b")) as w:
        for i, step in enumerate(B_STEPS):
            w.add_scalar("loss", 2.0 + i, step, walltime=START + 2 * step)


def make(path):
    return create_app(path, poll=0.2, clock=lambda: FROZEN_NOW, display_name="cursor")


def card_text(card: ChartCard) -> list[str]:
    return [strip.text for strip in card._strips]


def line_of(card: ChartCard, run: str) -> str:
    return next(line for line in card_text(card) if f" {run} " in line[:6])


async def zoom(pilot, tag: str = "loss") -> ZoomedCard:
    app = pilot.app
    await loaded(pilot)
    card = next(c for c in app.query(ChartCard) if c.tag == tag)
    card.focus()
    await pilot.press("enter")
    assert await wait_for(pilot, lambda: bool(app.screen.query(ZoomedCard)))
    zoomed = app.screen.query_one(ZoomedCard)
    await settled(pilot)
    return zoomed


def smoothed(values: list[float], index: int, weight: float = 0.6) -> str:
    series = np.asarray(values, dtype=np.float32).astype(np.float64)
    return numfmt.compact(float(ema(series, weight)[index]))


def test_cursor_reads_exact_steps_and_values(tmp_path):
    write(tmp_path)

    async def go():
        app = make(tmp_path)
        async with app.run_test(size=(140, 40)) as pilot:
            card = await zoom(pilot)
            a_values = [0.1 * (i + 1) for i in range(len(A_STEPS))]
            # it starts at the newest step of the focused run (the first: "a")
            a = line_of(card, "a")
            assert "step 90 " in a and "value 1.0 " in a and smoothed(a_values, 9) in a
            assert "1m30s" in a  # 90 s after the run's first point
            b = line_of(card, "b")  # the other run at its point nearest to step 90
            assert "step 45 " in b and "value 11.0 " in b
            await pilot.press("h")
            await settled(pilot)
            a = line_of(card, "a")
            # the value exactly as logged (float32 0.9, not 0.8999999761581421)
            assert "step 80 " in a and "value 0.9 " in a and smoothed(a_values, 8) in a
            await pilot.press("H")  # ten points back: clamped at the first
            await settled(pilot)
            assert "step 0 " in line_of(card, "a") and "value 0.1 " in line_of(card, "a")
            await pilot.press("l", "l")
            await settled(pilot)
            a = line_of(card, "a")
            assert "step 20 " in a and "value 0.3 " in a and "20s" in a
            assert "step 20 " in line_of(card, "b") and "value 6.0 " in line_of(card, "b")
            await pilot.press("end")
            await settled(pilot)
            assert card.cursor is None and "step 90 " in line_of(card, "a")
            await pilot.press("home")
            await settled(pilot)
            assert "step 0 " in line_of(card, "a")
            # j: the cursor now steps through run b's points
            await pilot.press("end", "j", "h")
            await settled(pilot)
            assert app.state.selected == "b"
            assert "step 40 " in line_of(card, "b") and "value 10.0 " in line_of(card, "b")
            # the chart shows the cursor as a vertical line
            assert sum("│" in line for line in card_text(card)) > 10

    asyncio.run(go())


def test_cursor_at_the_newest_step_follows_new_data(tmp_path):
    write(tmp_path)

    async def go():
        app = make(tmp_path)
        async with app.run_test(size=(140, 40)) as pilot:
            card = await zoom(pilot)
            assert "step 90 " in line_of(card, "a")
            with SummaryWriter(str(tmp_path / "a"), filename_suffix=".more") as w:
                w.add_scalar("loss", 2.5, 100, walltime=START + 100)
            assert await wait_for(pilot, lambda: "step 100 " in line_of(card, "a"))
            assert "value 2.5 " in line_of(card, "a")
            await pilot.press("h")  # moved back: the cursor stays where it was put
            await settled(pilot)
            with SummaryWriter(str(tmp_path / "a"), filename_suffix=".more2") as w:
                w.add_scalar("loss", 3.5, 110, walltime=START + 110)
            assert await wait_for(
                pilot, lambda: app.state.runs["a"].scalars["loss"].steps[-1] == 110
            )
            await settled(pilot)
            assert "step 90 " in line_of(card, "a")

    asyncio.run(go())


def test_mouse_over_a_grid_card_reads_the_values_under_it(tmp_path):
    write(tmp_path)

    async def go():
        app = make(tmp_path)
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            card = next(c for c in app.query(ChartCard) if c.tag == "loss")
            frame = card.frame
            assert frame.right > frame.left
            column = frame.left + round(
                (40 - frame.x0) / (frame.x1 - frame.x0) * (frame.right - frame.left)
            )
            gutter = card.gutter
            await pilot.hover(card, offset=(column + gutter.left, 6 + gutter.top))
            await settled(pilot)
            assert card.hover == 40.0
            text = "\n".join(card_text(card))
            assert "step 40 " in text and "value 0.5 " in text
            await pilot.hover(app.screen.query_one("StatusBar"))
            await settled(pilot)
            assert card.hover is None and "step 40 " not in "\n".join(card_text(card))

    asyncio.run(go())
