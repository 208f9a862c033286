"""Image -> cells (half-blocks, ASCII), the decoded-image cache, sixel/kitty encoders, detection."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pytest
from PIL import Image

from tbx_tui.read.logdir import Logdir
from tbx_tui.term import termgraphics
from tbx_tui.view import imagecells
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit

RED, GREEN, BLUE, WHITE = (255, 0, 0), (0, 255, 0), (0, 0, 255), (255, 255, 255)


def _known() -> Image.Image:
    """4 x 2 pixels: top row red, green, blue, white; bottom row black."""
    px = np.zeros((2, 4, 3), np.uint8)
    px[0] = [RED, GREEN, BLUE, WHITE]
    return Image.fromarray(px)


def _png(img: Image.Image, fmt: str = "PNG") -> bytes:
    buf = io.BytesIO()
    img.save(buf, format=fmt)
    return buf.getvalue()


def test_halfblock_colours_of_known_image():
    cells = imagecells.to_cells(_known(), 4, 1, "halfblock")
    assert (cells.width, cells.height) == (4, 1)
    assert cells.chars == ["▀▀▀▀"]
    assert [tuple(c) for c in cells.fg[0]] == [RED, GREEN, BLUE, WHITE]
    assert (cells.bg == 0).all()
    runs = list(cells.runs())
    assert [(t, f, b) for t, f, b in runs[0]] == [
        ("▀", RED, (0, 0, 0)),
        ("▀", GREEN, (0, 0, 0)),
        ("▀", BLUE, (0, 0, 0)),
        ("▀", WHITE, (0, 0, 0)),
    ]


def test_ascii_luminance_ramp():
    px = np.zeros((1, 3, 3), np.uint8)
    px[0, 1] = (128, 128, 128)
    px[0, 2] = WHITE
    cells = imagecells.to_cells(Image.fromarray(px), 3, 1, "ascii", upscale=False)
    ramp = imagecells.ASCII_RAMP
    assert cells.chars[0][0] == ramp[0] and cells.chars[0][2] == ramp[-1]
    assert ramp.index(cells.chars[0][1]) in (4, 5)
    assert cells.bg is None and cells.text().isascii()


@pytest.mark.parametrize("mode", ["halfblock", "ascii"])
@pytest.mark.parametrize(
    "size,area,expect",
    [
        ((100, 50), (100, 40), (100, 25)),  # wide: width-bound; 2:1 cells halve the rows
        ((50, 200), (100, 40), (20, 40)),  # tall: height-bound
        ((1024, 1024), (100, 40), (80, 40)),  # square: 80 cols x 40 rows looks square
        ((3, 3), (10, 10), (10, 5)),  # small images are scaled up to fill
    ],
)
def test_aspect_ratio(mode, size, area, expect):
    img = Image.new("RGB", size, (10, 20, 30))
    cells = imagecells.to_cells(img, *area, mode)
    assert (cells.width, cells.height) == expect
    assert len(cells.chars) == cells.height and all(len(r) == cells.width for r in cells.chars)
    assert cells.width <= area[0] and cells.height <= area[1]


def test_fit_degenerate():
    assert imagecells.fit(0, 10, 10, 10) == (1, 1)
    assert imagecells.fit(10, 10, 0, 0) == (0, 0)
    assert imagecells.fit(1000, 1, 10, 10) == (10, 1)


def test_decode_reduces_alpha_and_formats():
    big = Image.new("RGBA", (3000, 1000), (255, 0, 0, 0))
    img = imagecells.decode(_png(big))
    assert img.mode == "RGB" and max(img.size) <= imagecells.MAX_DECODED_SIDE
    assert img.getpixel((0, 0)) == (0, 0, 0)  # transparent over black
    jpg = imagecells.decode(_png(Image.new("RGB", (2048, 2048), WHITE), "JPEG"), max_side=256)
    assert max(jpg.size) <= 256
    gif = imagecells.decode(_png(Image.new("P", (8, 8)), "GIF"))
    assert gif.size == (8, 8) and gif.mode == "RGB"


def test_cache_is_bounded_lru():
    cache = imagecells.ImageCache(max_bytes=3 * 100 * 100 * 3)
    loads = []

    def loader(i):
        def load():
            loads.append(i)
            return _png(Image.new("RGB", (100, 100), (i, 0, 0)))

        return load

    for i in range(5):
        cache.get(i, loader(i))
    assert len(cache) == 3 and cache.nbytes <= cache.max_bytes
    cache.get(4, loader(4))
    assert loads == [0, 1, 2, 3, 4] and cache.hits == 1
    cache.get(0, loader(0))  # evicted earlier: loaded again
    assert loads[-1] == 0


def test_corpus_images_to_cells():
    for folder, tag in (
        ("tbx/main", "sample/rand"),
        ("torch/main", "fig/hist"),
        ("tf/tf2", "imgs/noise"),
    ):
        ld = Logdir(f"{CORPUS}/{folder}")
        ld.refresh()
        for info in ld.runs["."].images[tag][-1].data:
            img = imagecells.load_image(info)
            assert img.size == (info.width, info.height)
            cells = imagecells.to_cells(img, 40, 12, "halfblock")
            assert 1 <= cells.width <= 40 and 1 <= cells.height <= 12


# -- sixel --------------------------------------------------------------------------------------


def _decode_sixel(seq: str) -> tuple[int, int, np.ndarray]:
    """A minimal sixel decoder for the tests: returns width, height and RGB pixels (0..100 %)."""
    assert seq.startswith("\x1bP") and seq.endswith("\x1b\\")
    body = seq[2:-2]
    head, body = body.split("q", 1)
    m = re.match(r'"1;1;(\d+);(\d+)', body)
    w, h = int(m.group(1)), int(m.group(2))
    body = body[m.end() :]
    palette = {}
    px = np.full((h + 6, w, 3), -1, np.int64)
    x, y, colour = 0, 0, None
    for tok in re.finditer(r"#(\d+);2;(\d+);(\d+);(\d+)|#(\d+)|!(\d+)(.)|([?-~])|(\$)|(-)", body):
        if tok.group(1):
            palette[int(tok.group(1))] = (int(tok.group(2)), int(tok.group(3)), int(tok.group(4)))
        elif tok.group(5):
            colour = palette[int(tok.group(5))]
        elif tok.group(6) or tok.group(8):
            n = int(tok.group(6)) if tok.group(6) else 1
            bits = ord(tok.group(7) or tok.group(8)) - 63
            for k in range(6):
                if bits >> k & 1:
                    px[y + k, x : x + n] = colour
            x += n
        elif tok.group(9):
            x = 0
        elif tok.group(10):
            x, y = 0, y + 6
    return w, h, px[:h]


def test_sixel_is_well_formed_and_round_trips():
    img = Image.fromarray(
        np.kron(np.array([[0, 1], [2, 3]]), np.ones((7, 5), int)).astype(np.uint8)
    )
    colours = np.array([RED, GREEN, BLUE, WHITE], np.uint8)
    rgb = Image.fromarray(colours[np.asarray(img)])
    seq = termgraphics.sixel(rgb)
    w, h, px = _decode_sixel(seq)
    assert (w, h) == (10, 14)
    assert seq.count("-") == 3  # ceil(14 / 6) bands
    want = (colours[np.asarray(img)].astype(np.int64) * 100 + 127) // 255
    np.testing.assert_array_equal(px, want)
    assert "\x07" not in seq and seq.count("\x1b") == 2


def test_sixel_rle_and_many_colours():
    flat = termgraphics.sixel(Image.new("RGB", (200, 6), BLUE))
    assert "!200~" in flat
    noise = Image.fromarray(np.random.default_rng(0).integers(0, 256, (30, 40, 3), np.uint8))
    seq = termgraphics.sixel(noise, colors=64)
    w, h, px = _decode_sixel(seq)
    assert (w, h) == (40, 30) and (px >= 0).all()
    assert len(re.findall(r"#\d+;2;", seq)) <= 64


def _reference_sixel(idx: np.ndarray, pal: np.ndarray) -> str:
    """The encoder as it was before it was vectorised: band by band, colour by colour, in Python.
    The numpy encoder must produce exactly the same bytes."""
    h, w = idx.shape
    parts = ["\x1bP0;1;0q", f'"1;1;{w};{h}']
    pct = (pal * 100 + 127) // 255
    parts.extend(f"#{i};2;{r};{g};{b}" for i, (r, g, b) in enumerate(pct.tolist()))
    padded = np.concatenate([idx, np.full(((-h) % 6, w), -1, np.int16)]).astype(np.int64)
    for top in range(0, h, 6):
        band = padded[top : top + 6]
        layers = []
        for c in sorted(set(band.ravel().tolist()) - {-1}):
            bits = [sum(1 << k for k in range(6) if band[k, x] == c) for x in range(w)]
            while not bits[-1]:
                bits.pop()
            text, x = "", 0
            while x < len(bits):
                n = 1
                while x + n < len(bits) and bits[x + n] == bits[x]:
                    n += 1
                ch = chr(63 + bits[x])
                text += f"!{n}{ch}" if n > 3 else ch * n
                x += n
            layers.append(f"#{c}" + text)
        parts.append("$".join(layers) + "-")
    return "".join(parts) + "\x1b\\"


def _photo(w: int, h: int, seed: int = 0) -> Image.Image:
    """Smooth colour waves plus noise: many colours, short runs (a photo's worst case)."""
    y, x = np.mgrid[0:h, 0:w]
    waves = np.stack(
        [np.sin(x / 37) * np.cos(y / 23), np.sin((x + y) / 51), np.cos(x / 17 - y / 29)], -1
    )
    noise = np.random.default_rng(seed).normal(0, 20, (h, w, 3))
    return Image.fromarray(np.clip(128 + 100 * waves + noise, 0, 255).astype(np.uint8))


@pytest.mark.parametrize(
    "img,colors",
    [
        (_photo(40, 30), 256),
        (_photo(97, 61, seed=1), 16),
        (_photo(128, 128, seed=2), 256),  # the largest image quantized as before
        (_photo(1, 1), 256),
        (_photo(333, 7), 2),
        (Image.new("RGB", (200, 6), BLUE), 256),
        (Image.fromarray(np.kron(np.eye(4), np.ones((5, 9))).astype(np.uint8) * 255), 256),
    ],
)
def test_sixel_encoder_is_byte_identical_to_the_reference(img, colors):
    from tbx_tui.term import sixel

    idx, pal = sixel.quantize(img, colors)
    expected = _reference_sixel(idx, pal)
    assert sixel.encode(idx, pal) == expected
    assert termgraphics.sixel(img, colors) == expected
    # the palette of a small image is the median cut of the whole image, as it always was
    q = img.convert("RGB").quantize(colors=colors, method=Image.Quantize.MEDIANCUT, dither=0)
    np.testing.assert_array_equal(idx, np.asarray(q))


def test_sixel_of_a_large_photo_decodes_close_to_it():
    img = _photo(700, 430)
    w, h, px = _decode_sixel(termgraphics.sixel(img))
    assert (w, h) == (700, 430) and (px >= 0).all()
    want = np.asarray(img).astype(np.int64) * 100 / 255
    # percent; a median cut of the whole photo (the encoder before, ten times slower) gives 4.1
    assert np.abs(px - want).mean() < 4.5


# -- kitty, tmux, detection ---------------------------------------------------------------------


def test_kitty_chunks_and_payload():
    png = _png(Image.fromarray(np.random.default_rng(1).integers(0, 256, (64, 64, 3), np.uint8)))
    seq = termgraphics.kitty(png, cols=20, rows=10, image_id=7)
    chunks = re.findall(r"\x1b_G([^;]*);([A-Za-z0-9+/=]*)\x1b\\", seq)
    assert "".join(f"\x1b_G{c};{d}\x1b\\" for c, d in chunks) == seq
    assert len(chunks) > 1 and all(len(d) <= 4096 for _, d in chunks)
    first = dict(kv.split("=") for kv in chunks[0][0].split(","))
    assert first["a"] == "T" and first["f"] == "100" and first["c"] == "20" and first["r"] == "10"
    assert [c for c, _ in chunks[1:]] == ["m=1"] * (len(chunks) - 2) + ["m=0"]
    assert first["m"] == "1"
    assert base64.standard_b64decode("".join(d for _, d in chunks)) == png
    assert termgraphics.kitty_delete(7) == "\x1b_Ga=d,d=I,i=7,q=2\x1b\\"


def test_tmux_wrap_doubles_escapes():
    wrapped = termgraphics.tmux_wrap("\x1bPq#0-\x1b\\")
    assert wrapped.startswith("\x1bPtmux;\x1b\x1bPq") and wrapped.endswith("\x1b\x1b\\\x1b\\")


@pytest.mark.parametrize(
    "env,da1,encoding,mode",
    [
        ({"TERM": "xterm-kitty"}, None, "utf-8", "kitty"),
        ({"TERM": "xterm-256color", "KITTY_WINDOW_ID": "1"}, None, "utf-8", "kitty"),
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, None, "utf-8", "kitty"),
        ({"TERM": "foot"}, None, "utf-8", "sixel"),
        ({"TERM": "xterm-256color"}, "\x1b[?62;4;22c", "utf-8", "sixel"),
        ({"TERM": "xterm-256color"}, "\x1b[?62;22c", "utf-8", "halfblock"),
        ({"TERM": "xterm-256color"}, None, "ascii", "ascii"),
        ({"TERM": "dumb"}, None, "utf-8", "ascii"),
    ],
)
def test_detect(env, da1, encoding, mode):
    assert termgraphics.detect(env, encoding, da1).mode == mode


def test_detect_tmux_and_resolve():
    cap = termgraphics.detect({"TERM": "tmux-256color", "TMUX": "/tmp/x"}, "utf-8", "\x1b[?1;2;4c")
    assert cap.mode == "sixel" and cap.tmux
    assert termgraphics.resolve("auto", interactive=False, encoding="UTF-8") == "halfblock"
    assert termgraphics.resolve("auto", interactive=False, encoding="ascii") == "ascii"
    assert termgraphics.resolve("kitty", interactive=False, encoding="ascii") == "kitty"
    env = {"TERM": "xterm-kitty"}
    assert termgraphics.resolve("auto", interactive=True, env=env, probe=False) == "kitty"
