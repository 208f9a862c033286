"""``tbx-top LOGDIR --export FILE``: every scalar point, one row each, CSV or JSON lines.

CSV header ``run,tag,step,wall_time,value``; values are lossless: the shortest decimal that reads
back as the same float64 (``0.1``, ``1795787257.1108336``, ``0.00003``), non-finite ones spelled
``nan``, ``inf``, ``-inf``. A ``.jsonl`` file name gives JSON lines with the same keys, non-finite
numbers as the strings ``"nan"``, ``"inf"``, ``"-inf"``.

Formatting floats is most of the cost of a big export: orjson (Ryu) formats them, a chunk at a
time, about ten times faster than ``repr``; a big run is also formatted by several forked
processes at once, each into a temporary file, copied to the output in order.

The export streams: runs are read one at a time (``Logdir.each_run``), written, and let go before
the next is read, so its memory is that of the biggest run, not of the logdir.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import orjson

from tbx_tui.headless.closedpipe import drop_output
from tbx_tui.headless.loading import stream_for_report
from tbx_tui.read.store import Run, ScalarSeries
from tbx_tui.term.sanitize import escape_name, safe_text
from tbx_tui.view import numfmt

HEADER = "run,tag,step,wall_time,value\n"
#: Rows formatted per string handed to ``write``.
_CHUNK = 65536
#: Below this many points an export is formatted in this process only.
PARALLEL_MIN_POINTS = 200_000


@dataclass(frozen=True)
class Slice:
    """Rows ``lo:hi`` of one series."""

    run: str
    tag: str
    series: ScalarSeries
    lo: int
    hi: int


def _csv_field(text: str) -> str:
    """``text`` as one RFC 4180 field: quoted when it holds a comma, quote, CR or LF."""
    if any(c in text for c in ',"\r\n'):
        return '"' + text.replace('"', '""') + '"'
    return text


def _chunks(part: Slice) -> Iterator[tuple[np.ndarray, np.ndarray, np.ndarray, bool]]:
    """Steps, wall times and values of the slice a chunk at a time, and whether all are finite."""
    s = part.series
    for i in range(part.lo, part.hi, _CHUNK):
        j = min(i + _CHUNK, part.hi)
        steps, walls, values = s.steps_between(i, j), s.walls_between(i, j), s.values[i:j]
        finite = bool(np.isfinite(walls).all() and np.isfinite(values).all())
        yield steps, walls, values, finite


def csv_rows(part: Slice) -> Iterator[bytes]:
    """The CSV rows of one slice, in arrival order, one bytes object per chunk of rows."""
    prefix = f"{_csv_field(part.run)},{_csv_field(part.tag)},"
    raw_prefix = prefix.encode("utf-8")
    num = numfmt.exported
    for steps, walls, values, finite in _chunks(part):
        if finite:
            rows = zip(steps.tolist(), walls.tolist(), values.tolist(), strict=True)
            body = orjson.dumps(list(rows))  # b"[[step,wall,value],[...]]"
            yield raw_prefix + body[2:-2].replace(b"],[", b"\n" + raw_prefix) + b"\n"
            continue
        rows = zip(steps.tolist(), walls.tolist(), values.tolist(), strict=True)
        text = "".join([f"{prefix}{s},{num(w)},{num(v)}\n" for s, w, v in rows])
        yield text.encode("utf-8")


def jsonl_rows(part: Slice) -> Iterator[bytes]:
    """The JSON-lines rows of one slice, in arrival order, one bytes object per chunk of rows."""
    run, tag = part.run, part.tag
    head = '{"run":' + json.dumps(run) + ',"tag":' + json.dumps(tag) + ',"step":'
    num = numfmt.exported_json
    for steps, walls, values, finite in _chunks(part):
        if finite:
            rows = [
                {"run": run, "tag": tag, "step": s, "wall_time": w, "value": v}
                for s, w, v in zip(steps.tolist(), walls.tolist(), values.tolist(), strict=True)
            ]
            yield orjson.dumps(rows)[1:-1].replace(b"},{", b"}\n{") + b"\n"
            continue
        triples = zip(steps.tolist(), walls.tolist(), values.tolist(), strict=True)
        text = "".join(
            [f'{head}{s},"wall_time":{num(w)},"value":{num(v)}}}\n' for s, w, v in triples]
        )
        yield text.encode("utf-8")


Rows = Callable[[Slice], Iterator[bytes]]


def _write_parts(parts: list[Slice], rows_of: Rows, out: BinaryIO) -> None:
    for part in parts:
        for chunk in rows_of(part):
            out.write(chunk)


def select_run(run: Run, tag_re: re.Pattern | None) -> list[Slice]:
    """Every series of ``run`` to export, whole, in tag order.

    Run names and tags are escaped (:func:`tbx_tui.term.sanitize.escape_name`) whatever the
    output is: ``tbx-top runs --export - | head`` must not let a name drive the terminal.
    """
    name = escape_name(run.name)
    return [
        Slice(name, escape_name(tag), series, 0, len(series))
        for tag, series in run.scalars.items()
        if tag_re is None or tag_re.search(tag)
    ]


def split(parts: list[Slice], shares: int) -> list[list[Slice]]:
    """Cut the rows into ``shares`` consecutive groups of about equal size."""
    total = sum(p.hi - p.lo for p in parts)
    size = -(-total // shares)
    groups: list[list[Slice]] = [[]]
    room = size
    for part in parts:
        lo = part.lo
        while lo < part.hi:
            take = min(room, part.hi - lo)
            groups[-1].append(Slice(part.run, part.tag, part.series, lo, lo + take))
            lo += take
            room -= take
            if room == 0 and len(groups) < shares:
                groups.append([])
                room = size
    return [g for g in groups if g]


def _workers() -> int:
    try:
        return max(1, min(len(os.sched_getaffinity(0)), 8))
    except AttributeError:  # not Linux
        return max(1, min(os.cpu_count() or 1, 8))


def _can_fork() -> bool:
    """Whether forking is safe here: only from a single-threaded process (reading workers keep
    threads of their pool alive, and a forked child may inherit a lock one of them holds)."""
    return hasattr(os, "fork") and threading.active_count() == 1


def _write_forked(groups: list[list[Slice]], rows_of: Rows, out: BinaryIO) -> None:
    """Format ``groups[1:]`` in forked children (into temp files) while this process formats
    ``groups[0]`` straight to ``out``; then append the children's files in order."""
    out.flush()
    children: list[tuple[int, BinaryIO]] = []
    for group in groups[1:]:
        spool: BinaryIO = tempfile.TemporaryFile()
        pid = os.fork()
        if pid == 0:  # child: format, then leave without running the parent's exit handlers
            status = 0
            try:
                _write_parts(group, rows_of, spool)
                spool.flush()
            except BaseException:  # noqa: BLE001 - any failure must reach the parent
                status = 1
            os._exit(status)
        children.append((pid, spool))
    _write_parts(groups[0], rows_of, out)
    failed = False
    for pid, spool in children:
        _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            failed = True
        if not failed:
            spool.seek(0)
            shutil.copyfileobj(spool, out, 1 << 20)
        spool.close()
    if failed:
        raise OSError("a formatting process failed")


