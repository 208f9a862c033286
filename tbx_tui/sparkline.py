"""Small text helpers for the headless report: sparklines and terminal cell widths.

No terminal library: cell widths come from :mod:`unicodedata` (wide and full-width East Asian
characters take two cells, combining marks and format characters none).
"""

from __future__ import annotations

import unicodedata

import numpy as np

UNICODE_LEVELS = "▁▂▃▄▅▆▇█"
ASCII_LEVELS = "_.-:=+*#"


def sparkline(values: np.ndarray, width: int, ascii_only: bool = False) -> str:
    """``values`` (in step order) as at most ``width`` characters, one level per bucket.

    Each character is the mean of the finite values falling in its bucket; a bucket without
    finite values is a space. Fewer values than ``width`` give one character each.
    """
    levels = ASCII_LEVELS if ascii_only else UNICODE_LEVELS
    n = len(values)
    if n == 0 or width <= 0:
        return ""
    values = np.asarray(values, dtype=np.float64)
    cells = min(width, n)
    edges = np.linspace(0, n, cells + 1).astype(np.int64)
    finite = np.isfinite(values)
    clean = np.where(finite, values, 0.0)
    csum = np.concatenate(([0.0], np.cumsum(clean)))
    ccount = np.concatenate(([0], np.cumsum(finite)))
    sums = csum[edges[1:]] - csum[edges[:-1]]
    counts = ccount[edges[1:]] - ccount[edges[:-1]]
    has = counts > 0
    if not has.any():
        return " " * cells
    means = np.where(has, sums / np.maximum(counts, 1), np.nan)
    lo = np.nanmin(means)
    hi = np.nanmax(means)
    top = len(levels) - 1
    if not np.isfinite(hi - lo) or hi == lo:
        idx = np.full(cells, top // 2)
    else:
        idx = np.clip(np.rint((np.nan_to_num(means) - lo) / (hi - lo) * top), 0, top)
    return "".join(levels[int(k)] if ok else " " for k, ok in zip(idx, has, strict=True))


def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """How many terminal columns ``text`` (without control characters) takes."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``width`` columns, ending in ``ellipsis`` when cut."""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    if room < 0:
        return ellipsis[: max(width, 0)]
    out = []
    used = 0
    for ch in text:
        w = char_width(ch)
        if used + w > room:
            break
        out.append(ch)
        used += w
    return "".join(out) + ellipsis


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns (aligned right when ``right``)."""
    gap = " " * max(width - cell_width(text), 0)
    return gap + text if right else text + gap


def fit(text: str, width: int, right: bool = False, ellipsis: str = "…") -> str:
    """Truncate then pad: exactly ``width`` columns."""
    return pad(truncate(text, width, ellipsis), width, right)
