"""``--export``: every scalar series TensorBoard finds in the corpus comes out the same.

The oracle here is TensorBoard 2.21's reading stored beside the corpus (tensorboard-reading.json);
tests/test_oracle.py runs the ``tensorboard`` package itself on the same files.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import pytest

from tbx_tui.term.sanitize import unescape_name
from tests.conftest import CORPUS, tbx_top

pytestmark = pytest.mark.unit

# Where this project deliberately reads more than TensorBoard (corpus README): run -> tag -> steps.
BETTER = {
    "edge/badcrc": {"loss": list(range(100))[:49] + list(range(50, 100))},
    "edge/badlen": {"v": list(range(29)) + list(range(30, 60))},
    "edge/resumed": {"loss": list(range(60)) + list(range(60, 90))},
}


def _num(x) -> float:
    return float(x) if not isinstance(x, str) else float(x.replace("inf", "inf"))


def same_value(a: float, b: float) -> bool:
    return (math.isnan(a) and math.isnan(b)) or a == b


def export_csv(logdir: Path, *extra: str) -> dict[str, dict[str, list[tuple[int, float, float]]]]:
    proc = tbx_top(str(logdir), "--export", "-", *extra)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("utf-8")
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[0] == ["run", "tag", "step", "wall_time", "value"]
    series: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for run, tag, step, wall, value in rows[1:]:  # names come escaped (README: --export)
        series[unescape_name(run)][unescape_name(tag)].append(
            (int(step), float(wall), float(value))
        )
    return series


@pytest.fixture(scope="module")
def ours():
    return export_csv(CORPUS)


def test_matches_stored_tensorboard_reading(ours):
    reading = json.loads((CORPUS / "tensorboard-reading.json").read_text())
    checked = 0
    for run, tags in reading.items():
        for tag, info in tags.items():
            if info.get("plugin") != "scalars":
                continue
            got = ours[run][tag]
            if run in BETTER and tag in BETTER[run]:
                assert [s for s, _, _ in got] == BETTER[run][tag], (run, tag)
                continue
            assert [s for s, _, _ in got] == info["steps"], (run, tag)
            for (_, wall, value), want_v, want_w in zip(
                got, info["values"], info["wall_times"], strict=True
            ):
                assert same_value(value, _num(want_v)), (run, tag, value, want_v)
                assert abs(wall - _num(want_w)) < 1e-6, (run, tag)
            checked += 1
    assert checked >= 30


def test_better_cases_keep_tensorboards_points_and_values(ours):
    # edge/resumed: 0..59 from the first file, then the resumed writer's 60..89
    got = ours["edge/resumed"]["loss"]
    assert [s for s, _, _ in got] == list(range(90))


def test_export_jsonl_spells_non_finite(tmp_path):
    target = tmp_path / "out.jsonl"
    proc = tbx_top(
        str(CORPUS), "--export", str(target), "--runs", "^tbx/main$", "--filter", "^weird/"
    )
    assert proc.returncode == 0, proc.stderr
    rows = [json.loads(line) for line in target.read_text().splitlines()]
    assert {r["tag"]: r["value"] for r in rows} == {
        "weird/nan": "nan",
        "weird/inf": "inf",
        "weird/neginf": "-inf",
    }
    assert all(set(r) == {"run", "tag", "step", "wall_time", "value"} for r in rows)


def test_export_csv_is_lossless_and_quotes_hostile_tags(ours):
    tags = set(ours["edge/hostile"])
    assert "newline\nin/tag" in tags and "\x1b[2J\x1b[H\x1b]0;pwned\x07loss" in tags
    assert ours["tbx/main"]["train/loss"][0][2] == float.fromhex(
        ours["tbx/main"]["train/loss"][0][2].hex()
    )


#: Exports the corpus once in one process and once with forked formatting processes, in a fresh
#: interpreter (a test worker has threads, and the export forks only a single-threaded process);
#: prints the forks made and whether the two outputs are equal. argv: corpus, jsonl, hold a thread.
FORKED_EXPORT = """
import io, os, sys, threading
from tbx_tui.headless import export
from tbx_tui.read.logdir import Logdir

forks = []
os.register_at_fork(after_in_parent=lambda: forks.append(1))
ld = Logdir(sys.argv[1])
ld.refresh()
jsonl = sys.argv[2] == "1"
single = io.BytesIO()
export.write_runs(ld.runs.values(), single, jsonl, workers=1)
release = threading.Event()
if sys.argv[3] == "1":
    threading.Thread(target=release.wait).start()
export.PARALLEL_MIN_POINTS = 1
with open(os.path.join(sys.argv[1], "out.bin"), "w+b") as f:
    n = export.write_runs(ld.runs.values(), f, jsonl, workers=3)
    f.seek(0)
    same = f.read() == single.getvalue()
release.set()
print(len(forks), same, n, single.getvalue().count(b"\\n"))
"""


@pytest.mark.parametrize(
    "jsonl, thread", [(False, False), (True, False), (False, True)], ids=["csv", "jsonl", "thread"]
)
def test_forked_export_equals_single_process(corpus, jsonl, thread):
    """Big runs are formatted by forked processes, and the output is the single process's, byte
    for byte; with another thread alive (reading workers' pools) nothing is forked."""
    out = subprocess.run(
        [sys.executable, "-c", FORKED_EXPORT, str(corpus), str(int(jsonl)), str(int(thread))],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    forks, same, rows, lines = out.stdout.split()
    assert same == "True"
    if thread:
        assert int(forks) == 0
    else:
        assert int(forks) > 0
    assert int(rows) == int(lines) - (0 if jsonl else 1) > 1000


def test_export_to_a_terminal_escapes_names(corpus):
    import pty

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tbx_tui.cli", str(corpus / "edge" / "hostile"), "--export", "-"],
        stdout=follower,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    out = b""
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:
            break
        if not chunk:
            break
        out += chunk
    proc.wait()
    os.close(leader)
    assert b"\x1b" not in out and b"\x07" not in out
    assert b"\\x1b[2J" in out  # escaped as every export is (README: --export)
