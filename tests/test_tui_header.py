"""The header fits the width: at 80 columns the last-data time and the option flags stay on
screen (the point count and watching mode give way first, then the logdir's name is cut from the
left); at 160 columns everything shows."""

from __future__ import annotations

import asyncio
import time

import pytest

from tbx_tui.read.logdir import Logdir
from tbx_tui.tui.status import cut_left
from tests.conftest import CORPUS, loaded, make_app, screen_text

pytestmark = pytest.mark.app


def newest_stamp(path) -> str:
    ld = Logdir(str(path))
    ld.refresh()
    newest = max(r.last_wall_time for r in ld.runs.values())
    return time.strftime("%H:%M:%S", time.localtime(newest))


def header_at(path, size, *keys, display_name="corpus") -> str:
    """The header line once the data is read (the clock: an hour after the newest data)."""

    async def go() -> str:
        ld = Logdir(str(path))
        ld.refresh()
        newest = max(r.last_wall_time for r in ld.runs.values())
        app = make_app(path, display_name=display_name, clock=lambda: newest + 3600)
        async with app.run_test(size=size) as pilot:
            await loaded(pilot)
            await pilot.press(*keys)
            await pilot.pause()
            return screen_text(app).splitlines()[0]

    return asyncio.run(go())


@pytest.mark.parametrize("size", [(80, 24), (160, 48)], ids=["80x24", "160x48"])
def test_the_last_data_time_and_flags_are_on_screen(utc, size):
    path = CORPUS / "tbx"
    line = header_at(path, size, "y", "o")
    stamp = newest_stamp(path)
    assert f"data {stamp}" in line
    assert line.rstrip().endswith("log-y · no-outl]" if size[0] == 80 else "no outliers]")
    assert "4 runs" in line and " corpus " in line
    if size[0] == 160:
        assert f"4 runs · 242 pts · polling 0.2s · last data {stamp}" in line
    else:
        assert "pts" not in line and "polling" not in line  # the least useful parts go first


def test_a_long_logdir_name_is_cut_from_the_left(utc):
    name = "/home/someone/experiments/2026/a-rather-long-project-name/runs"
    line = header_at(CORPUS / "tbx", (80, 24), display_name=name)
    stamp = newest_stamp(CORPUS / "tbx")
    assert f"data {stamp}" in line and line.rstrip().endswith("x step]")
    assert " …" in line and "name/runs  4 runs" in line
    assert len(line.rstrip()) <= 80


def test_cut_left_keeps_the_end():
    assert cut_left("abcdef", 10, "…") == "abcdef"
    assert cut_left("abcdef", 4, "…") == "…def"
    assert cut_left("abcdef", 5, "...") == "...ef"
    assert cut_left("日本語のフォルダ", 5, "…") == "…ルダ"  # wide characters take two columns
