"""Per-tag summary numbers for the headless report: counts, step range, last value, min and max.

Pure functions over the store, and :func:`collect`, which reads a logdir and narrows it by
``--runs`` / ``--filter``; no terminal or JSON knowledge beyond spelling numbers.

The report needs a few numbers per scalar tag, not its points: :func:`collect` reads the runs one
at a time and keeps a :class:`ScalarSummary` of each tag (its numbers and its sparkline's
buckets), so the memory of ``--once`` does not grow with the number of points.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from tbx_tui.read.logdir import Logdir
from tbx_tui.read.store import Point, Run, ScalarSeries
from tbx_tui.view.sparkline import bucket_means

#: Buckets of the trend the report draws per scalar tag (its widest sparkline).
TREND_CELLS = 24


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
        last_wall_time=float(series.walls_between(i, i + 1)[0]),
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


@dataclass(frozen=True)
class ScalarSummary:
    """What the report shows of one scalar tag, kept instead of its points: its numbers, and
    the buckets of its trend (:func:`tbx_tui.view.sparkline.bucket_means` of the values in
    step order, :data:`TREND_CELLS` at most)."""

    stats: ScalarStats
    trend_means: np.ndarray
    trend_has: np.ndarray

    def __len__(self) -> int:
        return self.stats.count

    @property
    def last_value(self) -> float | None:
        """The value at the highest step (what the hparams table calls a final metric)."""
        return self.stats.last_value


def summarize(series: ScalarSeries) -> ScalarSummary:
    means, has = bucket_means(trend_values(series), TREND_CELLS)
    return ScalarSummary(scalar_stats(series), means, has)


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
    """One run as the report shows it: its tags narrowed by ``--filter``.

    ``every_scalar`` summarizes every scalar tag of the run (the hparams table reads final
    metrics whatever the filter); ``scalars`` is the part ``--filter`` keeps. The run's own
    scalar points are not kept (``run.scalars`` is emptied when :func:`collect` read the run
    itself); everything else of the run is.
    """

    run: Run
    scalars: dict[str, ScalarSummary]
    points: dict[str, dict[str, list[Point]]]  # kind -> tag -> points
    every_scalar: dict[str, ScalarSummary]

    @property
    def name(self) -> str:
        return self.run.name

    def tag_count(self) -> int:
        return len(self.scalars) + sum(len(tags) for tags in self.points.values())


def run_report(run: Run, tag_re: re.Pattern | None = None, drop_points: bool = False) -> RunReport:
    """``run`` summarized for the report and narrowed by ``tag_re``; with ``drop_points`` its
    scalar points are let go once summarized (the caller read it for the report alone)."""

    def keep(tag: str) -> bool:
        return tag_re is None or tag_re.search(tag) is not None

    every = {t: summarize(s) for t, s in run.scalars.items()}
    if drop_points:
        run.scalars = {}
    return RunReport(
        run=run,
        scalars={t: s for t, s in every.items() if keep(t)},
        points={k: {t: p for t, p in run.series(k).items() if keep(t)} for k in POINT_KINDS},
        every_scalar=every,
    )


def collect(
    logdir: str | os.PathLike[str] | Logdir | Iterable[Run],
    tag_re: re.Pattern | None = None,
    run_re: re.Pattern | None = None,
) -> list[RunReport]:
    """Summarize ``logdir`` and narrow it: runs by ``run_re``, tags by ``tag_re`` (re.search).

    ``logdir`` is a path or URL (read here, one run at a time), a :class:`Logdir` already read
    (left as it is), or runs handed over one at a time (:meth:`Logdir.each_run`; their scalar
    points are let go once summarized). A run left with no tag after ``tag_re`` is dropped
    unless it has warnings; without ``tag_re`` every run is kept, empty or not.
    """
    runs: Iterable[Run]
    if isinstance(logdir, Logdir):
        runs, owned = logdir.runs.values(), False
    elif isinstance(logdir, (str, os.PathLike)):
        runs, owned = Logdir(os.fspath(logdir)).each_run(), True
    else:
        runs, owned = logdir, True
    views = []
    for run in runs:
        if run_re is not None and not run_re.search(run.name):
            continue
        view = run_report(run, tag_re, drop_points=owned)
        if tag_re is not None and view.tag_count() == 0 and run.warnings == 0:
            continue
        views.append(view)
    return views
