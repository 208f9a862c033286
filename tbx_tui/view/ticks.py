"""Axis ticks people can read: 1-2-5 x 10^k values, whole steps, log decades, clock times.

Pure functions, no drawing: a chart asks :func:`axis_ticks` for the values and labels of one axis
and hands them to plotext. Every tick lies inside the data range (the chart is not stretched to a
round number), and :func:`fit` drops ticks until the labels do not touch at the width they get.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

from tbx_tui.view import numfmt

#: Tick spacings for time axes, in seconds: clock-friendly (15 s, 30 min, 6 h), not 1-2-5.
TIME_STEPS: tuple[float, ...] = (
    0.1, 0.2, 0.5, 1, 2, 5, 10, 15, 30,
    60, 120, 300, 600, 900, 1800,
    3600, 7200, 10800, 21600, 43200,
    86400, 2 * 86400, 7 * 86400, 14 * 86400, 28 * 86400,
)  # fmt: skip
_MANTISSAS = (1.0, 2.0, 5.0)


def _clean(value: float) -> float:
    """``value`` rid of float noise (0.30000000000000004 -> 0.3)."""
    return float(f"{value:.12g}")


def nice_step(raw: float) -> float:
    """The smallest 1, 2 or 5 x 10^k that is at least ``raw`` (> 0)."""
    exponent = math.floor(math.log10(raw))
    for mantissa in (*_MANTISSAS, 10.0):
        step = _clean(mantissa * 10.0**exponent)
        if step >= raw * (1 - 1e-9):
            return step
    return _clean(10.0 ** (exponent + 1))  # pragma: no cover (10 x 10^k covers every raw)


def _smaller_step(step: float) -> float:
    """The 1-2-5 step just below the 1-2-5 ``step`` (5 -> 2 -> 1 -> 0.5)."""
    exponent = math.floor(math.log10(step) + 1e-9)
    mantissa = round(step / 10.0**exponent)
    smaller = {5: 2.0, 2: 1.0}.get(mantissa, 0.5)
    return _clean(smaller * 10.0**exponent)


def _multiples(lo: float, hi: float, step: float) -> list[float]:
    first = math.ceil(lo / step - 1e-9)
    last = math.floor(hi / step + 1e-9)
    return [_clean(k * step) for k in range(first, last + 1)]


def nice_ticks(lo: float, hi: float, max_count: int, integer: bool = False) -> list[float]:
    """At most ``max_count`` ticks at multiples of a 1-2-5 step inside ``[lo, hi]``, at least two
    where the range allows. ``integer``: whole numbers only (step axes)."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo or max_count < 2:
        value = round(lo) if integer else lo
        return [float(value)] if lo <= value <= hi else []
    step = nice_step((hi - lo) / (max_count - 1))
    if integer:
        step = max(step, 1.0)
    ticks = _multiples(lo, hi, step)
    for _ in range(64):  # a finer step each time; 64 reach far below any float's spacing
        if len(ticks) >= 2 or (integer and step <= 1):
            break
        smaller = _smaller_step(step)
        if integer and smaller < 1:
            break
        candidate = _multiples(lo, hi, smaller)
        if len(candidate) > max_count:
            break
        step, ticks = smaller, candidate
    return ticks


def log_ticks(lo: float, hi: float, max_count: int) -> list[float]:
    """Ticks for a log axis over positive ``[lo, hi]``: decades with 2 and 5 between them, only
    decades when those are too many, every other (fifth, ...) decade when even those are; a range
    narrower than that (1 to 3) gets 1-2-5 ticks of a linear axis instead."""
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo <= 0 or hi <= 0:
        return []
    if hi < lo:
        lo, hi = hi, lo
    first, last = math.floor(math.log10(lo)), math.ceil(math.log10(hi))
    candidates = [_clean(m * 10.0**e) for e in range(first, last + 1) for m in _MANTISSAS]
    inside = [t for t in candidates if lo * (1 - 1e-9) <= t <= hi * (1 + 1e-9)]
    if len(inside) < 3:
        linear = nice_ticks(lo, hi, max_count)
        return linear if len(linear) > len(inside) else inside
    if len(inside) <= max_count:
        return inside
    decades = [e for e in range(first, last + 1) if lo * (1 - 1e-9) <= 10.0**e <= hi * (1 + 1e-9)]
    every = 1
    while len(decades[::every]) > max(1, max_count):
        every = int(nice_step(every + 1))
    chosen = [e for e in decades if e % every == 0] or decades[:1]
    return [_clean(10.0**e) for e in chosen]


