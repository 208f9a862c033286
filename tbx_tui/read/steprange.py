"""Compact step columns: steps that go up (or down) by a fixed stride kept as three numbers, and
other steps kept as their differences in the narrowest integer type that holds them.

Both give the steps back as int32 arrays (int64 once a step does not fit int32), exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_I32 = np.iinfo(np.int32)
#: Types a difference column takes, narrowest first (steps that only go up by less than 256
#: cost a byte a point; one that goes down makes the column signed).
DELTA_TYPES = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.int32), np.dtype(np.int64))
_WRAP = 1 << 64
_HALF = 1 << 63


def fits32(*steps: int) -> bool:
    """Whether every one of ``steps`` fits an int32."""
    return all(_I32.min <= s <= _I32.max for s in steps)


def wrap64(n: int) -> int:
    """``n`` modulo 2**64, as an int64. Differences of int64 steps can overflow int64; kept
    wrapped, their running sum (in int64, wrapping the same way) still gives every step exactly."""
    return (n + _HALF) % _WRAP - _HALF


def delta_type(lo: int, hi: int) -> np.dtype:
    """The narrowest of :data:`DELTA_TYPES` holding every difference in ``lo..hi`` (wrapped)."""
    for dtype in DELTA_TYPES:
        info = np.iinfo(dtype)
        if info.min <= lo and hi <= info.max:
            return dtype
    return DELTA_TYPES[-1]


@dataclass(frozen=True)
class StepRange:
    """Steps ``first, first + stride, ...`` (``n`` of them), kept as three numbers."""

    first: int
    stride: int
    n: int

    def at(self, i: int) -> int:
        return self.first + i * self.stride

    def array(self, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """Steps ``lo:hi`` as int32 (int64 if the range needs it)."""
        hi = self.n if hi is None else min(hi, self.n)
        lo = min(lo, hi)
        dtype = np.int32 if fits32(self.first, self.at(max(self.n - 1, 0))) else np.int64
        return (np.arange(lo, hi, dtype=np.int64) * self.stride + self.first).astype(dtype)

    def top_index(self) -> int:
        """Index of the highest step (the latest among equal ones)."""
        return 0 if self.stride < 0 else self.n - 1


@dataclass(frozen=True)
class DeltaSteps:
    """Steps kept as ``first`` and the difference of each step from the one before
    (``deltas[0]`` is 0), in one of :data:`DELTA_TYPES`; ``wide``: some step needs int64."""

    first: int
    deltas: np.ndarray
    wide: bool

    def __len__(self) -> int:
        return len(self.deltas)

    def array(self, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """Steps ``lo:hi`` as int32 (int64 when ``wide``): a running sum of the differences."""
        hi = len(self.deltas) if hi is None else min(hi, len(self.deltas))
        lo = min(lo, hi)
        before = int(self.deltas[:lo].sum(dtype=np.int64)) if lo else 0
        steps = np.cumsum(self.deltas[lo:hi], dtype=np.int64)
        steps += wrap64(self.first + before)  # wraps exactly as the differences did
        return steps if self.wide else steps.astype(np.int32)

    def top_index(self) -> int:
        """Index of the highest step (the latest among equal ones)."""
        return top_index(self.array())


def top_index(steps: np.ndarray) -> int:
    """Index of the highest of ``steps`` (the latest among equal ones)."""
    top = steps.max()
    return int(np.flatnonzero(steps == top)[-1])
