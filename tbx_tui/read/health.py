"""Is a run healthy? Its latest values (NaN, infinities), how long it has been silent, and
whether it said it finished. Shared by ``tbx-top --check`` and the app's sidebar marks.

Works on a store :class:`~tbx_tui.read.store.Run` and on a :class:`~tbx_tui.read.runview.RunView`
alike: both map each scalar tag to a series with ``steps``, ``values`` and ``last_index()``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

#: The tag tbx-log writes when the job it ran (or the pipe it read) ended: a run holding it has
#: finished, not stalled.
END_TAG = "process/duration_s"


def latest(series: Any) -> tuple[int, float] | None:
    """``(step, value)`` of the point at the highest step (the latest written among equal
    steps), or None for an empty series."""
    if len(series) == 0:
        return None
    i = series.last_index()
    return int(series.steps[i]), float(series.values[i])


def nonfinite_tags(run: Any, tags: Iterable[str] | None = None) -> list[tuple[str, int, float]]:
    """``(tag, step, value)`` for every scalar tag whose latest value is NaN or infinite."""
    out = []
    names = run.scalars if tags is None else tags
    for tag in names:
        point = latest(run.scalars[tag])
        if point is not None and not math.isfinite(point[1]):
            out.append((tag, point[0], point[1]))
    return out


def finished(run: Any) -> bool:
    """True when tbx-log recorded the end of the run's job."""
    series = run.scalars.get(END_TAG)
    return series is not None and len(series) > 0


def silent_for(run: Any, now: float) -> float | None:
    """Seconds since the run's newest event, or None when it has none with a wall time."""
    last = run.last_wall_time
    if not last or last <= 0:
        return None
    return max(0.0, now - last)
