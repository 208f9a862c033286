"""Every number formatter, in one place: compact numbers for narrow terminal cells (``4242.5``,
``1.23e-05``), axis labels, steps, durations, and numbers as exported (CSV, JSON)."""

from __future__ import annotations

import math
import numbers
import time

import orjson

#: Unix times of 0001-01-01 and 10000-01-01: a date outside them cannot be formatted.
_FIRST_DATE, _PAST_LAST_DATE = -62135596800.0, 253402300800.0


def compact(value: float, digits: int = 5) -> str:
    """``value`` in at most about ``digits`` significant digits, NaN and infinities spelt out."""
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    if value == 0:
        return "0"
    magnitude = abs(value)
    if 1e-3 <= magnitude < 10**digits:
        text = f"{value:.{digits}g}"
        if "e" not in text:
            return text
    text = f"{value:.{max(1, digits - 2)}e}"
    mantissa, exponent = text.split("e")
    if "." in mantissa:
        mantissa = mantissa.rstrip("0").rstrip(".")
    sign = exponent[0]
    exp_digits = exponent[1:].lstrip("0").rjust(2, "0")
    return f"{mantissa}e{sign}{exp_digits}"


def compact_number(value: float | int | None, digits: int = 5) -> str:
    """A short human spelling: ``4242.5``, ``1.23e-05``, ``nan``, ``inf``, ``-inf``, ``-``."""
    if value is None:
        return "-"
    if isinstance(value, numbers.Integral):  # int and numpy's integers (no numpy import)
        return str(int(value))
    return compact(float(value), digits)


def short(x: float) -> str:
    """Short form of an axis value: 4 significant digits, no trailing noise."""
    if not math.isfinite(x):
        return str(x)
    if x == 0:
        return "0"
    ax = abs(x)
    if 1e-3 <= ax < 1e5:
        s = f"{x:.4g}"
    else:
        s = f"{x:.2e}".replace("e+0", "e").replace("e-0", "e-").replace("e+", "e")
    return s


def step_axis(v: float) -> str:
    """A step on a chart axis: the integer below a million, else :func:`short`."""
    if not math.isfinite(v):
        return str(v)
    return str(int(round(v))) if abs(v) < 1e6 else short(v)


def cell_value(v: float) -> str:
    """A float in a table cell: whole numbers as integers, else 6 significant digits."""
    if v.is_integer() and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.6g}"


def exported(x: float) -> str:
    """One float as exported: shortest round-trip decimal, or nan / inf / -inf."""
    if math.isfinite(x):
        return orjson.dumps(x).decode()
    return "nan" if x != x else ("inf" if x > 0 else "-inf")


def exported_json(x: float) -> str:
    """:func:`exported` as a JSON value: non-finite numbers as strings."""
    return exported(x) if math.isfinite(x) else f'"{exported(x)}"'


def json_number(value: float | int | None) -> float | int | str | None:
    """A number as JSON allows it: non-finite floats become "nan", "inf" or "-inf"."""
    if value is None or isinstance(value, int | bool):
        return value
    if math.isnan(value):
        return "nan"
    if math.isinf(value):
        return "inf" if value > 0 else "-inf"
    return value


def step(value: int) -> str:
    """A step count: plain below a million, then ``1.2M``, ``3.4G``."""
    if abs(value) < 1_000_000:
        return str(value)
    for unit, size in (("P", 10**15), ("T", 10**12), ("G", 10**9), ("M", 10**6)):
        if abs(value) >= size:
            return f"{value / size:.3g}{unit}"
    return str(value)  # pragma: no cover


def duration(seconds: float) -> str:
    """``45s``, ``3m05s``, ``2h14m``, ``3d04h``; negative durations keep their sign."""
    if not math.isfinite(seconds):
        return "?"
    sign = "-" if seconds < 0 else ""
    s = int(abs(seconds))
    if s < 60:
        return f"{sign}{s}s"
    if s < 3600:
        return f"{sign}{s // 60}m{s % 60:02d}s"
    if s < 86400:
        return f"{sign}{s // 3600}h{s % 3600 // 60:02d}m"
    return f"{sign}{s // 86400}d{s % 86400 // 3600:02d}h"


def ago(seconds: float) -> str:
    """How long ago, for a sidebar: ``now``, ``12s ago``, ``3m ago``, ``2h ago``, ``4d ago``."""
    if not math.isfinite(seconds):
        return "?"
    if seconds < 2:
        return "now"
    if seconds < 60:
        return f"{int(seconds)}s ago"
    if seconds < 3600:
        return f"{int(seconds // 60)}m ago"
    if seconds < 86400:
        return f"{int(seconds // 3600)}h ago"
    return f"{int(seconds // 86400)}d ago"


def timestamp(seconds: float, fmt: str, utc: bool = False) -> str:
    """A Unix time through ``time.strftime(fmt)`` (UTC or local), or ``t=<number>`` when it can
    be no date: NaN, infinite, before year 1 or past 9999 (``walltime=time.time_ns()`` gives
    one)."""
    if not (math.isfinite(seconds) and _FIRST_DATE <= seconds < _PAST_LAST_DATE):
        return f"t={compact(seconds)}"
    try:
        return time.strftime(fmt, time.gmtime(seconds) if utc else time.localtime(seconds))
    except (OverflowError, OSError, ValueError):  # the platform's time_t is narrower
        return f"t={compact(seconds)}"
