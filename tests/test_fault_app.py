"""Fault tier, the app: hostile records and names must never crash or freeze ``tbx-top``.

Driven by Textual's Pilot on real files built from hostile records (tests/hostile.py). The app
must come up, keep every intact point, and answer keys in every view while the hostile data is
loaded.
"""

from __future__ import annotations

import asyncio
import math
import os
from pathlib import Path

import numpy as np
import pytest

from tbx_tui.tui.views.registry import VIEWS
from tbx_tui.tui.views.text import PAGE_CHARS, TextView
from tests import hostile as h
from tests.conftest import loaded, make_app, screen_text, wait_for

from .test_fault_names import BIDI, RUN_BYTES
from .test_fault_records import GARBAGE, HOSTILE_TENSORS

pytestmark = pytest.mark.fault

VIEW_KEYS = tuple(str(i + 1) for i in range(len(VIEWS)))


async def visit_every_view(pilot) -> None:
    """Every view shown, every x axis mode drawn: a crash anywhere ends the app."""
    tabs = pilot.app.query_one("#views")
    for key, view in zip(VIEW_KEYS, VIEWS, strict=True):
        await pilot.press(key)
        assert await wait_for(pilot, lambda v=view: tabs.active == f"view-{v.id}"), key
    await pilot.press("1")
    for _ in range(3):
        await pilot.press("x")
        await pilot.pause()
    assert pilot.app.is_running


def intact(tmp_path: Path, *middle: bytes, run: str = "r") -> Path:
    recs = [h.scalar("ok", i, float(i), wall=1.79578e9 + i) for i in range(10)]
    h.write(tmp_path / run / h.EV, *recs[:5], *middle, *recs[5:])
    return tmp_path


def test_item1_absurd_wall_times_do_not_kill_the_app(tmp_path):
    walls = [math.nan, math.inf, -math.inf, 1.7e18, 1e300]
    texts = [h.text("notes", i, f"text {i}", wall=w) for i, w in enumerate(walls)]
    scalars = [h.scalar("w", i, float(i), wall=w) for i, w in enumerate(walls)]
    path = intact(tmp_path, *texts, *scalars)

    async def go():
        app = make_app(path, display_name="hostile")
        async with app.run_test(size=(140, 44)) as pilot:
            await loaded(pilot)
            await visit_every_view(pilot)
            await pilot.press("4")
            assert await wait_for(pilot, lambda: "step 4" in screen_text(app))
            text = screen_text(app)
            assert "t=nan" in text and "t=1.7e+18" in text and "t=inf" in text
            assert app.state.runs["r"].scalars["ok"].steps.tolist() == list(range(10))

    asyncio.run(go())


def test_item2_garbage_hparams_do_not_kill_the_app(tmp_path):
    bad = [h.plugin_content("_hparams_/session_start_info", "hparams", g) for g in GARBAGE]
    path = intact(tmp_path, *bad)

    async def go():
        app = make_app(path, display_name="hostile")
        async with app.run_test(size=(140, 44)) as pilot:
            await loaded(pilot)
            await visit_every_view(pilot)
            run = app.state.runs["r"]
            assert run.warnings == len(GARBAGE) and len(run.scalars["ok"]) == 10

    asyncio.run(go())


def test_item3_hostile_tensors_do_not_kill_the_app(tmp_path):
    path = intact(tmp_path, *HOSTILE_TENSORS.values())

    async def go():
        app = make_app(path, display_name="hostile")
        async with app.run_test(size=(140, 44)) as pilot:
            await loaded(pilot)
            await visit_every_view(pilot)
            assert len(app.state.runs["r"].scalars["ok"]) == 10

    asyncio.run(go())


def test_item4_sidebar_escapes_folder_bytes_and_bidi(tmp_path):
    for name in RUN_BYTES:
        folder = os.path.join(os.fsencode(tmp_path), name)
        os.makedirs(folder)
        with open(os.path.join(folder, os.fsencode(h.EV)), "wb") as f:
            f.write(h.scalar("loss\u202e", 1, 1.0))

    async def go():
        app = make_app(tmp_path, display_name="hostile")
        async with app.run_test(size=(160, 44)) as pilot:
            await loaded(pilot)
            await visit_every_view(pilot)
            text = screen_text(app)
            assert not BIDI & set(text)
            assert not {chr(c) for c in range(0xDC80, 0xDD00)} & set(text)
            assert "lat\\xe9n" in text and "csi\\x9b2J" in text
            assert "evil\\u202egnp.exe" in text

    asyncio.run(go())


def test_item5_huge_text_is_paged_and_keys_are_answered(tmp_path):
    rng = np.random.default_rng(0)
    words = ["alpha", "**beta**", "`gamma`", "delta", "- item", "# head", "> quote"]
    lines = [" ".join(rng.choice(words, 12)) for _ in range(100_000)]
    body = "\n".join(lines)[: 5 << 20]
    path = intact(tmp_path, h.text("log", 1, body), h.text("log", 2, "small *text*"))

    async def go():
        app = make_app(path, display_name="hostile")
        async with app.run_test(size=(140, 44)) as pilot:
            await loaded(pilot)
            await pilot.press("4")
            view = app.query_one(TextView)
            pages = -(-(len(body) + len("small *text*")) // PAGE_CHARS)
            assert await wait_for(pilot, lambda: f"page 1/{pages}" in screen_text(app))
            assert 0 < view.rendered_chars <= PAGE_CHARS  # bounded, whatever the record holds
            notes = [str(w.content) for w in view.query(".text-body > Static")]
            assert any("more characters: n for the next page" in n for n in notes)
            await pilot.press("n")  # the next page of the big step
            assert await wait_for(pilot, lambda: f"page 2/{pages}" in screen_text(app))
            assert 0 < view.rendered_chars <= PAGE_CHARS
            await pilot.press("1")  # answered at once: the scalars view is back
            await pilot.pause()
            assert app.query_one("#views").active == "view-scalars"

    asyncio.run(go())
