"""Image, video and figure encoding: arrays in any of the usual layouts to PNG or GIF bytes.

Layouts follow tensorboardX: ``CHW``/``HWC``/``HW`` (and any permutation), batches ``NCHW``/
``NHWC`` tiled into a grid of up to 8 columns, videos ``NTCHW`` tiled into a power-of-two grid.
One-channel images become RGB. Floats are taken to be in [0, 1] and scaled by 255; ``uint8`` is
used as is. Pillow encodes; matplotlib is imported only by :func:`figure_to_chw`.
"""

from __future__ import annotations

import io
import math
import struct
import zlib

import numpy as np


def _check_format(tag: str, arr: np.ndarray, fmt: str, allowed: set[int]) -> str:
    if not isinstance(fmt, str):
        raise TypeError(f"{tag!r}: dataformats must be a str such as 'CHW', got {fmt!r}")
    fmt = fmt.upper()
    if len(set(fmt)) != len(fmt) or not set(fmt) <= set("NTCHW") or len(fmt) not in allowed:
        raise ValueError(f"{tag!r}: bad dataformats {fmt!r}")
    if arr.ndim != len(fmt):
        raise ValueError(
            f"{tag!r}: image of rank {arr.ndim} (shape {tuple(arr.shape)}) does not match "
            f"dataformats {fmt!r} (rank {len(fmt)})"
        )
    if not (np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_):
        raise TypeError(f"{tag!r}: image values must be numeric, got {arr.dtype}")
    return fmt


def _channels_ok(tag: str, c: int) -> None:
    if c not in (1, 3, 4):
        raise ValueError(f"{tag!r}: images need 1, 3 or 4 channels, got {c}")


def _to_uint8(arr: np.ndarray) -> np.ndarray:
    """uint8 as is; anything else scaled by 255 (as tensorboardX does), clipped, NaN as 0."""
    if arr.dtype == np.uint8:
        return arr
    scaled = arr.astype(np.float32) * np.float32(255.0)
    np.fmax(scaled, 0, out=scaled)  # fmax/fmin drop NaN in favour of the bound
    np.fmin(scaled, 255, out=scaled)
    return scaled.astype(np.uint8)


def grid(batch: np.ndarray, ncols: int = 8) -> np.ndarray:
    """``[N, C, H, W]`` tiled into one ``[C, rows*H, cols*W]`` image, row by row."""
    n, c, h, w = batch.shape
    if c == 1:
        batch = np.repeat(batch, 3, axis=1)
        c = 3
    cols = max(1, min(n, ncols))
    rows = -(-n // cols)
    canvas = np.zeros((c, rows * h, cols * w), dtype=batch.dtype)
    for i in range(n):
        y, x = divmod(i, cols)
        canvas[:, y * h : (y + 1) * h, x * w : (x + 1) * w] = batch[i]
    return canvas


def to_hwc(tag: str, arr: np.ndarray, dataformats: str = "CHW") -> np.ndarray:
    """Any supported layout as an ``[H, W, 3 or 4]`` array of the input's dtype."""
    fmt = _check_format(tag, arr, dataformats, {2, 3, 4})
    if len(fmt) == 4:
        if set(fmt) != set("NCHW"):
            raise ValueError(f"{tag!r}: batched dataformats must use N, C, H, W, got {fmt!r}")
        nchw = arr.transpose([fmt.index(k) for k in "NCHW"])
        _channels_ok(tag, nchw.shape[1])
        if nchw.shape[0] == 0:
            raise ValueError(f"{tag!r}: an empty batch of images")
        return grid(nchw).transpose(1, 2, 0)
    if len(fmt) == 3:
        if set(fmt) != set("HWC"):
            raise ValueError(f"{tag!r}: dataformats must use C, H, W, got {fmt!r}")
        hwc = arr.transpose([fmt.index(k) for k in "HWC"])
        _channels_ok(tag, hwc.shape[2])
        return np.repeat(hwc, 3, axis=2) if hwc.shape[2] == 1 else hwc
    if set(fmt) != set("HW"):
        raise ValueError(f"{tag!r}: two-dimensional dataformats must be 'HW', got {fmt!r}")
    hw = arr.transpose([fmt.index(k) for k in "HW"])
    return np.repeat(hw[:, :, None], 3, axis=2)


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def encode_png(hwc: np.ndarray, level: int = 6) -> bytes:
    """An 8-bit RGB or RGBA PNG of ``[H, W, 3 or 4]`` (floats taken as [0, 1]).

    Written here rather than through Pillow, whose adaptive filter search dominates the cost
    of small images: every row uses the "Up" filter (the byte-wise difference with the row
    above, computed with numpy), which suits plots and photos alike; zlib does the rest.
    """
    pixels = np.ascontiguousarray(_to_uint8(hwc))
    h, w, c = pixels.shape
    rows = pixels.reshape(h, w * c)
    filtered = np.empty((h, w * c + 1), dtype=np.uint8)
    filtered[:, 0] = 2  # filter type Up
    filtered[0, 1:] = rows[0]
    np.subtract(rows[1:], rows[:-1], out=filtered[1:, 1:])  # wraps modulo 256
    header = struct.pack(">IIBBBBB", w, h, 8, 6 if c == 4 else 2, 0, 0, 0)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _png_chunk(b"IHDR", header),
            _png_chunk(b"IDAT", zlib.compress(filtered.tobytes(), level)),
            _png_chunk(b"IEND", b""),
        )
    )