def time_ticks(lo: float, hi: float, max_count: int, utc_offset: float = 0.0) -> list[float]:
    """Ticks for a time axis in seconds at clock-friendly spacings (see :data:`TIME_STEPS`),
    aligned to the local clock when ``utc_offset`` (seconds east of UTC) is given."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return []
    if hi < lo:
        lo, hi = hi, lo
    span = hi - lo
    if span == 0 or max_count < 2:
        return [lo]
    if span / (max_count - 1) < TIME_STEPS[0]:
        return nice_ticks(lo, hi, max_count)
    step = next((s for s in TIME_STEPS if s * (max_count - 1) >= span), None)
    if step is None:
        step = TIME_STEPS[-1] * nice_step(span / (max_count - 1) / TIME_STEPS[-1])
    ticks = [t - utc_offset for t in _multiples(lo + utc_offset, hi + utc_offset, step)]
    while len(ticks) < 2:
        smaller = max((s for s in TIME_STEPS if s < step), default=None)
        if smaller is None:
            return nice_ticks(lo, hi, max_count)
        step = smaller
        ticks = [t - utc_offset for t in _multiples(lo + utc_offset, hi + utc_offset, step)]
    return ticks


def _spacing(ticks: Sequence[float]) -> float:
    gaps = [b - a for a, b in zip(ticks, ticks[1:], strict=False) if b > a]
    return min(gaps) if gaps else 1.0


def number_labels(ticks: Sequence[float]) -> list[str]:
    """Labels of linear ticks with one precision for all: ``0.5 1 1.5``, ``2k 4k``, ``1e-05``."""
    if len(ticks) == 1:  # no spacing to take the precision from
        return [numfmt.compact(ticks[0], 4)]
    step = _spacing(ticks)
    out = []
    for value in ticks:
        magnitude = abs(value)
        if value == 0:
            out.append("0")
        elif magnitude >= 1e6 or (magnitude < 1e-3):
            out.append(_short_exp(value))
        elif magnitude >= 1e4 and step >= 1000:
            out.append(f"{_clean(value / 1000):g}k")
        else:
            decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step < 1 else 0
            text = f"{value:.{decimals}f}"
            out.append(text)
    return out


def _short_exp(value: float) -> str:
    mantissa, exponent = (
        f"{value:.3g}".split("e") if "e" in f"{value:.3g}" else (f"{value:.3e}".split("e"))
    )
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    sign = exponent[0] if exponent[0] in "+-" else "+"
    return f"{mantissa}e{sign}{exponent.lstrip('+-').lstrip('0').rjust(2, '0')}"


def step_labels(ticks: Sequence[float]) -> list[str]:
    """Whole step counts: plain below a million (``250000``), then ``1.5M``, ``2G``."""
    out = []
    for value in ticks:
        v = int(round(value))
        if abs(v) < 1_000_000:
            out.append(str(v))
            continue
        for unit, size in (("P", 10**15), ("T", 10**12), ("G", 10**9), ("M", 10**6)):
            if abs(v) >= size:
                out.append(f"{_clean(v / size):g}{unit}")
                break
    return out


def log_labels(ticks: Sequence[float]) -> list[str]:
    """Labels of log ticks: ``0.001 0.002 0.005 0.01 ... 1 2 5 10 ... 1e+06``."""
    out = []
    for value in ticks:
        if 1e-3 <= value < 1e6:
            out.append(f"{value:.6g}")
        else:
            out.append(_short_exp(value))
    return out


def clock_labels(ticks: Sequence[float]) -> list[str]:
    """Wall-clock labels fitting the tick spacing: ``hh:mm``, ``hh:mm:ss``, ``hh:mm:ss.s``;
    whole days as ``mm-dd``; ``t=<number>`` for a time that can be no date."""
    step = _spacing(ticks)
    fmt = "%m-%d" if step >= 86400 else "%H:%M" if step >= 60 else "%H:%M:%S"
    out = []
    for value in ticks:
        text = numfmt.timestamp(value, fmt)
        if step < 1 and not text.startswith("t="):
            text += f".{int(round((value - math.floor(value)) * 10)) % 10}"
        out.append(text)
    return out


def duration_labels(ticks: Sequence[float]) -> list[str]:
    """Elapsed-time labels: ``0.5s``, ``45s``, ``1m30s``, ``5m``, ``2h``, ``1h30m``, ``3d``."""
    step = _spacing(ticks)
    out = []
    for value in ticks:
        sign, v = ("-" if value < 0 else ""), abs(value)
        if step < 1:
            decimals = max(1, -math.floor(math.log10(step) + 1e-9))
            out.append(f"{sign}{v:.{decimals}f}s")
            continue
        s = int(round(v))
        days, rest = divmod(s, 86400)
        hours, rest = divmod(rest, 3600)
        minutes, seconds = divmod(rest, 60)
        parts = [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")]
        shown = [f"{n}{u}" for n, u in parts if n] or ["0s"]
        out.append(sign + "".join(shown[:2]))
    return out


def overlaps(
    ticks: Sequence[float],
    labels: Sequence[str],
    lo: float,
    hi: float,
    width: int,
    vertical: bool = False,
    scale: Callable[[float], float] = float,
) -> bool:
    """Whether ``labels``, each centred on its tick along an axis ``width`` cells long showing
    ``[lo, hi]``, would touch (one blank cell kept between them). ``vertical``: a y axis, where
    each label takes one row whatever its length. ``scale``: where a value lies on the axis
    (``math.log10`` on a log axis)."""
    lo, hi = scale(lo), scale(hi)
    if hi <= lo:
        return len(labels) > 1
    right_edge = -2
    for value, text in zip(ticks, labels, strict=True):
        size = 1 if vertical else len(text)
        column = round((scale(value) - lo) / (hi - lo) * (width - 1))
        start = max(0, min(width - size, column - size // 2))
        if start <= right_edge + (0 if vertical else 1):  # rows need no blank between them
            return True
        right_edge = start + size - 1
    return right_edge >= width  # a label wider than the axis itself


def fit(
    lo: float,
    hi: float,
    width: int,
    make: Callable[[float, float, int], list[float]],
    label: Callable[[Sequence[float]], list[str]],
    max_count: int = 8,
    vertical: bool = False,
    scale: Callable[[float], float] = float,
) -> tuple[list[float], list[str]]:
    """The most ticks (up to ``max_count``) whose labels do not touch on a ``width``-cell axis."""
    for count in range(max(2, max_count), 1, -1):
        ticks = make(lo, hi, count)
        labels = label(ticks)
        if not overlaps(ticks, labels, lo, hi, width, vertical, scale):
            return ticks, labels
    ticks = make(lo, hi, 2)[:1]
    return ticks, label(ticks)


def axis_ticks(
    kind: str, lo: float, hi: float, width: int, max_count: int = 8, vertical: bool = False
) -> tuple[list[float], list[str]]:
    """Ticks and labels of one axis ``width`` cells long: ``kind`` is ``step``, ``number``,
    ``log`` (``lo``/``hi`` as values, not logs), ``wall`` (epoch seconds) or ``relative``
    (seconds since the start)."""
    make: Callable[[float, float, int], list[float]]
    label: Callable[[Sequence[float]], list[str]]
    scale: Callable[[float], float] = float
    if kind == "step":
        make, label = (lambda a, b, n: nice_ticks(a, b, n, True)), step_labels
    elif kind == "log":
        make, label, scale = log_ticks, log_labels, math.log10
    elif kind == "wall":
        offset = float(time.localtime(lo).tm_gmtoff) if math.isfinite(lo) else 0.0
        make, label = (lambda a, b, n: time_ticks(a, b, n, offset)), clock_labels
    elif kind == "relative":
        make, label = time_ticks, duration_labels
    else:
        make, label = nice_ticks, number_labels
    return fit(lo, hi, width, make, label, max_count, vertical, scale)
