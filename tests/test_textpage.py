"""Paging of long text summaries (tbx_tui.view.textpage): bounded pages, every character once."""

from __future__ import annotations

import pytest

from tbx_tui.view import textpage

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    "lengths", [[0], [5], [10, 0, 3], [25, 1, 40], [100], [9, 9, 9, 9], [0, 0, 12, 0]]
)
@pytest.mark.parametrize("size", [1, 4, 10, 64])
def test_pages_cover_every_character_once_and_stay_bounded(lengths, size):
    pages = textpage.page_count(lengths, size)
    seen = {i: [] for i in range(len(lengths))}
    for page in range(pages):
        pieces = textpage.page_pieces(lengths, page, size)
        assert sum(p.end - p.start for p in pieces) <= size
        for p in pieces:
            seen[p.index].extend(range(p.start, p.end))
        left = textpage.remaining(lengths, page, size)
        assert left == max(0, sum(lengths) - (page + 1) * size)
    for i, n in enumerate(lengths):
        assert seen[i] == list(range(n))
    assert textpage.page_pieces(lengths, pages, size) == [] or sum(lengths) == 0


def test_a_body_cut_by_a_page_continues_on_the_next():
    first = textpage.page_pieces([3, 10], 0, 8)
    second = textpage.page_pieces([3, 10], 1, 8)
    assert [(p.index, p.start, p.end, p.continued) for p in first] == [
        (0, 0, 3, False),
        (1, 0, 5, False),
    ]
    assert [(p.index, p.start, p.end, p.continued) for p in second] == [(1, 5, 10, True)]
