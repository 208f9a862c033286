"""TensorBoard's scalar smoothing: a debiased exponential moving average.

For each finite value ``v``: ``last = last * w + (1 - w) * v``, ``n += 1``,
``smoothed = last / (1 - w**n)``. Non-finite values are shown as they are and leave the average
untouched. Constant series are returned as they are. Vectorised by blocks, so a million points
take milliseconds.
"""

from __future__ import annotations

import math

import numpy as np


def _block_size(weight: float) -> int:
    # Inside a block we scale by weight**-i: keep that under ~1e150 to stay exact enough.
    if weight >= 1.0:
        return 1
    return max(1, min(4096, int(150 / -math.log10(weight))))


def ema(values: np.ndarray, weight: float) -> np.ndarray:
    """The debiased EMA of ``values`` (float64) with smoothing ``weight`` in [0, 1)."""
    values = np.asarray(values, dtype=np.float64)
    if weight <= 0 or len(values) == 0:
        return values.copy()
    weight = min(weight, 0.999)
    finite = np.isfinite(values)
    all_finite = bool(finite.all())
    x = values if all_finite else values[finite]
    if len(x) == 0 or (x[0] == x[-1] and np.all(x == x[0])):
        return values.copy()
    smoothed = np.empty_like(x)
    block = _block_size(weight)
    powers = weight ** np.arange(block + 1, dtype=np.float64)  # w**0 .. w**block
    inv = 1.0 / powers[1:]  # w**-1 .. w**-block
    last = 0.0
    for start in range(0, len(x), block):
        chunk = x[start : start + block]
        k = len(chunk)
        # last_i = w**i * last + (1-w) * sum_{j<=i} w**(i-j) x_j  for i = 1..k
        acc = np.cumsum(chunk * inv[:k]) * (1.0 - weight)
        seg = powers[1 : k + 1] * (last + acc)
        smoothed[start : start + k] = seg
        last = float(seg[-1])
    # 1 - w**n reaches 1.0 in float64 after a few dozen to a few thousand points
    m = min(len(x), int(40 / -math.log10(weight)) + 1)
    smoothed[:m] /= 1.0 - np.power(weight, np.arange(1, m + 1, dtype=np.float64))
    if all_finite:
        return smoothed
    out = values.copy()
    out[finite] = smoothed
    return out


def ema_reference(values: list[float], weight: float) -> list[float]:
    """The plain loop, as TensorBoard writes it: the oracle for :func:`ema`'s tests."""
    finite = [v for v in values if math.isfinite(v)]
    if weight <= 0 or not finite or all(v == finite[0] for v in finite):
        return list(values)
    weight = min(weight, 0.999)
    last, n, out = 0.0, 0, []
    for v in values:
        if not math.isfinite(v):
            out.append(v)
            continue
        last = last * weight + (1 - weight) * v
        n += 1
        out.append(last / (1 - weight**n))
    return out
