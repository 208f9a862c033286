"""Paging long text summaries: what of several bodies fits on one page of a bounded size.

The bodies (one per step, newest first) are read as one document cut into pages of ``size``
characters; a page holds pieces of one or more bodies. Whatever a record holds, a page costs at
most ``size`` characters to draw, and every character is reachable by paging.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Piece:
    """Characters ``start:end`` of body ``index``."""

    index: int
    start: int
    end: int

    @property
    def continued(self) -> bool:
        """Whether the body started on an earlier page."""
        return self.start > 0


def page_count(lengths: list[int], size: int) -> int:
    """How many pages the bodies fill (at least one)."""
    return max(1, -(-sum(lengths) // size))


def page_pieces(lengths: list[int], page: int, size: int) -> list[Piece]:
    """The pieces of bodies (of the given lengths) on ``page`` (0-based). An empty body goes on
    the page where the document stands when it comes (the last page at the very end)."""
    lo, hi = page * size, (page + 1) * size
    total = sum(lengths)
    last_page = page == page_count(lengths, size) - 1
    pieces = []
    pos = 0
    for i, n in enumerate(lengths):
        at_end = last_page and pos == total
        if pos >= hi and not at_end:
            break
        end = pos + n
        if (end > lo and pos < hi) or (n == 0 and lo <= pos and (pos < min(hi, total) or at_end)):
            pieces.append(Piece(i, max(lo - pos, 0), min(hi - pos, n)))
        pos = end
    return pieces


def remaining(lengths: list[int], page: int, size: int) -> int:
    """Characters after ``page``."""
    return max(0, sum(lengths) - (page + 1) * size)
