"""Sparklines: a series as one line of level characters (Unicode blocks or ASCII)."""

from __future__ import annotations

import numpy as np

UNICODE_LEVELS = "▁▂▃▄▅▆▇█"
ASCII_LEVELS = "_.-:=+*#"


def bucket_means(values: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """``values`` (in step order) cut into at most ``width`` buckets: the mean of the finite
    values of each bucket, and whether it had any. Fewer values than ``width`` give one bucket
    each. What :func:`sparkline` draws; keep it to draw the same line without the values."""
    n = len(values)
    if n == 0 or width <= 0:
        return np.zeros(0), np.zeros(0, dtype=bool)
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
    return np.where(has, sums / np.maximum(counts, 1), np.nan), has


def draw_means(means: np.ndarray, has: np.ndarray, ascii_only: bool = False) -> str:
    """The sparkline of :func:`bucket_means`' buckets: one level per bucket, a space for one
    without finite values."""
    levels = ASCII_LEVELS if ascii_only else UNICODE_LEVELS
    cells = len(means)
    if cells == 0:
        return ""
    if not has.any():
        return " " * cells
    lo = np.nanmin(means)
    hi = np.nanmax(means)
    top = len(levels) - 1
    if not np.isfinite(hi - lo) or hi == lo:
        idx = np.full(cells, top // 2)
    else:
        idx = np.clip(np.rint((np.nan_to_num(means) - lo) / (hi - lo) * top), 0, top)
    return "".join(levels[int(k)] if ok else " " for k, ok in zip(idx, has, strict=True))


def sparkline(values: np.ndarray, width: int, ascii_only: bool = False) -> str:
    """``values`` (in step order) as at most ``width`` characters, one level per bucket.

    Each character is the mean of the finite values falling in its bucket; a bucket without
    finite values is a space. Fewer values than ``width`` give one character each.
    """
    means, has = bucket_means(values, width)
    return draw_means(means, has, ascii_only)
