"""The app's last line of defence in ASCII mode: every character drawn becomes ASCII."""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from tbx_tui.term.termcaps import to_ascii


class AsciiFilter(LineFilter):
    """Replaces what is not ASCII (data text, Textual's own glyphs: tab underlines, scrollbar
    ends) with ASCII of the same width; the app draws its own symbols in ASCII already."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        if all(text.isascii() for text, _, _ in segments):
            return segments
        return [
            seg if seg.text.isascii() else Segment(to_ascii(seg.text), seg.style, seg.control)
            for seg in segments
        ]
