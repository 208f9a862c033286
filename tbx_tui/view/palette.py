"""Run colours: picked from the run's name, the same on every machine and every start.

The palette's colours have relative luminances of 0.15 and 0.185 (alternating), which keeps at
least 3:1 contrast (WCAG) against both the dark and the light theme's backgrounds; their hues
are 22.5 degrees apart around the wheel. A run's preferred colour is a stable hash of its name
(CRC-32, not Python's per-process ``hash()``); :func:`assign` moves runs that would share one
to the next free colour, so no two runs drawn together share a colour while there are at most
as many runs as colours.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable

RGB = tuple[int, int, int]

#: Hues 22.5 degrees apart; neighbours in the list are far apart on the wheel, so a run moved to
#: the next colour by a collision gets a clearly different one.
PALETTE: tuple[RGB, ...] = (
    (236, 22, 22),  # red
    (11, 133, 133),  # teal
    (73, 134, 11),  # green
    (158, 75, 240),  # violet
    (149, 114, 12),  # ochre
    (66, 110, 240),  # blue
    (11, 138, 43),  # emerald
    (219, 18, 169),  # magenta
    (179, 76, 15),  # rust
    (14, 112, 172),  # steel blue
    (24, 125, 10),  # leaf
    (182, 17, 206),  # purple
    (101, 114, 9),  # olive
    (101, 80, 241),  # indigo
    (10, 122, 80),  # sea green
    (210, 17, 89),  # raspberry
)

#: Where each colour of :data:`PALETTE` lies on the hue wheel, in steps of 22.5 degrees.
WHEEL: tuple[int, ...] = (0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15)

#: Theme backgrounds the palette is checked against (Textual's dark and light themes:
#: background and surface); a unit test holds every colour to 3:1 against each.
BACKGROUNDS: dict[str, RGB] = {
    "dark background": (0x12, 0x12, 0x12),
    "dark surface": (0x1E, 0x1E, 0x1E),
    "light background": (0xE0, 0xE0, 0xE0),
    "light surface": (0xD8, 0xD8, 0xD8),
}


def preferred_index(name: str) -> int:
    """The palette slot a run name hashes to (stable across processes and machines)."""
    return zlib.crc32(name.encode("utf-8", "surrogatepass")) % len(PALETTE)


def color_of(name: str) -> RGB:
    return PALETTE[preferred_index(name)]


def assign(names: Iterable[str], cards: Iterable[Iterable[str]] | None = None) -> dict[str, RGB]:
    """Colours for runs drawn together: each run its preferred one, or (when a run earlier in
    name order took it, or one next to it on the hue wheel, in one of the same cards) the next
    colour free in all of its cards.

    ``cards``: the groups of runs drawn in one chart (default: all ``names`` in one). Within a
    card colours repeat only beyond ``len(PALETTE)`` runs (or, rarely, when a run shares cards
    with more than that many others taken together)."""
    ordered = sorted(set(names))
    groups = [set(ordered)] if cards is None else [set(card) for card in cards]
    cards_of: dict[str, list[int]] = {name: [] for name in ordered}
    for index, card in enumerate(groups):
        for name in card:
            if name in cards_of:
                cards_of[name].append(index)
    used: list[set[int]] = [set() for _ in groups]
    out: dict[str, RGB] = {}
    for name in ordered:
        taken = set().union(*(used[c] for c in cards_of[name]))
        index = _pick(preferred_index(name), taken)
        for c in cards_of[name]:
            used[c].add(index)
        out[name] = PALETTE[index]
    return out


def _near(a: int, b: int) -> bool:
    """Colours next to each other on the hue wheel (blue and indigo): hard to tell apart."""
    distance = abs(WHEEL[a] - WHEEL[b]) % len(WHEEL)
    return min(distance, len(WHEEL) - distance) <= 1


def _pick(preferred: int, taken: set[int]) -> int:
    """``preferred`` unless taken or next on the wheel to a taken colour; else the first colour
    after it in the list that is neither; else the first not taken; else ``preferred``."""
    order = [(preferred + probe) % len(PALETTE) for probe in range(len(PALETTE))]
    for index in order:
        if index not in taken and not any(_near(index, t) for t in taken):
            return index
    return next((index for index in order if index not in taken), preferred)


def relative_luminance(rgb: RGB) -> float:
    """WCAG 2 relative luminance of an sRGB colour (0 black .. 1 white)."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: RGB, b: RGB) -> float:
    """WCAG contrast ratio of two colours (1 .. 21)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    hi, lo = max(la, lb), min(la, lb)
    return (hi + 0.05) / (lo + 0.05)
