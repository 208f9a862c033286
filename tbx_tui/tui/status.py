"""The one-line header: logdir, run and point counts, watching mode, when the newest data was
written, options.

It fits the width it has: on a narrow terminal (80 columns) it leaves out the least useful
parts first (the point count, then the watching mode), then abbreviates, then cuts the logdir's
name from the left; the last-data time and the option flags stay.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from tbx_tui.term.sanitize import safe_text
from tbx_tui.term.textwidth import cell_width, char_width
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.state import ViewState
from tbx_tui.view import numfmt

SEP = " · "


def data_time(when: float, now: float) -> str:
    """``when`` as local time: H:MM:SS today, with the date on other days (``t=<number>`` when
    it can be no date)."""
    if numfmt.timestamp(when, "%Y-%m-%d") == numfmt.timestamp(now, "%Y-%m-%d"):
        return numfmt.timestamp(when, "%H:%M:%S")
    return numfmt.timestamp(when, "%Y-%m-%d %H:%M")


def cut_left(text: str, width: int, ellipsis: str) -> str:
    """The end of ``text`` in at most ``width`` columns, after ``ellipsis`` when cut (a path's
    last folders say more than its first)."""
    if cell_width(text) <= width:
        return text
    room = width - cell_width(ellipsis)
    kept: list[str] = []
    used = 0
    for ch in reversed(text):
        w = char_width(ch)
        if used + w > room:
            break
        kept.append(ch)
        used += w
    return ellipsis + "".join(reversed(kept)) if room > 0 else ellipsis[: max(width, 0)]


@dataclass(frozen=True)
class Level:
    """How much of the header to show (see :data:`LEVELS`)."""

    points: bool = True
    mode: bool = True
    short: bool = False


#: From the whole header to the least of it; the first that fits the width is shown.
LEVELS = (Level(), Level(points=False), Level(points=False, mode=False), Level(False, False, True))


class StatusBar(Static):
    def __init__(self, state: ViewState, name: str = "", **kwargs) -> None:
        super().__init__("", **kwargs)
        self.state = state
        self.display_name = name

    def on_mount(self) -> None:
        self.sync()

    def on_resize(self) -> None:
        self.sync()

    def sync(self) -> None:
        settings = settings_of(self.app)
        if not self.display_name:
            self.display_name = settings.display_name
        width = self.size.width or self.app.size.width
        name = safe_text(self.display_name)
        for level in LEVELS:
            text = self.header(name, level)
            if text.cell_len <= width:
                break
        else:  # the logdir's name gives way, down to its last few characters
            rest = text.cell_len - cell_width(name)
            name = cut_left(name, max(width - rest, 4), settings.glyphs.ellipsis)
            text = self.header(name, level)
        self.update(text)

    def header(self, name: str, level: Level) -> Text:
        s = self.state
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" tbx-top ", style="bold reverse")
        text.append(f" {name}", style="bold")
        if not s.loaded:
            ellipsis = settings_of(self.app).glyphs.ellipsis
            text.append("  reading" + ellipsis, style="italic")
        else:
            shown = len(s.visible_runs())
            noun = "run" if len(s.runs) == 1 else "runs"
            runs = (
                f"{len(s.runs)} {noun}" if shown == len(s.runs) else f"{shown}/{len(s.runs)} {noun}"
            )
            parts = [runs]
            if level.points:
                parts.append(f"{s.point_count():,} pts")
            if level.mode:
                parts.append(s.watch_mode)
            text.append("  " + SEP.join(parts))
            if s.progress is not None:
                done, seen = s.progress
                pct = 100 * done // max(seen, 1)
                reading = "" if level.short else "reading "
                text.append(f"{SEP}{reading}{pct}% of {seen / 1e6:,.0f} MB", style="bold yellow")
            newest = max((r.last_wall_time for r in s.runs.values()), default=0.0)
            if newest > 0:  # when the newest data was written, not when it was read
                label = "data" if level.short else "last data"
                text.append(f"{SEP}{label} {data_time(newest, s.clock())}", style="dim")
        o = s.options
        flags = [f"{'sm' if level.short else 'smooth'} {o.smoothing:.2f}", f"x {o.x_mode}"]
        if o.log_y:
            flags.append("log-y")
        if o.ignore_outliers:
            flags.append("no-outl" if level.short else "no outliers")
        text.append("  [" + SEP.join(flags) + "]", style="cyan")
        return text
