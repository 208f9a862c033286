"""Consistent, read-only views of runs, taken by the loader thread right after a refresh.

The reader mutates its :class:`~tbx_tui.read.store.Run` objects while it reads; the app must never
look at them from another thread. A :class:`RunView` holds array *views* cut at a fixed length
(appends only write past that length and a restart purges into new arrays, so the views stay
valid) and shallow copies of the small per-kind dicts. Taking one costs O(tags), not O(points).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tbx_tui.read.compact import Deltas, StepRange, top_index
from tbx_tui.read.store import KINDS, Run, ScalarSeries

Column = np.ndarray | StepRange | Deltas


def _built(column: Column) -> np.ndarray:
    return column if isinstance(column, np.ndarray) else column.array()


@dataclass(frozen=True)
class SeriesView:
    """One series as it was: its columns cut at a length, as the store holds them (steps: the
    :class:`~tbx_tui.read.compact.StepRange` evenly spaced steps follow, or differences; wall
    times: differences, see :mod:`tbx_tui.read.compact`; plain arrays do too).
    :attr:`steps` and :attr:`wall_times` build arrays on each call."""

    step_column: Column
    wall_column: Column
    values: np.ndarray
    version: int

    @property
    def steps(self) -> np.ndarray:
        return _built(self.step_column)

    @property
    def wall_times(self) -> np.ndarray:
        return _built(self.wall_column)

    def __len__(self) -> int:
        return len(self.values)

    def last_index(self) -> int:
        """Index of the point at the highest step (the latest written among equal steps)."""
        column = self.step_column
        return top_index(column) if isinstance(column, np.ndarray) else column.top_index()


@dataclass(frozen=True)
class RunView:
    name: str
    version: int
    scalars: dict[str, SeriesView]
    warnings: int
    warning_messages: tuple[str, ...]
    last_wall_time: float
    points: int
    hparams: dict[str, Any] = field(default_factory=dict)
    #: Metric tags the run's hparams experiment declared (Lightning names them freely).
    hparam_metrics: tuple[str, ...] = ()
    plugins: dict[str, str] = field(default_factory=dict)
    #: kind ("histograms", "images", ...) -> tag -> list of store.Point (copied lists)
    kinds: dict[str, dict[str, list]] = field(default_factory=dict)

    @property
    def damaged(self) -> bool:
        return self.warnings > 0


def take_series(series: ScalarSeries) -> SeriesView:
    """A view of ``series`` now: its columns cut at its length (int32 or int64 steps, float32
    or float64 values, as the store holds them; ``float()`` of a value is exact)."""
    columns = (series.step_column(), series.wall_column(), series.values)
    return SeriesView(*columns, series.version)


def take(run: Run, previous: RunView | None = None) -> RunView:
    """A view of ``run`` now; series whose version did not change are reused from ``previous``."""
    old = previous.scalars if previous is not None else {}
    scalars: dict[str, SeriesView] = {}
    for tag, series in list(run.scalars.items()):
        if len(series) == 0:
            continue
        before = old.get(tag)
        if before is not None and before.version == series.version:
            scalars[tag] = before
            continue
        scalars[tag] = take_series(series)
    kinds = {kind: {t: list(p) for t, p in list(run.series(kind).items())} for kind in KINDS}
    points = sum(len(s) for s in scalars.values())
    points += sum(len(p) for d in kinds.values() for p in d.values())
    return RunView(
        name=run.name,
        version=run.version,
        scalars=scalars,
        warnings=run.warnings,
        warning_messages=tuple(run.warning_messages),
        last_wall_time=run.last_wall_time,
        points=points,
        hparams=dict(run.hparams),
        hparam_metrics=tuple(run.hparam_metrics),
        plugins=dict(run.plugins),
        kinds=kinds,
    )
