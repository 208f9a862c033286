"""Steps that go up (or down) by a fixed stride, kept as three numbers instead of a column."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

_I32 = np.iinfo(np.int32)


def fits32(*steps: int) -> bool:
    """Whether every one of ``steps`` fits an int32."""
    return all(_I32.min <= s <= _I32.max for s in steps)


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


def top_index(steps: np.ndarray) -> int:
    """Index of the highest of ``steps`` (the latest among equal ones)."""
    top = steps.max()
    return int(np.flatnonzero(steps == top)[-1])