def write_runs(
    runs: Iterable[Run],
    out: BinaryIO,
    jsonl: bool,
    tag_re: re.Pattern | None = None,
    run_re: re.Pattern | None = None,
    workers: int | None = None,
) -> int:
    """Write every scalar point of ``runs`` to ``out``, a run at a time as they come (each is
    let go before the next is taken); return the number of rows."""
    rows_of: Rows = jsonl_rows if jsonl else csv_rows
    if not jsonl:
        out.write(HEADER.encode())
    workers = _workers() if workers is None else workers
    total = 0
    for run in runs:
        if run_re is not None and not run_re.search(run.name):
            continue
        parts = select_run(run, tag_re)
        rows = sum(p.hi - p.lo for p in parts)
        if workers > 1 and rows >= PARALLEL_MIN_POINTS and _can_fork():
            _write_forked(split(parts, workers), rows_of, out)
        else:
            _write_parts(parts, rows_of, out)
        total += rows
    return total


def export(
    path: str, target: str, tag_re: re.Pattern | None = None, run_re: re.Pattern | None = None
) -> int:
    """The ``--export`` mode: read ``path`` a run at a time and write it to ``target``; exit
    status. The logdir's warnings (unreadable folders, an unreachable store) go to stderr once
    every run is written."""
    streamed = stream_for_report(path)
    if streamed is None:
        return 1
    logdir, runs = streamed
    jsonl = target.endswith(".jsonl")
    try:
        if target == "-":
            write_runs(runs, sys.stdout.buffer, jsonl, tag_re, run_re)
            sys.stdout.buffer.flush()
        else:
            with open(target, "wb") as f:
                write_runs(runs, f, jsonl, tag_re, run_re)
    except BrokenPipeError:  # e.g. `| head`: the reader has all it wanted
        drop_output(sys.stdout.fileno())
        return 0
    except OSError as exc:
        print(f"tbx-top: error: cannot write {target!r}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    finally:
        for warning in logdir.warnings:
            print(f"tbx-top: warning: {safe_text(warning)}", file=sys.stderr)
    return 0 if logdir.ok else 1
