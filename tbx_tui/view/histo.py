"""Histogram maths: one shared value axis for all steps, and TensorBoard's percentile bands.

A histogram point is a float64 array ``[k, 3]`` of (left edge, right edge, count), as the reader
stores v1 ``HistogramProto`` and v2 ``[k, 3]`` tensors alike. Every function here accepts ``k = 0``
and single-bucket histograms, and ignores buckets whose edges or count are not finite.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: TensorBoard's distribution bands in basis points: min, 7%, 16%, 31%, 50%, 69%, 84%, 93%, max
#: (the normal distribution's -inf, -1.5, -1, -0.5, 0, 0.5, 1, 1.5 sigma, +inf).
BAND_BPS: tuple[int, ...] = (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000)


def clean_buckets(buckets: np.ndarray) -> np.ndarray:
    """``buckets`` as a float64 ``[k, 3]`` array, keeping only finite buckets with a positive count
    and ``left <= right`` (swapped edges are put in order)."""
    b = np.asarray(buckets, dtype=np.float64)
    if b.size == 0:
        return np.zeros((0, 3))
    b = b.reshape(-1, 3)
    ok = np.isfinite(b).all(axis=1) & (b[:, 2] > 0)
    b = b[ok]
    if len(b) and (b[:, 0] > b[:, 1]).any():
        b = b.copy()
        lo = np.minimum(b[:, 0], b[:, 1])
        b[:, 1] = np.maximum(b[:, 0], b[:, 1])
        b[:, 0] = lo
    return b


def value_range(histograms: Sequence[np.ndarray]) -> tuple[float, float] | None:
    """The smallest left edge and largest right edge holding mass over all ``histograms``,
    or None when none holds any. A zero-width range is widened so it can be binned."""
    lo, hi = np.inf, -np.inf
    for h in histograms:
        b = clean_buckets(h)
        if len(b):
            lo = min(lo, float(b[:, 0].min()))
            hi = max(hi, float(b[:, 1].max()))
    if not np.isfinite(lo):
        return None
    if hi <= lo:
        pad = max(abs(lo) * 0.05, 0.5)
        lo, hi = lo - pad, hi + pad
    return lo, hi


def rebin(
    histograms: Sequence[np.ndarray], bins: int, lo: float | None = None, hi: float | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Re-bin every histogram onto ``bins`` equal bins spanning ``[lo, hi]`` (default: the range of
    all of them). Returns ``(matrix, edges)``: ``matrix[i, j]`` is the mass of histogram ``i`` in
    bin ``j``; ``edges`` has ``bins + 1`` values.

    Mass is conserved: a bucket's count is spread over the bins it overlaps in proportion to the
    overlap (the bucket's mass is taken as uniform inside it); a zero-width bucket goes whole to
    the bin holding it. Mass outside ``[lo, hi]`` is clamped into the first or last bin.
    """
    bins = max(1, int(bins))
    n = len(histograms)
    if lo is None or hi is None:
        rng = value_range(histograms)
        if rng is None:
            rng = (0.0, 1.0)
        lo = rng[0] if lo is None else lo
        hi = rng[1] if hi is None else hi
    if not hi > lo:
        hi = lo + 1.0
    edges = np.linspace(lo, hi, bins + 1)
    if n == 0:
        return np.zeros((0, bins)), edges
    cleaned = [clean_buckets(h) for h in histograms]
    sizes = np.fromiter((len(b) for b in cleaned), dtype=np.int64, count=n)
    total = int(sizes.sum())
    if total == 0:
        return np.zeros((n, bins)), edges
    allb = np.concatenate([b for b in cleaned if len(b)])
    row = np.repeat(np.arange(n, dtype=np.int64), sizes)
    scale = bins / (hi - lo)
    # Bucket edges in bin units, clamped to the axis.
    a = np.clip((allb[:, 0] - lo) * scale, 0.0, float(bins))
    b = np.clip((allb[:, 1] - lo) * scale, 0.0, float(bins))
    c = allb[:, 2]
    ia = np.minimum(np.floor(a).astype(np.int64), bins - 1)
    ib = np.minimum(np.floor(b).astype(np.int64), bins - 1)
    width = bins + 1  # one spare column per row for the difference array
    size = n * width
    base = row * width
    same = ia == ib
    out = np.zeros(size)
    if same.any():
        out += np.bincount(base[same] + ia[same], weights=c[same], minlength=size)
    span = ~same
    if span.any():
        a, b, c, ia, ib, base = a[span], b[span], c[span], ia[span], ib[span], base[span]
        dens = c / (b - a)
        # Partial first and last bins.
        out += np.bincount(base + ia, weights=dens * (ia + 1 - a), minlength=size)
        out += np.bincount(base + ib, weights=dens * (b - ib), minlength=size)
        # Whole bins ia+1 .. ib-1 each get `dens`: a difference array, summed along each row.
        inner = ib - ia > 1
        if inner.any():
            diff = np.bincount(base[inner] + ia[inner] + 1, weights=dens[inner], minlength=size)
            diff -= np.bincount(base[inner] + ib[inner], weights=dens[inner], minlength=size)
            out += np.cumsum(diff.reshape(n, width), axis=1).ravel()
    return out.reshape(n, width)[:, :bins], edges


@dataclass(frozen=True)
class HistStats:
    """Summary numbers of one histogram."""

    count: float
    min: float
    max: float
    mean: float


def stats(buckets: np.ndarray) -> HistStats:
    b = clean_buckets(buckets)
    if not len(b):
        return HistStats(0.0, float("nan"), float("nan"), float("nan"))
    total = float(b[:, 2].sum())
    mids = (b[:, 0] + b[:, 1]) / 2
    return HistStats(
        total, float(b[:, 0].min()), float(b[:, 1].max()), float(mids @ b[:, 2]) / total
    )


def percentiles(buckets: np.ndarray, bps: Sequence[int] = BAND_BPS) -> np.ndarray:
    """Values at the given basis points of the distribution ``buckets`` describes.

    The cumulative count is taken as piecewise linear: each bucket's mass is spread evenly between
    its edges, so a percentile is interpolated inside the bucket where the cumulative count passes
    it. 0 bp is the lowest edge holding mass and 10000 bp the highest. An empty histogram gives NaN.
    """
    q = np.asarray(bps, dtype=np.float64) / 10000.0
    b = clean_buckets(buckets)
    if not len(b):
        return np.full(len(q), np.nan)
    b = b[np.argsort(b[:, 0], kind="stable")]
    lefts, rights, counts = b[:, 0], b[:, 1], b[:, 2]
    cum = np.cumsum(counts)
    total = cum[-1]
    target = q * total
    # First bucket whose cumulative count reaches the target.
    i = np.searchsorted(cum, target, side="left")
    i = np.clip(i, 0, len(b) - 1)
    before = np.where(i > 0, cum[np.maximum(i - 1, 0)], 0.0)
    frac = np.clip((target - before) / counts[i], 0.0, 1.0)
    out = lefts[i] + frac * (rights[i] - lefts[i])
    out[q <= 0] = lefts.min()
    out[q >= 1] = rights.max()
    return out


def bands(histograms: Sequence[np.ndarray], bps: Sequence[int] = BAND_BPS) -> np.ndarray:
    """Percentile bands over steps: array ``[len(histograms), len(bps)]`` (NaN rows for empty)."""
    if not len(histograms):
        return np.zeros((0, len(bps)))
    return np.stack([percentiles(h, bps) for h in histograms])
