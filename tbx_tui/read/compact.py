"""Compact columns: numbers kept in fewer bytes than they take, every one exact.

- :class:`StepRange`: steps that go up (or down) by a fixed stride, as three numbers.
- :class:`Deltas`: any other steps, and wall times, as the first number and the difference of
  each from the one before, in the narrowest integer type that holds the differences (a byte a
  point while steps go up by less than 256). Wall times are differenced as the integers their
  float64 bits spell, which go up with the time: points written microseconds to milliseconds
  apart differ by a few thousand units of the last place, two bytes, and every bit is kept.

Both give the numbers back as arrays, built on each call: steps as int32 (int64 once a step does
not fit int32), wall times as float64.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_I32 = np.iinfo(np.int32)
#: Types a difference column takes, narrowest first; one that goes down makes it signed.
DELTA_TYPES = (np.dtype(np.uint8), np.dtype(np.uint16), np.dtype(np.int32), np.dtype(np.int64))
_WRAP = 1 << 64
_HALF = 1 << 63


def fits32(*steps: int) -> bool:
    """Whether every one of ``steps`` fits an int32."""
    return all(_I32.min <= s <= _I32.max for s in steps)


def wrap64(n: int) -> int:
    """``n`` modulo 2**64, as an int64. Differences of int64 numbers can overflow int64; kept
    wrapped, their running sum (in int64, wrapping the same way) still gives every number."""
    return (n + _HALF) % _WRAP - _HALF


def delta_type(lo: int, hi: int) -> np.dtype:
    """The narrowest of :data:`DELTA_TYPES` holding every difference in ``lo..hi`` (wrapped)."""
    for dtype in DELTA_TYPES:
        info = np.iinfo(dtype)
        if info.min <= lo and hi <= info.max:
            return dtype
    return DELTA_TYPES[-1]


def float_bits(values: np.ndarray) -> np.ndarray:
    """The int64 bit patterns of float64 ``values`` (what :class:`Deltas` keeps of wall times)."""
    return np.ascontiguousarray(values, dtype=np.float64).view(np.int64)


def put_deltas(column: np.ndarray, n: int, last: int, numbers: np.ndarray) -> np.ndarray:
    """Write the differences of int64 ``numbers`` (the first from ``last``) at ``column[n:]``;
    return the column, or a wider copy of it when a difference does not fit its type."""
    k = len(numbers)
    deltas = np.empty(k, dtype=np.int64)
    deltas[0] = wrap64(int(numbers[0]) - last)
    deltas[1:] = np.diff(numbers)  # wraps in int64 where numbers are far apart: see wrap64
    need = np.promote_types(delta_type(int(deltas.min()), int(deltas.max())), column.dtype)
    if need != column.dtype:
        wider: np.ndarray = np.empty(len(column), dtype=need)
        wider[:n] = column[:n]
        column = wider
    column[n : n + k] = deltas
    return column


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
class Deltas:
    """Numbers kept as ``first`` and the difference of each from the one before (``deltas[0]``
    is 0), in one of :data:`DELTA_TYPES`. ``dtype`` is what they are: int32 or int64 (steps),
    or float64 (wall times: ``first`` and the differences are of their bit patterns)."""

    first: int
    deltas: np.ndarray
    dtype: np.dtype

    def __len__(self) -> int:
        return len(self.deltas)

    def array(self, lo: int = 0, hi: int | None = None) -> np.ndarray:
        """Numbers ``lo:hi`` as :attr:`dtype`: a running sum of the differences."""
        hi = len(self.deltas) if hi is None else min(hi, len(self.deltas))
        lo = min(lo, hi)
        before = int(self.deltas[:lo].sum(dtype=np.int64)) if lo else 0
        numbers = np.cumsum(self.deltas[lo:hi], dtype=np.int64)
        numbers += wrap64(self.first + before)  # wraps exactly as the differences did
        if self.dtype == np.float64:
            return numbers.view(np.float64)
        return numbers if self.dtype == np.int64 else numbers.astype(self.dtype)

    def top_index(self) -> int:
        """Index of the highest number (the latest among equal ones)."""
        return top_index(self.array())


def top_index(steps: np.ndarray) -> int:
    """Index of the highest of ``steps`` (the latest among equal ones)."""
    top = steps.max()
    return int(np.flatnonzero(steps == top)[-1])
