"""Half-block pictures are built whole on the render thread, down to the strips painted: the UI
thread paints them as they are (no per-cell styling, no per-style escape codes, no
ANSI-to-truecolour lookups)."""

from __future__ import annotations

import asyncio
import threading

import numpy as np
import pytest
from rich.color import Color
from rich.console import Console
from rich.style import Style
from textual.filter import ANSIToTruecolor
from textual.strip import Strip

from tbx_tui import SummaryWriter
from tbx_tui.tui.views import images
from tbx_tui.tui.views.images import ImageBody, ImageView
from tbx_tui.tui.views.imagestrips import picture
from tbx_tui.view import imagecells
from tests.conftest import CORPUS
from tests.views_harness import ViewHarness, drawn

pytestmark = pytest.mark.app

BASE = Style(color=Color.from_rgb(200, 200, 200), bgcolor=Color.from_rgb(10, 20, 30))


def naive_runs(cells: imagecells.Cells) -> list[tuple[int, int, int, int, int]]:
    """(row, start, end, fg, bg) of each run of equal colours, one cell at a time."""
    out = []
    for r in range(cells.height):
        key = [(tuple(cells.fg[r, c]), tuple(cells.bg[r, c])) for c in range(cells.width)]
        start = 0
        for c in range(1, cells.width + 1):
            if c == cells.width or key[c] != key[start]:
                (fr, fg_, fb), (br, bg_, bb) = key[start]
                fg = (int(fr) << 16) | (int(fg_) << 8) | int(fb)
                bg = (int(br) << 16) | (int(bg_) << 8) | int(bb)
                out.append((r, start, c, fg, bg))
                start = c
    return out


def test_runs_of_equal_colours_match_a_cell_by_cell_scan():
    rng = np.random.default_rng(1)
    px = rng.integers(0, 3, (14, 9, 3), dtype=np.uint8) * 100  # few colours: long runs
    px[:, 4:] = 7  # a run to the end of each row
    cells = imagecells.to_cells(imagecells.Image.fromarray(px), 9, 7, "halfblock")
    rows, starts, ends, fg, bg = cells.run_bounds()
    columns = (rows, starts, ends, fg, bg)
    got = list(zip(*(c.tolist() for c in columns), strict=True))
    assert got == naive_runs(cells)


def test_picture_strips_carry_the_cells_colours_padded_and_ready_to_write():
    px = np.zeros((4, 3, 3), np.uint8)
    px[0] = [(255, 0, 0), (255, 0, 0), (0, 0, 255)]  # top pixels of the first cell row
    px[1] = [(0, 255, 0), (0, 255, 0), (0, 255, 0)]
    cells = imagecells.to_cells(imagecells.Image.fromarray(px), 3, 2, "halfblock")
    console = Console(color_system="truecolor", force_terminal=True)
    pic = picture(cells, True, BASE, 6, console)
    assert pic.chars == cells.chars and len(pic.strips) == 2
    first = list(pic.strips[0])
    assert [s.text for s in first] == ["▀▀", "▀", "   "]  # equal neighbours merged, then padding
    assert first[0].style.color.triplet == (255, 0, 0)
    assert first[0].style.bgcolor.triplet == (0, 255, 0)
    assert first[1].style.color.triplet == (0, 0, 255)
    assert first[2].style == BASE  # the padding is in the body's style
    assert all(strip.cell_length == 6 for strip in pic.strips)
    # each style's escape codes were made with the picture: writing it adds nothing to
    # Textual's cache of styles (which would keep thousands of a photo's styles alive)
    before = Strip.render_ansi.cache_info()
    line = pic.strips[0].render(console)
    after = Strip.render_ansi.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)
    assert "\x1b[38;2;255;0;0;48;2;0;255;0m▀▀" in line
    # without colour: the characters in the body's style
    plain = picture(cells, False, BASE, 6, console)
    assert [[(s.text, s.style) for s in strip] for strip in plain.strips][0] == [
        ("▀▀▀", BASE),
        ("   ", BASE),
    ]


def test_the_picture_is_made_on_the_render_thread_and_painted_as_it_is(tmp_path, monkeypatch):
    rng = np.random.default_rng(0)
    with SummaryWriter(str(tmp_path / "run")) as w:
        w.add_image("noise", rng.integers(0, 256, (60, 80, 3), np.uint8), 0, dataformats="HWC")
    made: list[tuple[str, list[Strip]]] = []
    real = images.picture

    def recorded(*args, **kwargs):
        pic = real(*args, **kwargs)
        made.append((threading.current_thread().name, pic.strips))
        return pic

    monkeypatch.setattr(images, "picture", recorded)

    async def go() -> None:
        app = ViewHarness(str(tmp_path), ImageView, images="halfblock")
        async with app.run_test(size=(100, 30)) as pilot:
            body = app.query_one(ImageBody)
            await drawn(pilot, body)
            assert [name for name, _ in made] == ["tbx-views"]
            strips = made[0][1]
            painted = [body.render_line(y) for y in range(len(strips))]
            assert all(p is s for p, s in zip(painted, strips, strict=True))
            # Textual's ANSI-to-truecolour filter is left out for the picture, not for the
            # lines of text around it
            assert app.get_line_filters() and not [
                f for f in body.get_line_filters() if isinstance(f, ANSIToTruecolor)
            ]

    asyncio.run(go())


def test_a_note_above_the_picture_is_still_converted_to_truecolour():
    import dataclasses

    async def go() -> None:
        app = ViewHarness(f"{CORPUS}/tbx/main", ImageView, images="sixel")
        app.settings = dataclasses.replace(app.settings, tmux_passthrough=False)
        async with app.run_test(size=(120, 30)) as pilot:
            body = app.query_one(ImageBody)
            await drawn(pilot, body)
            body.render_lines(body.region.reset_offset)
            note = body.render_line(0)
            assert "needs tmux's passthrough" in note.text
            styles = [s.style for s in note if s.style is not None and s.style.color]
            assert styles and all(s.color.triplet is not None for s in styles)  # not ANSI yellow

    asyncio.run(go())
