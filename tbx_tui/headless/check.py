"""``tbx-top LOGDIR --check RULES``: read once, print one line per alert, exit 1 when any fired.

RULES is a comma-separated list:

- ``nan``: a tag's latest value is NaN or infinite;
- ``TAG>X`` / ``TAG<X``: a run's latest value of TAG is above / below X; TAG is a regex that must
  match the whole tag (``loss`` is that tag only, ``train/.*`` every train tag);
- ``stalled>DURATION``: a run has written nothing for DURATION (``90s``, ``10m``, ``2h``, ``1d``;
  a bare number is seconds). A run whose end tbx-log recorded (``process/duration_s``) is
  finished, not stalled.

``--runs`` and ``--filter`` narrow the runs and tags looked at. Exit codes: 0 nothing fired,
1 something fired, 2 the rules (or the logdir) could not be used; made for cron and CI.
"""

from __future__ import annotations

import math
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TextIO

from tbx_tui.headless.closedpipe import drop_output
from tbx_tui.headless.loading import stream_for_report
from tbx_tui.read import health
from tbx_tui.term.sanitize import safe_text
from tbx_tui.view import numfmt

_DURATION = re.compile(r"(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>s|m|h|d)?\Z")
_SECONDS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class RuleError(ValueError):
    """A rule that can't be used; the message says why."""


@dataclass(frozen=True)
class Rule:
    text: str
    kind: str  # "nan", "above", "below" or "stalled"
    tag_re: re.Pattern[str] | None = None
    threshold: float = 0.0


@dataclass(frozen=True)
class Alert:
    run: str
    tag: str
    reason: str

    def line(self) -> str:
        return f"{safe_text(self.run)} {safe_text(self.tag)}: {self.reason}"


def split_rules(text: str) -> list[str]:
    """Split at commas outside brackets and braces (a regex like ``a{1,3}`` stays whole)."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for ch in text:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth = max(0, depth - 1)
        if ch == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(ch)
    parts.append("".join(current))
    return [p.strip() for p in parts]


def parse_duration(text: str) -> float:
    m = _DURATION.match(text.strip())
    if m is None:
        raise RuleError(f"{text!r} is not a duration (use e.g. 90s, 10m, 2h, 1d)")
    return float(m.group("n")) * _SECONDS[m.group("unit") or "s"]


def parse_rule(text: str) -> Rule:
    if not text:
        raise RuleError("empty rule (two commas in a row, or a trailing comma?)")
    if text.lower() == "nan":
        return Rule(text, "nan")
    cut = max(text.rfind(">"), text.rfind("<"))
    if cut <= 0:
        raise RuleError(f"unknown rule {text!r}: use nan, TAG>X, TAG<X or stalled>DURATION")
    tag, op, limit = text[:cut].strip(), text[cut], text[cut + 1 :].strip()
    if limit.startswith("=") or tag.endswith(("<", ">", "=")):
        raise RuleError(f"{text!r}: use one '>' or '<' (>=, <= and doubled signs are not rules)")
    if tag == "stalled":
        if op != ">":
            raise RuleError(f"{text!r}: stalled takes '>' and a duration, e.g. stalled>10m")
        return Rule(text, "stalled", threshold=parse_duration(limit))
    try:
        threshold = float(limit)
    except ValueError:
        raise RuleError(f"{text!r}: {limit!r} is not a number") from None
    if math.isnan(threshold):
        raise RuleError(f"{text!r}: a threshold can't be NaN (the rule 'nan' finds NaN values)")
    try:
        tag_re = re.compile(tag)
    except re.error as exc:
        raise RuleError(f"{text!r}: {tag!r} is not a valid regex: {exc}") from None
    return Rule(text, "above" if op == ">" else "below", tag_re, threshold)


def parse_rules(text: str) -> list[Rule]:
    return [parse_rule(part) for part in split_rules(text)]


def evaluate(
    runs: dict[str, Any],
    rules: list[Rule],
    now: float,
    tag_re: re.Pattern[str] | None = None,
    run_re: re.Pattern[str] | None = None,
    matched: set[str] | None = None,
) -> list[Alert]:
    """The alerts ``rules`` raise over ``runs`` (name -> Run or RunView), by run then rule.
    Tag rules that matched a tag are added to ``matched``."""
    alerts: list[Alert] = []
    matched = set() if matched is None else matched
    for name, run in runs.items():
        if run_re is not None and run_re.search(name) is None:
            continue
        tags = [t for t in run.scalars if tag_re is None or tag_re.search(t)]
        for rule in rules:
            if rule.kind == "nan":
                for tag, step, value in health.nonfinite_tags(run, tags):
                    alerts.append(Alert(name, tag, f"latest value is {value} (step {step})"))
            elif rule.kind == "stalled":
                idle = health.silent_for(run, now)
                if idle is not None and idle > rule.threshold and not health.finished(run):
                    limit = numfmt.duration(rule.threshold)
                    reason = f"nothing written for {numfmt.duration(idle)} (limit {limit})"
                    alerts.append(Alert(name, "-", reason))
            else:
                assert rule.tag_re is not None
                for tag in tags:
                    if rule.tag_re.fullmatch(tag) is None:
                        continue
                    matched.add(rule.text)
                    alert = _threshold(name, tag, run.scalars[tag], rule)
                    if alert is not None:
                        alerts.append(alert)
    return alerts


def _threshold(run: str, tag: str, series: Any, rule: Rule) -> Alert | None:
    point = health.latest(series)
    if point is None:
        return None
    step, value = point
    fired = value > rule.threshold if rule.kind == "above" else value < rule.threshold
    if not fired:  # NaN compares false both ways: the nan rule reports it
        return None
    op = ">" if rule.kind == "above" else "<"
    limit = numfmt.compact(rule.threshold)
    return Alert(run, tag, f"latest value {numfmt.compact(value)} {op} {limit} (step {step})")


def run_check(
    logdir: str,
    rules_text: str,
    tag_re: re.Pattern[str] | None,
    run_re: re.Pattern[str] | None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    clock: Callable[[], float] = time.time,
) -> int:
    """The ``--check`` mode: 0 nothing fired, 1 something fired, 2 bad rules."""
    out = out or sys.stdout
    err = err or sys.stderr
    try:
        rules = parse_rules(rules_text)
    except RuleError as exc:
        err.write(f"tbx-top: error: --check: {exc}\n")
        return 2
    # local or a URL (an unreachable store is retried); a run at a time, read ahead by worker
    # processes on a big logdir, so memory holds a few runs whatever the logdir's size
    streamed = stream_for_report(logdir)
    if streamed is None:
        return 2
    reader, runs = streamed
    now = clock()
    matched: set[str] = set()
    fired = count = 0
    try:
        for run in runs:
            count += 1
            for alert in evaluate({run.name: run}, rules, now, tag_re, run_re, matched):
                out.write(alert.line() + "\n")
                fired += 1
    except BrokenPipeError:  # e.g. `tbx-top --check nan | head -1`: an alert fired
        drop_output(out.fileno())
        return 1
    for warning in reader.warnings:
        err.write(f"tbx-top: --check: warning: {safe_text(warning)}\n")
    for text in sorted({r.text for r in rules if r.tag_re is not None} - matched):
        err.write(f"tbx-top: --check: rule {text!r} matched no tag\n")
    if not count:
        err.write(f"tbx-top: --check: no runs in {safe_text(logdir)}\n")
    out.flush()
    return 1 if fired else 0
