"""Downsampling that keeps spikes: each bucket of consecutive points gives its min and its max.

A chart ``c`` columns wide needs about ``2 c`` points; a million-point series becomes that in a
few milliseconds, and a single outlier among a million still shows.
"""

from __future__ import annotations

import numpy as np


def minmax_indices(y: np.ndarray, buckets: int) -> np.ndarray:
    """Sorted indices of the min and max of ``y`` in each of ``buckets`` equal runs of points.

    ``y`` must be finite. Short series (``len(y) <= 2 * buckets``) keep every index.
    """
    n = len(y)
    buckets = max(1, int(buckets))
    if n <= 2 * buckets:
        return np.arange(n)
    size = -(-n // buckets)  # ceil
    full = n // size
    body = y[: full * size].reshape(full, size)
    base = np.arange(full) * size
    parts = [base + body.argmin(axis=1), base + body.argmax(axis=1)]
    if full * size < n:
        tail = y[full * size :]
        parts.append(np.array([full * size + tail.argmin(), full * size + tail.argmax()]))
    idx = np.concatenate(parts)
    idx.sort()
    # a bucket whose min and max are the same point gives it once
    keep = np.empty(len(idx), dtype=bool)
    keep[0] = True
    np.not_equal(idx[1:], idx[:-1], out=keep[1:])
    return idx[keep]


def downsample(x: np.ndarray, y: np.ndarray, buckets: int) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` reduced to about ``2 * buckets`` points keeping each bucket's extremes.

    Non-finite ``y`` are dropped (a chart can't place them); points should be in x order.
    """
    finite = np.isfinite(y)
    if not finite.all():
        x, y = x[finite], y[finite]
    idx = minmax_indices(y, buckets)
    return x[idx], y[idx]
