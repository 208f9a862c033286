"""The hparams table: one row per run that logged hyperparameters, one column per hyperparameter
and per final metric (the metric tag's value at its highest step), sortable by any column."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from tbx_tui.term.sanitize import safe_text
from tbx_tui.view import numfmt


@dataclass
class HParamsTable:
    hparam_names: list[str]
    metric_names: list[str]
    #: run name -> values in column order (hparams then metrics); None where missing.
    rows: list[tuple[str, list[Any]]] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return ["run", *self.hparam_names, *self.metric_names]

    def sorted(self, column: str, descending: bool = False) -> HParamsTable:
        """A copy sorted by ``column`` (numbers numerically, then strings; missing values last)."""
        if column == "run":
            rows = sorted(self.rows, key=lambda r: r[0], reverse=descending)
            return HParamsTable(self.hparam_names, self.metric_names, rows)
        i = self.columns.index(column) - 1
        present = [r for r in self.rows if r[1][i] is not None and not _isnan(r[1][i])]
        missing = [r for r in self.rows if r not in present]
        present.sort(key=lambda r: _sort_key(r[1][i]), reverse=descending)
        return HParamsTable(self.hparam_names, self.metric_names, present + missing)

    def text_rows(self) -> list[list[str]]:
        """Every row as sanitised display strings, ``run`` first."""
        return [[safe_text(run), *(format_value(v) for v in vals)] for run, vals in self.rows]


def _isnan(v: Any) -> bool:
    return isinstance(v, float) and math.isnan(v)


def _sort_key(v: Any) -> tuple[int, Any]:
    if isinstance(v, bool):
        return (0, float(v))
    if isinstance(v, int | float):
        return (0, float(v))
    return (1, str(v))


def format_value(v: Any) -> str:
    """A cell's display string (sanitised): numbers short, missing as ``-``."""
    if v is None:
        return "-"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return numfmt.cell_value(v)
    if isinstance(v, int):
        return str(v)
    return safe_text(str(v))


def final_value(run: Any, tag: str) -> float | None:
    """The value of scalar ``tag`` of ``run`` at its highest step, or None when it has none."""
    series = run.scalars.get(tag)
    if series is None or len(series) == 0:
        return None
    if hasattr(series, "last_value"):  # a summary of the series (the headless report's)
        return float(series.last_value)
    return float(series.values[series.last_index()])


def _metrics(run: Any) -> list[str]:
    """The metric tags a run declared; views without that list fall back to its ``hparam/``
    scalar tags (what tensorboardX and torch name them)."""
    declared = getattr(run, "hparam_metrics", None)
    if declared:
        return list(declared)
    return sorted(t for t in run.scalars if t.startswith("hparam/"))


def build(runs: Mapping[str, Any]) -> HParamsTable:
    """The table of every run in ``runs`` (name -> :class:`tbx_tui.read.store.Run`) with hparams.

    Metrics are the tags the runs declared (``hparam_metrics``); a run without its own value of a
    metric takes it from its parent run folder (Lightning logs metrics beside the hparams, while
    tensorboardX and torch write both into one sub-run)."""
    hp_runs = [(name, run) for name, run in sorted(runs.items()) if run.hparams]
    hnames: list[str] = []
    mnames: list[str] = []
    for _, run in hp_runs:
        for k in run.hparams:
            if k not in hnames:
                hnames.append(k)
        for m in _metrics(run):
            if m not in mnames:
                mnames.append(m)
    rows = []
    for name, run in hp_runs:
        vals: list[Any] = [run.hparams.get(k) for k in hnames]
        for m in mnames:
            v = final_value(run, m)
            parent = name.rsplit("/", 1)[0] if "/" in name else "."
            if v is None and parent != name and parent in runs:
                v = final_value(runs[parent], m)
            vals.append(v)
        rows.append((name, vals))
    return HParamsTable(hnames, mnames, rows)


def render_text(table: HParamsTable, width: int | None = None) -> list[str]:
    """The table as aligned plain-text lines (header, rule, rows), cut to ``width``."""
    if not table.rows:
        return []
    cells = [[safe_text(c) for c in table.columns], *table.text_rows()]
    widths = [min(32, max(len(r[i]) for r in cells)) for i in range(len(table.columns))]
    lines = []
    for n, row in enumerate(cells):
        parts = []
        for i, c in enumerate(row):
            c = c if len(c) <= widths[i] else c[: widths[i] - 1] + "…"
            parts.append(c.ljust(widths[i]) if i == 0 or n == 0 else c.rjust(widths[i]))
        lines.append("  ".join(parts).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    if width:
        lines = [ln[:width] for ln in lines]
    return lines
