"""The sixel path as a real terminal (xterm -ti vt340) sees it: image size from the tty's cell
pixels and the terminal's largest sixel image, and the Images view's lines clearing what was under
the image before drawing it (see screenshots/make_sixel_shot.sh)."""

from __future__ import annotations

import asyncio
import fcntl
import os
import re
import struct
import termios

import pytest

from tbx_tui.term import termgraphics
from tbx_tui.tui.views.images import GraphicsBody, ImageView
from tests.conftest import CORPUS
from tests.views_harness import ViewHarness, drawn

pytestmark = pytest.mark.app

XTERM_GEOMETRY = "\x1b[?2;0;1000;855S"  # xterm's reply: maxGraphicSize 1000x1000, window 855 high


def raster(seq: str) -> tuple[int, int]:
    """Width and height from a sixel image's raster attributes."""
    m = re.search(r'\x1bP0;1;0q"1;1;(\d+);(\d+)', seq)
    assert m, seq[:40]
    return int(m[1]), int(m[2])


def test_sixel_size_fills_the_box_keeping_the_aspect():
    # 300x200 in 100x37 cells of 9x19 px (xterm, DejaVu Sans Mono 11): 900x600
    assert termgraphics.sixel_size((300, 200), 100, 37, (9, 19)) == (900, 600)
    # tall image: the height decides, and is no more than whole sixel bands of the box
    w, h = termgraphics.sixel_size((100, 400), 100, 10, (9, 19))
    assert h <= 190 - 190 % 6 and abs(w / h - 0.25) < 0.01


def test_sixel_size_within_the_terminals_limit():
    # 150 columns of 9 px is 1350 px: xterm would drop such an image, so 1000 wide at most
    w, h = termgraphics.sixel_size((300, 200), 150, 40, (9, 19), limit=(1000, 855))
    assert (w, h) == (1000, 666)
    w, h = termgraphics.sixel_size((200, 300), 150, 60, (9, 19), limit=(1000, 855))
    assert h <= 852 and w == h * 2 // 3
    assert termgraphics.sixel_size((300, 200), 0, 10, (9, 19)) == (0, 0)


@pytest.mark.parametrize(
    "reply,geometry",
    [
        (XTERM_GEOMETRY, (1000, 855)),
        (XTERM_GEOMETRY + "\x1b[?63;1;2;4;6;9;15;16;22;28c", (1000, 855)),
        ("\x1b[?62;4;22c", None),  # no XTSMGRAPHICS: only the DA1 reply
        ("\x1b[?2;3;0S", None),  # failure status
        (None, None),
    ],
)
def test_parse_sixel_geometry(reply, geometry):
    assert termgraphics.parse_sixel_geometry(reply) == geometry


def test_cell_pixels_from_a_pty():
    main, tty = os.openpty()
    try:
        fcntl.ioctl(tty, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 150, 1350, 855))
        assert termgraphics.cell_pixels(tty) == (9, 19)
        fcntl.ioctl(tty, termios.TIOCSWINSZ, struct.pack("HHHH", 45, 150, 0, 0))
        assert termgraphics.cell_pixels(tty) is None  # no pixel size reported
    finally:
        os.close(main)
        os.close(tty)
    r, w = os.pipe()
    try:
        assert termgraphics.cell_pixels(r) is None
    finally:
        os.close(r)
        os.close(w)


def test_graphics_body_clears_every_line_then_draws_within_the_limit():
    async def run():
        app = ViewHarness(f"{CORPUS}/tbx/main", ImageView, images="sixel", sixel_limit=(1000, 855))
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.pause()
            body = app.query_one(GraphicsBody)
            assert body.sixel_limit == (1000, 855)
            # 150 x 45 cells of 9 x 19 px: clamped to the limit, not 1350 px wide
            info = app.query_one(ImageView).image_info()
            w, h = raster(body.encode(info, 150, 45, (9, 19)))
            assert w <= 1000 and h <= 855 - 855 % 6
            assert raster(body.encode(info, 40, 20, (10, 20)))[0] <= 400
            await drawn(pilot, body)
            strips = body.render_lines(body.region.reset_offset)
            background = body.rich_style.bgcolor
            for strip in strips:  # every line is painted: no residue of the previous view
                cells = [seg for seg in strip if not seg.control and "\x1b" not in seg.text]
                assert "".join(seg.text for seg in cells) == " " * body.size.width
                assert all(seg.style and seg.style.bgcolor == background for seg in cells)
            last = [seg.text for seg in strips[-1]]
            image_at = next(i for i, text in enumerate(last) if "\x1bP0;1;0q" in text)
            # blanks first, then the cursor to the widget's corner and the image
            assert last[0] == " " * body.size.width and last[image_at - 1].startswith("\x1b[")

    asyncio.run(run())
