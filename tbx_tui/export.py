"""``tbx-top LOGDIR --export FILE``: every scalar point, one row each, CSV or JSON lines.

CSV header ``run,tag,step,wall_time,value``; values are lossless (``repr`` of the float64, which
spells non-finite values ``nan``, ``inf``, ``-inf``). A ``.jsonl`` file name gives JSON lines with
the same keys, non-finite numbers as the strings ``"nan"``, ``"inf"``, ``"-inf"``.
"""

from __future__ import annotations

import json
import math
import re
import sys
from collections.abc import Iterator
from typing import BinaryIO

from tbx_tui.logdir import Logdir
from tbx_tui.store import ScalarSeries

HEADER = "run,tag,step,wall_time,value\n"


def _csv_field(text: str) -> str:
    """``text`` as one RFC 4180 field: quoted when it holds a comma, quote, CR or LF."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _json_number(x: float) -> str:
    if math.isfinite(x):
        return repr(x)
    return '"nan"' if x != x else ('"inf"' if x > 0 else '"-inf"')


def csv_rows(run: str, tag: str, series: ScalarSeries) -> Iterator[str]:
    """The CSV rows of one series, in arrival order, as one string per chunk of rows."""
    prefix = f"{_csv_field(run)},{_csv_field(tag)},"
    steps = series.steps.tolist()
    walls = series.wall_times.tolist()
    values = series.values.tolist()
    chunk = 65536
    for i in range(0, len(steps), chunk):
        yield "".join(
            [
                f"{prefix}{s},{w!r},{v!r}\n"
                for s, w, v in zip(
                    steps[i : i + chunk], walls[i : i + chunk], values[i : i + chunk], strict=True
                )
            ]
        )


def jsonl_rows(run: str, tag: str, series: ScalarSeries) -> Iterator[str]:
    """The JSON-lines rows of one series, in arrival order, one string per chunk of rows."""
    prefix = '{"run": ' + json.dumps(run) + ', "tag": ' + json.dumps(tag) + ', "step": '
    steps = series.steps.tolist()
    walls = series.wall_times.tolist()
    values = series.values.tolist()
    num = _json_number
    chunk = 65536
    for i in range(0, len(steps), chunk):
        yield "".join(
            [
                f'{prefix}{s}, "wall_time": {num(w)}, "value": {num(v)}}}\n'
                for s, w, v in zip(
                    steps[i : i + chunk], walls[i : i + chunk], values[i : i + chunk], strict=True
                )
            ]
        )


def write_export(
    logdir: Logdir,
    out: BinaryIO,
    jsonl: bool,
    tag_re: re.Pattern | None = None,
    run_re: re.Pattern | None = None,
) -> int:
    """Write every scalar point of ``logdir`` to ``out``; return the number of rows."""
    rows_of = jsonl_rows if jsonl else csv_rows
    if not jsonl:
        out.write(HEADER.encode())
    n = 0
    for run_name, run in logdir.runs.items():
        if run_re is not None and not run_re.search(run_name):
            continue
        for tag, series in run.scalars.items():
            if tag_re is not None and not tag_re.search(tag):
                continue
            for text in rows_of(run_name, tag, series):
                out.write(text.encode("utf-8", "surrogateescape"))
            n += len(series)
    return n


def export(
    path: str, target: str, tag_re: re.Pattern | None = None, run_re: re.Pattern | None = None
) -> int:
    """The ``--export`` mode: read ``path`` once and write it to ``target``; exit status."""
    logdir = Logdir(path)
    logdir.refresh()
    jsonl = target.endswith(".jsonl")
    if target == "-":
        write_export(logdir, sys.stdout.buffer, jsonl, tag_re, run_re)
        sys.stdout.buffer.flush()
        return 0
    try:
        with open(target, "wb") as f:
            write_export(logdir, f, jsonl, tag_re, run_re)
    except OSError as exc:
        print(f"tbx-top: error: cannot write {target!r}: {exc.strerror}", file=sys.stderr)
        return 1
    return 0
