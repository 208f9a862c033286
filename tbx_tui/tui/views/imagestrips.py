"""Image cells as Textual strips, made whole on a render thread.

A photo in half-blocks is a colour pair per cell: one 160x45 picture is up to 7,000 segments, each
with its own style. Whatever is done per segment costs tens of milliseconds, so all of it happens
here, off the UI thread: the lines are built from the cells' arrays (runs of equal colours found
by numpy) with their final styles (the body's style under the cells' colours), padded to the
body's width, and each style's escape codes computed once (Rich keeps them in the style; a style
without them would be rendered through Textual's cache of 16,384 styles, which a few photos fill
with objects that the garbage collector then walks). The UI thread paints the strips as they are.

Allocations are kept down as well: one colour object per distinct colour and one style per
distinct pair, shared by the cells that use them. Every object made here is work for Python's
garbage collector, whose full collections hold the GIL (and so the UI thread) in one go.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.color import Color, ColorSystem, ColorTriplet
from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from tbx_tui.view.imagecells import Cells

#: Rich's colour systems by the names a console gives them.
COLOR_SYSTEMS = {
    "standard": ColorSystem.STANDARD,
    "256": ColorSystem.EIGHT_BIT,
    "truecolor": ColorSystem.TRUECOLOR,
    "windows": ColorSystem.WINDOWS,
}


@dataclass(frozen=True)
class Picture:
    """An image as cells: its characters (what :meth:`ImageBody.render` shows as text) and its
    lines as strips, styled and padded to the width they were made for."""

    chars: list[str]
    strips: list[Strip]

    @property
    def text(self) -> Text:
        return Text("\n".join(self.chars), no_wrap=True, end="")


def picture(cells: Cells, color: bool, base: Style, width: int, console: Console) -> Picture:
    """``cells`` as strips of ``width`` cells in ``base`` (the body's style; a cell's colours
    go over it), in colour or plain, their escape codes made for ``console`` (the app's)."""
    # (Textual writes truecolour codes when the console has no colour system)
    system = COLOR_SYSTEMS.get(console.color_system or "", ColorSystem.TRUECOLOR)
    base.render(" ", color_system=system)  # (an empty text would compute nothing)
    if color:
        lines = _coloured_lines(cells, base, system)
    else:
        lines = [[Segment(c, base)] for c in cells.chars]
    strips = []
    for segments, chars in zip(lines, cells.chars, strict=True):
        used = len(chars)
        if used < width:
            segments.append(Segment(" " * (width - used), base))
        strip = Strip(segments, max(used, width))
        strips.append(strip.crop(0, width) if used > width else strip)
    return Picture(cells.chars, strips)


def _coloured_lines(cells: Cells, base: Style, system: ColorSystem) -> list[list[Segment]]:
    """Each row of ``cells`` as segments, one per run of equal colours; each style knows its
    escape codes in ``system``."""
    rows, starts, ends, fg, bg = cells.run_bounds()
    colours: dict[int, Color] = {}
    styles: dict[tuple[int, int], Style] = {}
    only_colours = Style.from_color(base.color, base.bgcolor) == base
    base_bg = base.bgcolor

    def colour(value: int) -> Color:
        found = colours.get(value)
        if found is None:
            triplet = ColorTriplet(value >> 16, (value >> 8) & 255, value & 255)
            found = colours[value] = Color.from_triplet(triplet)
        return found

    def style(f: int, b: int) -> Style:  # b < 0: no background of its own (ASCII)
        found = styles.get((f, b))
        if found is None:
            back = colour(b) if b >= 0 else None
            if only_colours:  # (the usual case: the body's CSS sets colours only)
                found = Style.from_color(colour(f), back if back is not None else base_bg)
            else:
                found = base + Style.from_color(colour(f), back)
            found.render(" ", color_system=system)
            styles[(f, b)] = found
        return found

    backs = [-1] * len(fg) if bg is None else bg.tolist()
    lines: list[list[Segment]] = [[] for _ in cells.chars]
    chars = cells.chars
    bounds = zip(rows.tolist(), starts.tolist(), ends.tolist(), fg.tolist(), backs, strict=True)
    for r, s, e, f, b in bounds:
        lines[r].append(Segment(chars[r][s:e], style(f, b)))
    return lines
