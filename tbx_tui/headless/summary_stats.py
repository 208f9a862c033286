"""Per-tag summary numbers for the headless report: counts, step range, last value, min and max.

Pure functions over the store, and :func:`collect`, which reads a logdir and narrows it by
``--runs`` / ``--filter``; no terminal or JSON knowledge beyond spelling numbers.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from tbx_tui.read.logdir import Logdir
from tbx_tui.read.store import Point, Run, ScalarSeries


@dataclass(frozen=True)
class ScalarStats:
    """The numbers the report shows for one scalar tag.

    ``first_step`` is the *lowest* step (not the first one written: steps may go backwards),
    ``last_step`` the highest, ``last_value`` / ``last_wall_time`` belong to the point at the
    highest step (the latest written when that step repeats). ``vmin`` / ``vmax`` ignore NaN and
    are NaN only when every value is NaN. All but ``count`` are None for an empty series.
    """

    count: int
    first_step: int | None
    last_step: int | None
    last_value: float | None
    last_wall_time: float | None
    vmin: float | None
    vmax: float | None


@dataclass(frozen=True)
class PointStats:
    """Count and highest step of a non-scalar tag (histograms, images, texts, ...)."""

    count: int
    last_step: int | None


def scalar_stats(series: ScalarSeries) -> ScalarStats:
    n = len(series)
    if n == 0:
        return ScalarStats(0, None, None, None, None, None, None)
    steps = series.steps
    values = series.values
    i = series.last_index()
    finite_or_inf = values[~np.isnan(values)]
    if len(finite_or_inf):
        vmin, vmax = float(finite_or_inf.min()), float(finite_or_inf.max())
    else:
        vmin = vmax = math.nan
    return ScalarStats(
        count=n,
        first_step=int(steps.min()),
        last_step=int(steps[i]),
        last_value=float(values[i]),
        last_wall_time=float(series.wall_times[i]),
        vmin=vmin,
        vmax=vmax,
    )


def point_stats(points: list[Point]) -> PointStats:
    if not points:
        return PointStats(0, None)
    return PointStats(len(points), max(p.step for p in points))


def trend_values(series: ScalarSeries) -> np.ndarray:
    """The series' values ordered by step (stable: arrival order among equal steps)."""
    order = np.argsort(series.steps, kind="stable")
    return series.values[order]


#: Non-scalar kinds in report order, with their singular names.
POINT_KINDS = {
    "histograms": "histogram",
    "images": "image",
    "texts": "text",
    "pr_curves": "pr curve",
    "audio": "audio",
    "other": "other",
}


@dataclass
class RunReport:
    """One run as the report shows it: its tags narrowed by ``--filter``."""

    run: Run
    scalars: dict[str, ScalarSeries]
    points: dict[str, dict[str, list[Point]]]  # kind -> tag -> points

    @property
    def name(self) -> str:
        return self.run.name

    def tag_count(self) -> int:
        return len(self.scalars) + sum(len(tags) for tags in self.points.values())


def collect(
    logdir: str | Logdir, tag_re: re.Pattern | None = None, run_re: re.Pattern | None = None
) -> list[RunReport]:
    """Read ``logdir`` once and narrow it: runs by ``run_re``, tags by ``tag_re`` (re.search).

    A run left with no tag after ``tag_re`` is dropped unless it has warnings; without
    ``tag_re`` every run is kept, empty or not.
    """
    if isinstance(logdir, Logdir):
        ld = logdir
    else:
        ld = Logdir(logdir)
        ld.refresh()
    views = []
    for name, run in ld.runs.items():
        if run_re is not None and not run_re.search(name):
            continue

        def keep(tag: str) -> bool:
            return tag_re is None or tag_re.search(tag) is not None

        view = RunReport(
            run=run,
            scalars={t: s for t, s in run.scalars.items() if keep(t)},
            points={k: {t: p for t, p in run.series(k).items() if keep(t)} for k in POINT_KINDS},
        )
        if tag_re is not None and view.tag_count() == 0 and run.warnings == 0:
            continue
        views.append(view)
    return views
