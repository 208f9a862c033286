"""``tbx-top LOGDIR --once --json``: the report as one JSON document."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from tbx_tui.headless.summary_stats import RunReport, point_stats
from tbx_tui.read.store import Point
from tbx_tui.term.sanitize import valid_unicode
from tbx_tui.view.numfmt import json_number


def _point_json(points: dict[str, list[Point]]) -> dict[str, dict[str, Any]]:
    out = {}
    for tag, pts in points.items():
        st = point_stats(pts)
        out[tag] = {"count": st.count, "last_step": st.last_step}
    return out


def run_json(view: RunReport) -> dict[str, Any]:
    """One run of the ``--json`` document (the keys of issue 2, then a few extra ones)."""
    scalars = {}
    for tag, summary in view.scalars.items():
        st = summary.stats
        scalars[tag] = {
            "count": st.count,
            "first_step": st.first_step,
            "last_step": st.last_step,
            "last_value": json_number(st.last_value),
            "last_wall_time": json_number(st.last_wall_time),
            "min": json_number(st.vmin),
            "max": json_number(st.vmax),
        }
    run = view.run
    doc: dict[str, Any] = {
        "name": run.name,
        "warnings": run.warnings,
        "scalars": scalars,
        "histograms": _point_json(view.points["histograms"]),
        "images": _point_json(view.points["images"]),
        "texts": _point_json(view.points["texts"]),
        # extras, beyond the keys issue 2 names
        "pr_curves": _point_json(view.points["pr_curves"]),
        "audio": _point_json(view.points["audio"]),
        "other": {
            tag: {**info, "plugin": run.plugins.get(tag, "")}
            for tag, info in _point_json(view.points["other"]).items()
        },
        "hparams": {
            k: json_number(v) if isinstance(v, float) else v for k, v in sorted(run.hparams.items())
        },
        "warning_messages": list(run.warning_messages),
    }
    return doc


def _valid(value: Any) -> Any:
    """``value`` with every string in it (keys too) free of surrogates."""
    if isinstance(value, str):
        return valid_unicode(value)
    if isinstance(value, dict):
        return {_valid(k): _valid(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_valid(v) for v in value]
    return value


def render_json(logdir: str, views: list[RunReport], warnings: Sequence[str] = ()) -> str:
    """The whole report as one JSON document, ASCII only (so no raw C0/C1 byte or bidi control
    can get out: JSON's own escapes spell them). Names keep their exact characters, except
    bytes that are not UTF-8 (a Latin-1 folder name), which are spelled ``\\xNN`` so that the
    document holds no lone surrogate (strict parsers reject those). ``warnings`` are the
    logdir's own (unreadable folders, an unreachable store)."""
    doc = {"logdir": logdir, "warnings": list(warnings), "runs": [run_json(v) for v in views]}
    return json.dumps(_valid(doc), ensure_ascii=True, allow_nan=False, indent=2)
