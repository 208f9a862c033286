"""The in-memory store: what was read from a logdir, run by run, tag by tag.

Scalars are columnar and compact, every value exact: float64 wall times, float32 values, and
steps that cost nothing while they go up by a fixed stride (most series), else the difference of
each step from the one before in the narrowest integer type that holds them (a byte while steps
go up by less than 256); 12 to 13 bytes a point for most series, 20 at most. A column widens,
once, when a point needs it: step differences to a wider type at the first that does not fit,
values to float64 at the first value that is not a float32 (a TF2 ``DT_DOUBLE`` tensor scalar);
the points before are copied over unchanged. Other kinds are few
points per tag and keep one small record per event. Images keep only where their bytes are on disk
(:class:`BlobRef`), so thousands of images cost little memory.

Capacity: while a series loads, its arrays grow by half at a time; :meth:`ScalarSeries.settle`
(called when the run's files are read to their end) cuts them to the points they hold. Points
that arrive after that (tailing) grow them by a few percent at a time.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from tbx_tui.read.compact import (
    DELTA_TYPES,
    Deltas,
    StepRange,
    delta_type,
    fits32,
    float_bits,
    put_deltas,
)

_MIN_CAPACITY = 64
#: Extends of at least this many points grow capacity by half (a first read: few, big batches).
_BULK = 4096
_F32_MAX = float(np.finfo(np.float32).max)
_epochs = itertools.count(1)
#: What a step column gives back: int32, or int64 once a step needs it.
_STEP_TYPES = (np.dtype(np.int32), np.dtype(np.int64))
_WALL_TYPE = np.dtype(np.float64)


def first_version() -> int:
    """Where a new series' or run's version starts: above every version any earlier one reached.

    Versions come from one process-wide counter that never goes back (an epoch, shifted up 32
    bits; changes count up from there), so a run that is read again from scratch is always newer
    than any view taken of the old one.
    """
    return next(_epochs) << 32


def is_float32(value: float) -> bool:
    """Whether the float64 ``value`` is exactly a float32 (NaN and the infinities are)."""
    if math.isnan(value) or math.isinf(value):
        return True
    return abs(value) <= _F32_MAX and float(np.float32(value)) == value


def _small_slack(n: int) -> int:
    """Room kept beyond ``n`` points when growing for a few points (tailing)."""
    return max(n // 64, _MIN_CAPACITY)


class ScalarSeries:
    """One scalar tag of one run: steps, wall times and values in arrival order.

    Values are a numpy column (float32, or float64 once a value is not a float32); wall times a
    column of differences (:class:`~tbx_tui.read.compact.Deltas`); steps that go up (or down)
    by the same stride every point, as most loggers write them, a
    :class:`~tbx_tui.read.compact.StepRange` that costs nothing, and from the first step off
    the stride a column of differences too. Columns have room to grow. Whatever changes later
    (an append, a widened column, a restart's purge) writes past the points held or into new
    arrays, so a view once taken (:meth:`step_column`, :meth:`wall_column`, :attr:`values`)
    never changes. :attr:`steps` and :attr:`wall_times` build arrays on each call.
    """

    __slots__ = tuple(
        "_steps _range _first _last _wide _walls _wall0 _wall1 _values _n _loose version".split()
    )

    def __init__(self) -> None:
        #: The differences between steps; None while the steps are :attr:`_range`'s.
        self._steps: np.ndarray | None = None
        self._range = StepRange(0, 0, 0)
        #: With a difference column: the first and the last step, and whether one needs int64.
        self._first = self._last = 0
        self._wide = False
        #: The differences between the wall times' bit patterns, and the first and last pattern.
        self._walls = np.empty(_MIN_CAPACITY, dtype=DELTA_TYPES[0])
        self._wall0 = self._wall1 = 0
        self._values = np.empty(_MIN_CAPACITY, dtype=np.float32)
        self._n = 0
        #: Whether the capacity beyond ``_n`` was sized for a load (growing by half), not for
        #: tailing: :meth:`settle` gives that back.
        self._loose = True
        #: Bumped on every change, so views can tell whether to redraw.
        self.version = first_version()

    def __len__(self) -> int:
        return self._n

    def __getstate__(self) -> tuple:  # pickled (e.g. from a reading process) without slack
        n = self._n
        steps = None if self._steps is None else self._steps[:n].copy()
        columns = (steps, self._walls[:n].copy(), self._values[:n].copy())
        ends = (self._first, self._last, self._wide, self._wall0, self._wall1)
        return (*columns, self._range, *ends, n, self.version)

    def __setstate__(self, state: tuple) -> None:
        self._steps, self._walls, self._values, self._range = state[:4]
        self._first, self._last, self._wide, self._wall0, self._wall1 = state[4:9]
        self._n, self.version = state[9:]
        self._loose = False

    @property
    def steps(self) -> np.ndarray:
        """int32, or int64 once a step did not fit (built on each call)."""
        return self.step_column().array()

    def step_column(self) -> StepRange | Deltas:
        """The steps as held: the :class:`StepRange` they follow, or their differences."""
        if self._steps is None:
            return self._range
        return Deltas(self._first, self._steps[: self._n], _STEP_TYPES[self._wide])

    def steps_between(self, lo: int, hi: int) -> np.ndarray:
        """Steps ``lo:hi`` (built for that part)."""
        return self.step_column().array(lo, hi)

    def wall_column(self) -> Deltas:
        """The wall times as held: their differences."""
        return Deltas(self._wall0, self._walls[: self._n], _WALL_TYPE)

    @property
    def wall_times(self) -> np.ndarray:
        """float64, exactly as read (built on each call)."""
        return self.wall_column().array()

    def walls_between(self, lo: int, hi: int) -> np.ndarray:
        """Wall times ``lo:hi`` (built for that part)."""
        return self.wall_column().array(lo, hi)

    @property
    def values(self) -> np.ndarray:
        """float32, or float64 once a value was not a float32; exact either way."""
        return self._values[: self._n]

    def _columns(self) -> tuple[str, ...]:
        return ("_walls", "_values") if self._steps is None else ("_steps", "_walls", "_values")

    def _resize(self, capacity: int) -> None:
        """Move every column to new arrays of ``capacity`` (never in place: views stay valid)."""
        n = self._n
        for name in self._columns():
            old = getattr(self, name)
            fresh = np.empty(capacity, dtype=old.dtype)
            fresh[:n] = old[:n]
            setattr(self, name, fresh)

    def _reserve(self, extra: int) -> None:
        need = self._n + extra
        cap = len(self._walls)
        if need <= cap:
            return
        if extra >= _BULK or self._loose:  # loading: few copies, the slack is given back
            self._resize(max(need, cap + cap // 2))
            self._loose = True
        else:  # tailing a settled series: a little room, kept
            self._resize(need + _small_slack(need))

    def _continues(self, first: int, k: int, stride: int | None) -> StepRange | None:
        """The range the steps become if ``k`` more follow on from ``first`` with ``stride``
        (None for a batch whose own steps are not evenly spaced), or None if they break it."""
        r = self._range
        if stride is None:
            return None
        if self._n == 0:
            new = StepRange(first, stride, k)
        elif self._n == 1 and k >= 1:
            step = first - r.first
            if k > 1 and stride != step:
                return None
            new = StepRange(r.first, step, 1 + k)
        else:
            if first != r.at(self._n) or (k > 1 and stride != r.stride):
                return None
            new = StepRange(r.first, r.stride, self._n + k)
        ends = (new.first, new.at(new.n - 1), new.stride)
        return new if all(abs(e) < 1 << 62 for e in ends) else None

    def _materialize(self) -> None:
        """Turn the implicit steps into a difference column (as long as the others)."""
        r, n = self._range, self._n
        dtype = delta_type(min(0, r.stride), max(0, r.stride))
        column: np.ndarray = np.empty(len(self._walls), dtype=dtype)
        column[:n] = r.stride
        column[:1] = 0
        self._steps = column
        self._first, self._last = r.first, r.at(max(n - 1, 0))
        self._wide = not fits32(self._first, self._last)

    def _put(self, steps: np.ndarray | None, wall_times: np.ndarray) -> None:
        """Write int64 ``steps`` (None: the range holds them) and ``wall_times`` after the
        points held, into the difference columns."""
        n = self._n
        bits = float_bits(wall_times)
        if n == 0:
            self._wall1 = self._wall0 = int(bits[0])
        self._walls = put_deltas(self._walls, n, self._wall1, bits)
        self._wall1 = int(bits[-1])
        if steps is None:
            return
        assert self._steps is not None
        if n == 0:
            self._first = self._last = int(steps[0])
        self._steps = put_deltas(self._steps, n, self._last, steps)
        self._last = int(steps[-1])
        if not self._wide:
            self._wide = not fits32(int(steps.min()), int(steps.max()))

    def append(self, step: int, wall_time: float, value: float) -> None:
        if self._n == len(self._walls):
            self._reserve(1)
        n = self._n
        if self._steps is None:
            follows = self._continues(step, 1, 0)
            if follows is not None:
                self._range = follows
            else:
                self._materialize()
        steps = None if self._steps is None else np.array([step], dtype=np.int64)
        self._put(steps, np.array([wall_time], dtype=np.float64))
        if self._values.dtype == np.float32 and not is_float32(value):
            self._widen_values()
        self._values[n] = value
        self._n = n + 1
        self.version += 1

    def extend(self, steps: np.ndarray, wall_times: np.ndarray, values: np.ndarray) -> None:
        k = len(steps)
        if k == 0:
            return
        self._reserve(k)
        n = self._n
        steps = steps.astype(np.int64, copy=False)
        if self._steps is None:
            deltas = np.diff(steps)
            even = k == 1 or bool((deltas == deltas[0]).all())
            stride = (int(deltas[0]) if k > 1 else 0) if even else None
            follows = self._continues(int(steps[0]), k, stride)
            if follows is not None:
                self._range = follows
            else:
                self._materialize()
        self._put(None if self._steps is None else steps, wall_times)
        if self._values.dtype == np.float32 and values.dtype.itemsize > 4:
            with np.errstate(over="ignore"):
                narrow = values.astype(np.float32)
            if not np.array_equal(narrow, values, equal_nan=True):
                self._widen_values()
        self._values[n : n + k] = values
        self._n = n + k
        self.version += 1

    def _widen_values(self) -> None:
        fresh: np.ndarray = np.empty(len(self._values), dtype=np.float64)
        fresh[: self._n] = self._values[: self._n]
        self._values = fresh

    def settle(self) -> None:
        """Give back the room a load left unused (call when the files are read to their end):
        the columns then hold exactly the points. From then on, new points grow the columns by
        a few percent at a time (tailing), room that is kept, so a live series is not copied on
        every read."""
        if self._loose:
            if len(self._walls) != self._n:
                self._resize(self._n)
            self._loose = False

    def purge_from(self, step: int) -> int:
        """Drop points with ``step >= step``; return how many were dropped.

        The kept points go to new arrays: views of the old ones (snapshots already handed to
        the UI or a render thread) must never change under their holders.
        """
        steps = self.steps
        keep = steps < step
        k = int(keep.sum())
        dropped = self._n - k
        if dropped:
            walls = self.wall_times[keep]
            ranged = self._steps is None and self._range.stride >= 0
            if ranged:  # steps going up: the kept ones are the first k
                self._range = StepRange(self._range.first, self._range.stride, k)
            cap = k + _small_slack(k)
            values = self._values[: self._n][keep]
            self._values = np.empty(cap, dtype=values.dtype)
            self._values[:k] = values
            self._walls = np.empty(cap, dtype=DELTA_TYPES[0])
            kept_steps = None
            if not ranged:  # a new difference column of the kept steps
                self._wide = steps.dtype == np.int64
                self._steps = np.empty(cap, dtype=DELTA_TYPES[0])
                kept_steps = steps[keep].astype(np.int64)
            self._n = 0
            if k:
                self._put(kept_steps, walls)
            self._n = k
            self.version += 1
        return dropped

    def last_index(self) -> int:
        """Index of the point at the highest step (the latest written among equal steps)."""
        return self.step_column().top_index()

    def nbytes(self) -> int:
        """Bytes held by the columns, unused capacity included."""
        steps = 0 if self._steps is None else self._steps.nbytes
        return steps + self._walls.nbytes + self._values.nbytes


@dataclass(frozen=True)
class BlobRef:
    """Where one event's payload lies on disk, to be read again when it is needed."""

    path: str
    offset: int
    length: int


@dataclass
class Point:
    """One non-scalar event of a tag. ``data`` depends on the kind:

    histograms: float64 array ``[k, 3]`` of (left edge, right edge, count);
    images: list of :class:`ImageInfo`; texts: str; pr_curves: float64 array ``[6, N]``;
    audio: dict of metadata; other plugins: None.
    """

    step: int
    wall_time: float
    data: Any


@dataclass(frozen=True)
class ImageInfo:
    """One image of an image event: its size and where its encoded bytes are."""

    width: int
    height: int
    ref: BlobRef
    value_index: int  # which Summary.Value of the event
    image_index: int  # which image of that value (v2 tensors hold several)


KINDS = ("histograms", "images", "texts", "pr_curves", "audio", "other")


@dataclass
class Run:
    """Everything read for one run (a folder holding event files)."""

    name: str
    scalars: dict[str, ScalarSeries] = field(default_factory=dict)
    histograms: dict[str, list[Point]] = field(default_factory=dict)
    images: dict[str, list[Point]] = field(default_factory=dict)
    texts: dict[str, list[Point]] = field(default_factory=dict)
    pr_curves: dict[str, list[Point]] = field(default_factory=dict)
    audio: dict[str, list[Point]] = field(default_factory=dict)
    other: dict[str, list[Point]] = field(default_factory=dict)
    #: Plugin name per tag, from the first value of the tag that carried metadata.
    plugins: dict[str, str] = field(default_factory=dict)
    #: Raw plugin content bytes per tag (e.g. pr_curves' num_thresholds).
    plugin_content: dict[str, bytes] = field(default_factory=dict)
    #: Hyperparameters from hparams session_start_info: name -> str/float/bool.
    hparams: dict[str, Any] = field(default_factory=dict)
    #: Metric tags the hparams experiment declared (tensorboardX/torch write them per sub-run).
    hparam_metrics: list[str] = field(default_factory=list)
    #: Damage found in this run's files, counted.
    warnings: int = 0
    warning_messages: list[str] = field(default_factory=list)
    #: Newest wall time of any event read.
    last_wall_time: float = 0.0
    #: Bumped whenever anything in the run changes.
    version: int = field(default_factory=first_version)

    def series(self, kind: str) -> dict[str, list[Point]]:
        return getattr(self, kind)

    def point_count(self) -> int:
        n = sum(len(s) for s in self.scalars.values())
        for kind in KINDS:
            n += sum(len(v) for v in self.series(kind).values())
        return n

    def settle(self) -> None:
        """Give back the capacity big batches left in the scalar series (see
        :meth:`ScalarSeries.settle`): call when the run's files are read to their end."""
        for series in self.scalars.values():
            series.settle()

    def purge_from(self, step: int) -> int:
        """Apply a restart (``SessionLog.START`` at ``step``): drop every point with step >= it."""
        dropped = sum(s.purge_from(step) for s in self.scalars.values())
        for kind in KINDS:
            for tag, points in self.series(kind).items():
                kept = [p for p in points if p.step < step]
                if len(kept) != len(points):
                    dropped += len(points) - len(kept)
                    self.series(kind)[tag] = kept
        if dropped:
            self.version += 1
        return dropped

    def add_warning(self, message: str) -> None:
        self.warnings += 1
        if len(self.warning_messages) < 100:
            self.warning_messages.append(message)
        self.version += 1
