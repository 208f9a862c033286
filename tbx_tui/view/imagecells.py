"""Images as terminal cells: truecolor half-blocks or an ASCII luminance ramp, aspect kept.

A terminal cell is about twice as tall as it is wide. Half-block mode draws two square pixels per
cell (``▀`` with the top pixel as foreground and the bottom one as background); ASCII mode draws one
character per cell whose density follows the pixel's luminance. :class:`Cells` holds the result
for any renderer (ANSI text or Rich Text). :class:`ImageCache` keeps decoded images in a bounded
LRU so a run with thousands of images costs little memory. No terminal code here.
"""

from __future__ import annotations

import io
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass

import numpy as np
from PIL import Image

HALF_BLOCK = "▀"
#: Dark to bright, for a dark terminal background.
ASCII_RAMP = " .:-=+*#%@"
#: Decoded images larger than this (either side) are reduced when decoded; cells never need more.
MAX_DECODED_SIDE = 1024


def decode(data: bytes, max_side: int = MAX_DECODED_SIDE) -> Image.Image:
    """Decode PNG/JPEG/GIF ``data`` to RGB (first frame; alpha composited on black), reduced so
    neither side exceeds ``max_side`` (JPEG via ``draft`` while decoding, others via ``reduce``)."""
    img: Image.Image = Image.open(io.BytesIO(data))
    if img.format == "JPEG":
        img.draft("RGB", (max_side, max_side))
    img.load()
    factor = max(1, -(-max(img.size) // max_side))  # ceil
    if factor > 1:
        img = img.reduce(factor)
    if img.mode in ("RGBA", "LA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        black = Image.new("RGBA", rgba.size, (0, 0, 0, 255))
        img = Image.alpha_composite(black, rgba)
    if img.mode != "RGB":
        img = img.convert("RGB")
    return img


def fit(img_w: int, img_h: int, cols: int, rows: int, upscale: bool = True) -> tuple[int, int]:
    """Cell size ``(cols, rows)`` of an ``img_w`` x ``img_h`` image drawn in at most ``cols`` x
    ``rows`` cells, aspect kept for cells twice as tall as wide. Never less than 1 x 1."""
    if img_w <= 0 or img_h <= 0 or cols <= 0 or rows <= 0:
        return (max(0, min(cols, 1)), max(0, min(rows, 1)))
    # In "half-cell" units a cell is 1 wide and 2 tall; the image keeps img_w : img_h.
    scale = min(cols / img_w, 2 * rows / img_h)
    if not upscale:
        scale = min(scale, 1.0)
    cw = max(1, min(cols, round(img_w * scale)))
    ch = max(1, min(rows, round(img_h * scale / 2)))
    return cw, ch


def _packed(rgb: np.ndarray) -> np.ndarray:
    """uint8 RGB pixels (..., 3) as one ``0xRRGGBB`` integer each."""
    rgb = rgb.astype(np.int64)
    return (rgb[..., 0] << 16) | (rgb[..., 1] << 8) | rgb[..., 2]


def _unpacked(value: int) -> tuple[int, int, int]:
    return value >> 16, (value >> 8) & 255, value & 255


#: rows, first columns, past-the-end columns, foregrounds, backgrounds (see Cells.run_bounds)
RunBounds = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray | None]


@dataclass
class Cells:
    """An image as ``height`` rows of ``width`` cells: a character, a foreground colour and (for
    half-blocks) a background colour per cell."""

    mode: str  # "halfblock" or "ascii"
    chars: list[str]
    fg: np.ndarray  # uint8 [rows, cols, 3]
    bg: np.ndarray | None  # uint8 [rows, cols, 3], half-blocks only

    @property
    def width(self) -> int:
        return self.fg.shape[1]

    @property
    def height(self) -> int:
        return self.fg.shape[0]

    def run_bounds(self) -> RunBounds:
        """Every run of equal colours, row by row, as arrays: its row, first and past-the-end
        column, and its colours packed as ``0xRRGGBB`` (foreground; background or None)."""
        fg = _packed(self.fg)
        change = np.ones(fg.shape, dtype=bool)  # every row starts a run
        change[:, 1:] = fg[:, 1:] != fg[:, :-1]
        bg = None
        if self.bg is not None:
            bg = _packed(self.bg)
            change[:, 1:] |= bg[:, 1:] != bg[:, :-1]
        rows, starts = np.nonzero(change)
        flat = rows * fg.shape[1] + starts
        # a run ends where the next one starts (the next row's first run, after a row's last one)
        ends = np.append(flat[1:], fg.size)[: len(flat)] - rows * fg.shape[1]
        return rows, starts, ends, fg[rows, starts], None if bg is None else bg[rows, starts]

    def runs(self) -> Iterator[list[tuple[str, tuple[int, int, int], tuple[int, int, int] | None]]]:
        """Each row as runs of ``(text, fg_rgb, bg_rgb or None)`` with equal colours merged."""
        rows, starts, ends, fg, bg = self.run_bounds()
        out: list[list] = [[] for _ in self.chars]
        backs = [None] * len(fg) if bg is None else [_unpacked(b) for b in bg.tolist()]
        bounds = zip(rows.tolist(), starts.tolist(), ends.tolist(), fg.tolist(), backs, strict=True)
        for r, s, e, f, b in bounds:
            out[r].append((self.chars[r][s:e], _unpacked(f), b))
        yield from out

    def text(self) -> str:
        return "\n".join(self.chars)


def _resize(img: Image.Image, w: int, h: int) -> np.ndarray:
    if (w, h) == img.size:
        return np.asarray(img)
    shrinking = w <= img.width and h <= img.height
    return np.asarray(
        img.resize((w, h), Image.Resampling.BOX if shrinking else Image.Resampling.NEAREST)
    )


def luminance(rgb: np.ndarray) -> np.ndarray:
    """Rec. 709 luma of uint8 RGB pixels, 0..255 float."""
    return rgb[..., :3].astype(np.float32) @ np.array([0.2126, 0.7152, 0.0722], dtype=np.float32)


def to_cells(
    img: Image.Image, cols: int, rows: int, mode: str = "halfblock", upscale: bool = True
) -> Cells:
    """``img`` (RGB) fitted into ``cols`` x ``rows`` cells in ``mode`` ("halfblock" or "ascii")."""
    if mode not in ("halfblock", "ascii"):
        raise ValueError(f"unknown cell mode {mode!r}")
    if img.mode != "RGB":
        img = img.convert("RGB")
    cw, ch = fit(img.width, img.height, cols, rows, upscale)
    if mode == "halfblock":
        # Pixel rows: twice the cell rows, fitted with the exact aspect then padded to even.
        scale = min(cw / img.width, 2 * ch / img.height)
        ph = max(1, min(2 * ch, round(img.height * scale)))
        px = _resize(img, cw, ph)
        if ph % 2:
            px = np.concatenate([px, np.zeros((1, cw, 3), np.uint8)])
        top, bottom = px[0::2], px[1::2]
        chars = [HALF_BLOCK * cw] * top.shape[0]
        return Cells("halfblock", chars, np.ascontiguousarray(top), np.ascontiguousarray(bottom))
    px = _resize(img, cw, ch)
    lum = luminance(px)
    idx = np.minimum((lum * (len(ASCII_RAMP) / 256.0)).astype(np.int64), len(ASCII_RAMP) - 1)
    ramp = np.array(list(ASCII_RAMP))
    chars = ["".join(row) for row in ramp[idx].tolist()]
    return Cells("ascii", chars, np.ascontiguousarray(px), None)


class ImageCache:
    """A bounded LRU of decoded images, sized by their pixel bytes (default 64 MB). Thread-safe."""

    def __init__(self, max_bytes: int = 64 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self._items: OrderedDict[Hashable, Image.Image] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = 0

    @staticmethod
    def _size(img: Image.Image) -> int:
        return img.width * img.height * len(img.getbands())

    @property
    def nbytes(self) -> int:
        return self._bytes

    def __len__(self) -> int:
        return len(self._items)

    def get(self, key: Hashable, load: Callable[[], bytes]) -> Image.Image:
        """The decoded image for ``key``; ``load()`` gives its encoded bytes on a miss."""
        with self._lock:
            img = self._items.get(key)
            if img is not None:
                self._items.move_to_end(key)
                self.hits += 1
                return img
        img = decode(load())
        size = self._size(img)
        with self._lock:
            if key not in self._items:
                self._items[key] = img
                self._bytes += size
            while self._bytes > self.max_bytes and len(self._items) > 1:
                _, old = self._items.popitem(last=False)
                self._bytes -= self._size(old)
        return img

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._bytes = 0


#: The process-wide cache the views and the report share.
CACHE = ImageCache()


def load_image(info) -> Image.Image:
    """The decoded image of an :class:`tbx_tui.read.store.ImageInfo`, through :data:`CACHE`."""
    from tbx_tui.read.events import image_bytes

    key = (info.ref, info.value_index, info.image_index)  # an event may hold several images
    return CACHE.get(key, lambda: image_bytes(info))
