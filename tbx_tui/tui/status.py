"""The one-line header: logdir, run and point counts, watching mode, when the newest data was
written, options."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.state import ViewState
from tbx_tui.view import numfmt


def data_time(when: float, now: float) -> str:
    """``when`` as local time: H:MM:SS today, with the date on other days (``t=<number>`` when
    it can be no date)."""
    if numfmt.timestamp(when, "%Y-%m-%d") == numfmt.timestamp(now, "%Y-%m-%d"):
        return numfmt.timestamp(when, "%H:%M:%S")
    return numfmt.timestamp(when, "%Y-%m-%d %H:%M")


class StatusBar(Static):
    def __init__(self, state: ViewState, name: str = "", **kwargs) -> None:
        super().__init__("", **kwargs)
        self.state = state
        self.display_name = name

    def on_mount(self) -> None:
        self.sync()

    def sync(self) -> None:
        s = self.state
        if not self.display_name:
            self.display_name = settings_of(self.app).display_name
        text = Text(no_wrap=True, overflow="ellipsis")
        text.append(" tbx-top ", style="bold reverse")
        text.append(f" {safe_text(self.display_name)}", style="bold")
        if not s.loaded:
            ellipsis = settings_of(self.app).glyphs.ellipsis
            text.append("  reading" + ellipsis, style="italic")
        else:
            shown = len(s.visible_runs())
            noun = "run" if len(s.runs) == 1 else "runs"
            runs = (
                f"{len(s.runs)} {noun}" if shown == len(s.runs) else f"{shown}/{len(s.runs)} {noun}"
            )
            text.append(f"  {runs} · {s.point_count():,} pts · {s.watch_mode}")
            if s.progress is not None:
                done, seen = s.progress
                pct = 100 * done // max(seen, 1)
                text.append(f" · reading {pct}% of {seen / 1e6:,.0f} MB", style="bold yellow")
            newest = max((r.last_wall_time for r in s.runs.values()), default=0.0)
            if newest > 0:  # when the newest data was written, not when it was read
                text.append(f" · last data {data_time(newest, s.clock())}", style="dim")
        o = s.options
        flags = [f"smooth {o.smoothing:.2f}", f"x {o.x_mode}"]
        if o.log_y:
            flags.append("log-y")
        if o.ignore_outliers:
            flags.append("no outliers")
        text.append("  [" + " · ".join(flags) + "]", style="cyan")
        self.update(text)