def image_pixels(tag: str, arr: np.ndarray, dataformats: str) -> np.ndarray:
    """``[H, W, 3 or 4]`` uint8 pixels of ``arr``, a copy the caller may change afterwards."""
    hwc = to_hwc(tag, arr, dataformats)
    if hwc.shape[0] == 0 or hwc.shape[1] == 0:
        raise ValueError(f"{tag!r}: image has no pixels (shape {tuple(arr.shape)})")
    pixels = _to_uint8(hwc)
    return pixels.copy() if np.shares_memory(pixels, arr) else pixels


def image_png(tag: str, arr: np.ndarray, dataformats: str) -> tuple[int, int, int, bytes]:
    """(height, width, channels, PNG bytes)."""
    pixels = image_pixels(tag, arr, dataformats)
    return pixels.shape[0], pixels.shape[1], pixels.shape[2], encode_png(pixels)


def draw_boxes(tag: str, hwc: np.ndarray, boxes: np.ndarray, labels=None) -> np.ndarray:
    """Red ``[x1, y1, x2, y2]`` rectangles (and optional labels) drawn on an RGB(A) image."""
    from PIL import Image, ImageDraw, ImageFont

    boxes = np.asarray(boxes, dtype=np.float64)
    if boxes.ndim == 1 and boxes.size == 4:
        boxes = boxes[None, :]
    if boxes.ndim != 2 or boxes.shape[1] != 4:
        raise ValueError(f"{tag!r}: boxes must be shaped [N, 4], got {tuple(boxes.shape)}")
    if labels is not None and len(labels) != len(boxes):
        raise ValueError(f"{tag!r}: {len(labels)} labels for {len(boxes)} boxes")
    img = Image.fromarray(np.ascontiguousarray(_to_uint8(hwc)))
    draw = ImageDraw.Draw(img)
    font = ImageFont.load_default()
    for i, (x1, y1, x2, y2) in enumerate(boxes.tolist()):
        # drawn as tensorboardX draws them: a 2-pixel red outline, the label on a red band
        corners = [(x1, y1), (x1, y2), (x2, y2), (x2, y1), (x1, y1)]
        draw.line(corners, width=2, fill="red")
        if labels is not None and labels[i]:
            left, top, right, bottom = font.getbbox(str(labels[i]))
            height = bottom - top
            margin = math.ceil(0.05 * height)
            draw.rectangle([(x1, y2 - height - 2 * margin), (x1 + right - left, y2)], fill="red")
            draw.text((x1 + margin, y2 - height - margin), str(labels[i]), fill="black", font=font)
    return np.asarray(img)


def figure_to_chw(figure, close: bool = True) -> np.ndarray:
    """Render one matplotlib figure with the Agg canvas to ``[3, H, W]`` uint8."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    rgba = np.asarray(canvas.buffer_rgba())
    chw = np.ascontiguousarray(rgba[:, :, :3].transpose(2, 0, 1))
    if close:
        import matplotlib.pyplot as plt

        plt.close(figure)
    return chw


# -- video -------------------------------------------------------------------------------------


def video_frames(tag: str, arr: np.ndarray, dataformats: str = "NTCHW") -> np.ndarray:
    """``[T, H', W', C]`` uint8 frames: the N videos tiled in a power-of-two grid."""
    fmt = _check_format(tag, arr, dataformats, {5})
    if set(fmt) != set("NTCHW"):
        raise ValueError(f"{tag!r}: video dataformats must use N, T, C, H, W, got {fmt!r}")
    v = arr.transpose([fmt.index(k) for k in "NTCHW"])
    n, t, c, h, w = v.shape
    _channels_ok(tag, c)
    if n == 0 or t == 0:
        raise ValueError(f"{tag!r}: video has no frames (shape {tuple(arr.shape)})")
    v = _to_uint8(v)
    padded = 1 << (n - 1).bit_length()
    if padded != n:
        v = np.concatenate((v, np.zeros((padded - n, t, c, h, w), np.uint8)))
    rows = 1 << ((padded.bit_length() - 1) // 2)
    cols = padded // rows
    v = v.reshape(rows, cols, t, c, h, w).transpose(2, 0, 4, 1, 5, 3)
    return v.reshape(t, rows * h, cols * w, c)


def encode_gif(frames: np.ndarray, fps: float) -> bytes:
    """An animated, looping GIF of ``[T, H, W, C]`` uint8 frames."""
    from PIL import Image

    if frames.shape[3] == 1:
        frames = np.repeat(frames, 3, axis=3)
    images = [Image.fromarray(np.ascontiguousarray(f)) for f in frames]
    buf = io.BytesIO()
    duration = max(1, int(round(1000.0 / float(fps))))
    images[0].save(
        buf, format="GIF", save_all=True, append_images=images[1:], duration=duration, loop=0
    )
    return buf.getvalue()
