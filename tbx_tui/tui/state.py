"""What the app shows, independent of widgets: runs, their colours, visibility, filters, options."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from tbx_tui.read import health
from tbx_tui.term import termcaps
from tbx_tui.term.termcaps import run_marker
from tbx_tui.view import palette
from tbx_tui.view.options import X_MODES, Options  # not view.plot: no plotext before 1st frame

if TYPE_CHECKING:
    from tbx_tui.read.runview import RunView

SMOOTHING_STEP = 0.1
#: A run watched growing that then writes nothing for this long is marked stalled.
STALL_SECONDS = 600.0


TOP_GROUP = ""


def group_of(tag: str) -> str:
    """The part of the tag before the first ``/``; tags without one share the top group
    (TensorBoard gives each its own group, which wastes a row of a narrow terminal per tag)."""
    return tag.split("/", 1)[0] if "/" in tag else TOP_GROUP


def compile_filter(pattern: str) -> re.Pattern[str] | None:
    """``pattern`` compiled (case-insensitive when it is all lower case), None when empty.

    Raises ``re.error`` for an invalid pattern.
    """
    if not pattern:
        return None
    flags = re.IGNORECASE if pattern == pattern.lower() else 0
    return re.compile(pattern, flags)


@dataclass
class ViewState:
    """Everything a view needs to draw, owned by the app and changed only on its thread."""

    clock: Callable[[], float] = time.time
    runs: dict[str, RunView] = field(default_factory=dict)
    #: A character per run, in the order runs appear: what tells runs apart in charts and
    #: legends when colour is off (NO_COLOR).
    markers: dict[str, str] = field(default_factory=dict)
    hidden: set[str] = field(default_factory=set)
    tag_re: re.Pattern[str] | None = None
    run_re: re.Pattern[str] | None = None
    options: Options = field(default_factory=Options)
    watch_mode: str = "starting"
    loaded: bool = False
    #: While a long first load goes on: (bytes read, bytes seen); None once everything is read.
    progress: tuple[int, int] | None = None
    #: Bumped by the app after every change (data, options, filters, visibility), so that
    #: widgets can tell in O(1) that nothing changed since they last looked.
    generation: int = 0
    _colors: tuple = field(default=((), {}), repr=False)  # (inputs, colours) of colors

    @property
    def colors(self) -> dict[str, tuple[int, int, int]]:
        """Each run's colour: from its name (see :mod:`tbx_tui.view.palette`), the visible runs
        kept apart from each other."""
        key = (tuple(self.runs), frozenset(self.hidden), self.run_re)
        if self._colors[0] != key:
            visible = self.visible_runs()
            cards: dict[str, list[str]] = {}  # runs drawn together: those sharing a tag
            for name in visible:
                for tag in self.runs[name].scalars:
                    cards.setdefault(tag, []).append(name)
            colors = {name: palette.color_of(name) for name in self.runs}
            colors.update(palette.assign(visible, cards.values()))
            self._colors = (key, colors)
        return self._colors[1]

    #: The run under the sidebar's cursor (or picked with j/k in a zoomed card): the Console view
    #: shows it, charts draw its line over the others where they share a cell, and a zoomed
    #: card's cursor steps through its points.
    selected: str | None = None
    #: Runs seen growing while the app watched: only those can be marked stalled.
    growing: set[str] = field(default_factory=set)
    _nan_cache: dict[str, tuple[int, bool]] = field(default_factory=dict)

    def update(self, runs: dict[str, RunView]) -> None:
        """The runs now (the app then sets :attr:`progress` to the new message's)."""
        loading = self.progress is not None  # newer points are still the first load's
        for name in runs:
            if name not in self.markers:
                self.markers[name] = run_marker(len(self.markers))
            old = self.runs.get(name)
            if not loading and old is not None and runs[name].last_wall_time > old.last_wall_time:
                self.growing.add(name)
        self.runs = runs
        self.hidden &= set(runs)

    def went_nan(self, name: str) -> bool:
        """True when a scalar of the run has a NaN or infinite latest value."""
        run = self.runs[name]
        cached = self._nan_cache.get(name)
        if cached is None or cached[0] != run.version:
            cached = (run.version, bool(health.nonfinite_tags(run)))
            self._nan_cache[name] = cached
        return cached[1]

    def stalled(self, name: str) -> bool:
        """True when the run was growing while watched, has not finished (tbx-log records the
        end) and has written nothing for :data:`STALL_SECONDS`."""
        if name not in self.growing:
            return False
        run = self.runs[name]
        idle = health.silent_for(run, self.clock())
        return idle is not None and idle > STALL_SECONDS and not health.finished(run)

    def symbol(self, name: str, color: bool, ascii: bool) -> str:
        """The character shown before a run's name: its marker without colour (runs are told
        apart by it then), else a dot in the run's colour."""
        if not color:
            return self.markers.get(name, "?")
        return termcaps.glyphs(ascii).bullet

    def run_matches(self, name: str) -> bool:
        return self.run_re is None or self.run_re.search(name) is not None

    def listed_runs(self) -> list[str]:
        """Runs shown in the sidebar (the run filter applied), in name order."""
        return [name for name in self.runs if self.run_matches(name)]

    def visible_runs(self) -> list[str]:
        """Runs drawn in charts: listed and not hidden."""
        return [name for name in self.listed_runs() if name not in self.hidden]

    def scalar_tags(self) -> list[str]:
        """Tags of the listed runs that pass the tag filter, sorted."""
        tags: set[str] = set()
        for name in self.listed_runs():
            tags.update(self.runs[name].scalars)
        if self.tag_re is not None:
            tags = {t for t in tags if self.tag_re.search(t)}
        return sorted(tags)

    def groups(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for tag in self.scalar_tags():
            out.setdefault(group_of(tag), []).append(tag)
        return dict(sorted(out.items()))

    def point_count(self) -> int:
        return sum(r.points for r in self.runs.values())

    # options -------------------------------------------------------------------------------
    def set_options(self, **changes) -> None:
        self.options = replace(self.options, **changes)

    def change_smoothing(self, delta: float) -> None:
        value = round(min(0.99, max(0.0, self.options.smoothing + delta)), 2)
        if self.options.smoothing >= 0.9 and delta > 0:
            value = 0.95 if self.options.smoothing < 0.95 else 0.99
        elif self.options.smoothing > 0.9 and delta < 0:
            value = 0.9
        self.set_options(smoothing=value)

    def cycle_x(self) -> None:
        modes = X_MODES
        self.set_options(x_mode=modes[(modes.index(self.options.x_mode) + 1) % len(modes)])

    def toggle_runs(self, names: list[str]) -> None:
        """Hide ``names`` if any of them is shown, else show them all."""
        if any(n not in self.hidden for n in names):
            self.hidden.update(names)
        else:
            self.hidden.difference_update(names)
