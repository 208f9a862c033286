"""Numbers out of a job's printed lines: ``key=value``, ``key: value``, JSON objects, CSV rows,
or named groups of a user's ``--pattern``.

A value is taken only when it is unambiguous; anything else is left alone, never misread:

- ``12.5ms``, ``95%``, ``3.2GB``, ``850it/s``: a number with a known unit; the unit goes into the
  tag (``time_ms``, ``acc_pct``, ``mem_GB``, ``speed_it_per_s``) and the number stays as printed.
- ``1,024`` and ``1,234,567.5``: thousands separators (groups of exactly three digits).
- ``1,5`` (a decimal comma?), ``1.2.3``, ``12:30``, ``2024-01-02``, ``0x1f``, ``1.5M`` (mega or
  million?), ``3abc``: not numbers.

The step of a line comes from a step key (``step``, ``iter``, ``iteration``, ``epoch``, ``it``, in
that order of preference, or the one ``--step-key`` names) when the line has one, else the last step
seen, else the line number. A line with no number is just console output.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field

from tbx_tui.writer.values import clean_tag

STEP_KEYS = ("step", "iter", "iteration", "epoch", "it")

#: Units that say one thing only, and how each is spelt in a tag.
UNITS = {
    "%": "pct",
    "ns": "ns",
    "us": "us",
    "µs": "us",
    "ms": "ms",
    "s": "s",
    "sec": "s",
    "min": "min",
    "h": "h",
    "B": "B",
    "KB": "KB",
    "kB": "KB",
    "MB": "MB",
    "GB": "GB",
    "TB": "TB",
    "KiB": "KiB",
    "MiB": "MiB",
    "GiB": "GiB",
    "TiB": "TiB",
    "W": "W",
    "Hz": "Hz",
    "kHz": "kHz",
    "MHz": "MHz",
    "GHz": "GHz",
    "°C": "C",
}

_NUMBER = (
    r"[-+]?(?:"
    r"(?P<grouped>\d{1,3}(?:,\d{3})+(?:\.\d+)?)"  # 1,024  1,234,567.5
    r"|\d+(?:\.\d*)?(?:[eE][-+]?\d+)?"
    r"|\.\d+(?:[eE][-+]?\d+)?"
    r"|(?i:nan|inf(?:inity)?)"
    r")"
)
#: A value: a number, maybe a unit glued to it (``12.5ms``, ``9.1it/s``, ``95%``).
VALUE = re.compile(rf"(?P<num>{_NUMBER})(?P<unit>%|°C|[A-Za-zµ]+(?:/[A-Za-z]+)?|/[A-Za-z]+)?")
_KEY = r"[A-Za-z_][\w.\-/]*"
#: ``key=value`` (spaces allowed around ``=``) or ``key: value``, and the value's text: up to a
#: space or closing delimiter; a comma ends it unless a digit follows (``1,024``; ``1,5`` is then
#: read, and refused, as a whole).
_TOKEN_CHAR = r"[^\s;|)\]}>\"',]"
PAIR = re.compile(
    rf"(?<![\w.\-/])({_KEY})(?:\s*=\s*|:\s*)([-+.\w]{_TOKEN_CHAR}*(?:,\d{_TOKEN_CHAR}*)*)"
)
_HEADER_FIELD = re.compile(rf"{_KEY}\Z")
#: Terminal escape sequences (colours, cursor moves, titles): not part of what a line says.
_ANSI = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-_]")
#: What may follow a value: the end, a space or a closing delimiter.
_END_CHARS = frozenset(" \t\r\n;|)]}>\"'")


@dataclass
class Parsed:
    """What one line says: values by tag (empty when it holds no number) and its step."""

    values: dict[str, float] = field(default_factory=dict)
    step: int | None = None


def _unit_suffix(unit: str) -> str | None:
    """The tag suffix for ``unit``, or None when the unit is unknown (the value is left alone)."""
    if unit in UNITS:
        return UNITS[unit]
    if "/" in unit:  # a rate: it/s, samples/s, MB/s, s/it
        top, _, bottom = unit.partition("/")
        top = UNITS.get(top, top) if top else ""
        if not top or not bottom.isalpha():
            return None
        return f"{top}_per_{UNITS.get(bottom, bottom)}"
    return None


def read_value(text: str, start: int = 0) -> tuple[float, str, int] | None:
    """The value at ``text[start:]``: ``(number, tag suffix, end)``, or None when what is there
    is not an unambiguous number followed by the end of the value."""
    m = VALUE.match(text, start)
    if m is None:
        return None
    end = m.end()
    if end < len(text):
        nxt = text[end]
        if nxt == ",":
            if end + 1 < len(text) and text[end + 1].isdigit():
                return None  # 1,5 or 1,024,5: a decimal comma or broken grouping
        elif nxt not in _END_CHARS:
            return None  # 1.2.3, 12:30, 2024-01-02, 0x1f...
    unit = m.group("unit") or ""
    suffix = ""
    if unit:
        known = _unit_suffix(unit)
        if known is None:
            return None
        suffix = known
    number = m.group("num").replace(",", "") if m.group("grouped") else m.group("num")
    try:
        value = float(number)
    except ValueError:  # pragma: no cover - the pattern only matches floats
        return None
    return value, suffix, end


#: Tag names already made, by (key, unit suffix); bounded (a job may print endless keys).
_TAGS: dict[tuple[str, str], str] = {}
_TAGS_MAX = 10_000


def _tag(key: str, suffix: str) -> str:
    tag = _TAGS.get((key, suffix))
    if tag is None:
        tag = clean_tag(f"{key}_{suffix}" if suffix else key)
        if len(_TAGS) < _TAGS_MAX:
            _TAGS[(key, suffix)] = tag
    return tag


def _is_step(value: float) -> bool:
    return math.isfinite(value) and value == int(value) and abs(value) < 2**63


class LineParser:
    """Turns lines into :class:`Parsed` values; keeps the little state a stream needs (the CSV
    header, the last step, the line count)."""

    def __init__(
        self, patterns: list[re.Pattern[str]] | None = None, step_key: str | None = None
    ) -> None:
        self.patterns = list(patterns or [])
        self.step_keys = (step_key,) if step_key else STEP_KEYS
        self.line_number = 0
        self.last_step: int | None = None
        self.header: list[str] | None = None
        self._candidate: list[str] | None = None

    def parse(self, line: str) -> Parsed:
        """Values of the next line (its trailing newline may be there or not)."""
        self.line_number += 1
        text = line.rstrip("\r\n")
        if "\x1b" in text:  # coloured output: read what the terminal would show
            text = _ANSI.sub("", text)
        raw = self._raw_values(text)
        out = Parsed()
        for key in self.step_keys:
            if key in raw and _is_step(raw[key][0]) and not raw[key][1]:
                out.step = int(raw.pop(key)[0])
                break
        if out.step is not None:
            self.last_step = out.step
        elif raw:
            out.step = self.last_step if self.last_step is not None else self.line_number
        out.values = {_tag(key, suffix): value for key, (value, suffix) in raw.items()}
        out.values.pop("", None)
        return out

    # -- the formats -----------------------------------------------------------------------------

    def _raw_values(self, text: str) -> dict[str, tuple[float, str]]:
        for pattern in self.patterns:
            m = pattern.search(text)
            if m is not None:
                return self._from_groups(m)
        stripped = text.strip()
        if stripped.startswith("{") and stripped.endswith("}"):
            found = self._from_json(stripped)
            if found is not None:
                return found
        if "," in stripped and (
            self.header is not None
            or self._candidate is not None
            or ("=" not in stripped and ":" not in stripped)  # never in a header
        ):
            row = self._from_csv(stripped)
            if row is not None:
                return row
        return self._from_pairs(text)

    @staticmethod
    def _from_groups(m: re.Match[str]) -> dict[str, tuple[float, str]]:
        out = {}
        for key, text in m.groupdict().items():
            if text is None:
                continue
            found = read_value(text.strip())
            if found is not None and found[2] == len(text.strip()):
                out[key] = (found[0], found[1])
        return out

    @staticmethod
    def _from_json(text: str) -> dict[str, tuple[float, str]] | None:
        try:
            obj = json.loads(text)
        except ValueError:
            return None
        if not isinstance(obj, dict):
            return None
        out: dict[str, tuple[float, str]] = {}

        def walk(prefix: str, node: dict) -> None:
            for key, value in node.items():
                name = f"{prefix}/{key}" if prefix else str(key)
                if isinstance(value, dict):
                    walk(name, value)
                elif isinstance(value, int | float) and not isinstance(value, bool):
                    out[name] = (float(value), "")

        walk("", obj)
        return out

    def _from_csv(self, text: str) -> dict[str, tuple[float, str]] | None:
        fields = [f.strip() for f in text.split(",")]
        if self.header is not None and len(fields) == len(self.header):
            row = self._csv_row(self.header, fields)
            if row is not None:
                return row
        if self._candidate is not None and len(fields) == len(self._candidate):
            row = self._csv_row(self._candidate, fields)
            if row is not None:
                self.header, self._candidate = self._candidate, None
                return row
        if len(fields) >= 2 and all(_HEADER_FIELD.match(f) for f in fields):
            if len(set(fields)) == len(fields):
                self._candidate = fields
                return {}
        return None

    @staticmethod
    def _csv_row(header: list[str], fields: list[str]) -> dict[str, tuple[float, str]] | None:
        out = {}
        for name, text in zip(header, fields, strict=True):
            if not text:
                continue
            found = read_value(text)
            if found is None or found[2] != len(text):
                if " " in text:
                    return None  # prose with commas, not a row
                continue
            out[name] = (found[0], found[1])
        return out or None

    @staticmethod
    def _from_pairs(text: str) -> dict[str, tuple[float, str]]:
        out: dict[str, tuple[float, str]] = {}
        for key, token in PAIR.findall(text):
            if "_" not in token:  # float() would take 1_000
                try:
                    out[key] = (float(token), "")  # the common case: a plain number
                    continue
                except ValueError:
                    pass
            found = read_value(token)
            if found is not None and found[2] == len(token):
                out[key] = (found[0], found[1])
        return out
