"""Terminal cell widths of text, and cutting or padding text to a width.

No terminal library: cell widths come from :mod:`unicodedata` (wide and full-width East Asian
characters take two cells, combining marks and format characters none).
"""

from __future__ import annotations

import unicodedata


def char_width(ch: str) -> int:
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cell_width(text: str) -> int:
    """How many terminal columns ``text`` (without control characters) takes."""
    if text.isascii():
        return len(text)
    return sum(char_width(ch) for ch in text)


def truncate(text: str, width: int, ellipsis: str = "…") -> str:
    """``text`` cut to at most ``width`` columns, ending in ``ellipsis`` when cut."""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    if room < 0:
        return ellipsis[: max(width, 0)]
    out = []
    used = 0
    for ch in text:
        w = char_width(ch)
        if used + w > room:
            break
        out.append(ch)
        used += w
    return "".join(out) + ellipsis


def pad(text: str, width: int, right: bool = False) -> str:
    """``text`` padded with spaces to ``width`` columns (aligned right when ``right``)."""
    gap = " " * max(width - cell_width(text), 0)
    return gap + text if right else text + gap


def fit(text: str, width: int, right: bool = False, ellipsis: str = "…") -> str:
    """Truncate then pad: exactly ``width`` columns."""
    return pad(truncate(text, width, ellipsis), width, right)
