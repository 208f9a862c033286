"""Sparklines: a series as one line of level characters (Unicode blocks or ASCII)."""

from __future__ import annotations

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
