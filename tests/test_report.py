"""The headless one-shot report: ``tbx-top LOGDIR --once`` and ``--once --json``."""

from __future__ import annotations

import json
import math
import os
import pty
import select
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from tbx_tui.cli import main
from tbx_tui.headless import report as report_mod
from tbx_tui.proto import event_pb2, summary_pb2
from tbx_tui.term.textwidth import truncate
from tbx_tui.tfrecord.record import encode_record
from tbx_tui.view.numfmt import compact_number, json_number
from tbx_tui.view.sparkline import ASCII_LEVELS, UNICODE_LEVELS, sparkline
from tests.conftest import CORPUS, ROOT, tbx_top

pytestmark = pytest.mark.unit

READING = json.loads((CORPUS / "tensorboard-reading.json").read_text())
#: Where the corpus README says this project reads more than TensorBoard (run -> tag -> count).
BETTER = {"edge/badcrc": {"loss": 99}, "edge/badlen": {"v": 59}, "edge/resumed": {"loss": 90}}
#: Characters that must never reach the terminal from the text report (newline is allowed).
FORBIDDEN = {chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]}


def json_report(*args: str) -> dict:
    proc = tbx_top(*args, "--once", "--json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


def as_float(v):
    return float(v) if isinstance(v, str) else v


def same(a, b) -> bool:
    a, b = as_float(a), as_float(b)
    return (math.isnan(a) and math.isnan(b)) or a == b


def columns(text: str) -> int:
    """Terminal columns of a line, measured independently of the code under test."""
    n = 0
    for ch in text:
        if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue
        n += 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
    return n


def write_events(path: Path, points: list[tuple[str, int, float]]) -> None:
    """An event file of simple_value scalars, written with the project's record framing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    out = bytearray()
    ev = event_pb2.Event(wall_time=1.0, file_version="brain.Event:2")
    out += encode_record(ev.SerializeToString())
    for i, (tag, step, value) in enumerate(points):
        ev = event_pb2.Event(wall_time=2.0 + i, step=step)
        ev.summary.value.append(summary_pb2.Summary.Value(tag=tag, simple_value=value))
        out += encode_record(ev.SerializeToString())
    path.write_bytes(bytes(out))


# ----------------------------------------------------------------------------- JSON vs TensorBoard


@pytest.fixture(scope="module")
def corpus_json() -> dict:
    return json_report(str(CORPUS))


def test_json_shape(corpus_json):
    assert corpus_json["logdir"] == str(CORPUS)
    names = [r["name"] for r in corpus_json["runs"]]
    assert names == sorted(names)
    for run in corpus_json["runs"]:
        for key in ("name", "warnings", "scalars", "histograms", "images", "texts"):
            assert key in run
        for stats in run["scalars"].values():
            assert set(stats) == {
                "count",
                "first_step",
                "last_step",
                "last_value",
                "last_wall_time",
                "min",
                "max",
            }
        for kind in ("histograms", "images", "texts"):
            for stats in run[kind].values():
                assert set(stats) == {"count", "last_step"}


def test_json_scalars_match_tensorboard(corpus_json):
    ours = {r["name"]: r for r in corpus_json["runs"]}
    checked = 0
    for run, tags in READING.items():
        assert run in ours, run
        for tag, tb in tags.items():
            if tb["plugin"] != "scalars":
                continue
            got = ours[run]["scalars"][tag]
            if tag in BETTER.get(run, {}):
                assert got["count"] == BETTER[run][tag]
                continue
            steps = tb["steps"]
            values = [as_float(v) for v in tb["values"]]
            top = max(steps)
            last = max(i for i, s in enumerate(steps) if s == top)
            finite = [v for v in values if not math.isnan(v)]
            assert got["count"] == len(steps), (run, tag)
            assert got["first_step"] == min(steps)
            assert got["last_step"] == top
            assert same(got["last_value"], values[last]), (run, tag)
            assert same(got["last_wall_time"], tb["wall_times"][last])
            assert same(got["min"], min(finite) if finite else math.nan)
            assert same(got["max"], max(finite) if finite else math.nan)
            checked += 1
    assert checked >= 33
    # and nothing that TensorBoard does not see
    for name, run in ours.items():
        for tag in run["scalars"]:
            assert tag in READING[name], (name, tag)


def test_json_better_than_tensorboard(corpus_json):
    ours = {r["name"]: r for r in corpus_json["runs"]}
    badcrc = ours["edge/badcrc"]
    assert badcrc["scalars"]["loss"]["count"] == 99
    assert badcrc["warnings"] == 1
    assert ours["edge/badlen"]["scalars"]["v"]["count"] == 59
    resumed = ours["edge/resumed"]["scalars"]["loss"]
    assert (resumed["count"], resumed["first_step"], resumed["last_step"]) == (90, 0, 89)


def test_json_point_kinds_match_tensorboard(corpus_json):
    ours = {r["name"]: r for r in corpus_json["runs"]}
    kinds = {"histograms": "histograms", "images": "images", "text": "texts"}
    checked = 0
    for run, tags in READING.items():
        for tag, tb in tags.items():
            kind = kinds.get(tb["plugin"])
            if kind is None:
                continue
            got = ours[run][kind][tag]
            assert got["count"] == len(tb["steps"]), (run, tag)
            assert got["last_step"] == max(tb["steps"]), (run, tag)
            checked += 1
    assert checked >= 16


def test_json_non_finite_and_extras(corpus_json):
    main_run = next(r for r in corpus_json["runs"] if r["name"] == "tbx/main")
    sc = main_run["scalars"]
    assert (sc["weird/nan"]["last_value"], sc["weird/nan"]["min"]) == ("nan", "nan")
    assert (sc["weird/inf"]["last_value"], sc["weird/inf"]["max"]) == ("inf", "inf")
    assert sc["weird/neginf"]["min"] == "-inf"
    assert main_run["pr_curves"]["pr"]["count"] == 1
    hp = next(r for r in corpus_json["runs"] if r["name"].startswith("tbx/main/17"))
    assert hp["hparams"] == {"bs": 32.0, "opt": "adam", "lr": 0.1}
    garbage = next(r for r in corpus_json["runs"] if r["name"] == "edge/garbage")
    assert garbage["warnings"] == 1 and "absurd length" in garbage["warning_messages"][0]


def test_json_min_max_ignore_nan_and_lowest_first_step(tmp_path):
    write_events(
        tmp_path / "a" / "events.out.tfevents.1.x",
        [("m", 5, math.nan), ("m", 3, 2.5), ("m", 9, -1.0), ("m", 9, 7.0), ("m", 4, math.nan)]
        + [("allnan", 1, math.nan), ("allnan", 2, math.nan)],
    )
    doc = json_report(str(tmp_path))
    m = doc["runs"][0]["scalars"]["m"]
    assert m == {
        "count": 5,
        "first_step": 3,
        "last_step": 9,
        "last_value": 7.0,  # the latest written of the two step-9 points
        "last_wall_time": 5.0,
        "min": -1.0,
        "max": 7.0,
    }
    allnan = doc["runs"][0]["scalars"]["allnan"]
    assert (allnan["min"], allnan["max"], allnan["last_value"]) == ("nan", "nan", "nan")


def test_json_hostile_tags_exact_and_ascii():
    proc = tbx_top(str(CORPUS / "edge"), "--once", "--json", "--runs", "hostile|names")
    assert proc.returncode == 0
    assert max(proc.stdout) < 0x80  # ensure_ascii: no raw C0/C1 byte, no raw UTF-8 either
    doc = json.loads(proc.stdout)
    runs = {r["name"]: r for r in doc["runs"]}
    for name in ("hostile", "names"):
        expected = {t for t, v in READING[f"edge/{name}"].items() if v["plugin"] == "scalars"}
        assert set(runs[name]["scalars"]) == expected
    assert "\x1b[2J\x1b[H\x1b]0;pwned\x07loss" in runs["hostile"]["scalars"]
    assert "motd/text_summary" in runs["names"]["texts"]


# ----------------------------------------------------------------------------- text report


def test_text_report_of_corpus_has_every_run_and_tag():
    proc = tbx_top(str(CORPUS / "tbx" / "main"), "--once", "--width", "120")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode()
    assert out.splitlines()[0] == f"{CORPUS / 'tbx' / 'main'}: 4 runs"
    for needle in ("run .", "run lr/group0", "run lr/group1", "train/loss", "eval/acc"):
        assert needle in out
    for needle in ("weights/fc1", "sample/rand", "fig/hist", "notes/text_summary", "pr"):
        assert needle in out
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("weird/nan"))
    assert line.split()[1:6] == ["1", "1", "nan", "nan", "nan"]
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("train/loss"))
    count, last_step = line.split()[1:3]
    assert (count, last_step) == ("200", "199")
    assert any(ch in line for ch in UNICODE_LEVELS)  # the trend
    # the hparams table after the runs (tbx_tui.headless.sections)
    hp_table = out[out.index("\nhparams\n") :].splitlines()
    assert set(hp_table[2].split()) == {"run", "lr", "bs", "opt", "hparam/acc"}
    assert set(hp_table[-1].split()) == {"1795783473.884596", "0.1", "32", "adam", "0.9"}


def test_text_report_hostile_names_print_no_control_characters():
    for run in ("hostile", "names"):
        proc = tbx_top(str(CORPUS / "edge"), "--once", "--runs", run, "--width", "200")
        assert proc.returncode == 0
        out = proc.stdout.decode("utf-8")
        assert not FORBIDDEN & set(out), run
    proc = tbx_top(str(CORPUS / "edge"), "--once", "--runs", "hostile", "--width", "200")
    out = proc.stdout.decode()
    assert "\\e[2J\\e[H\\e]0;pwned\\aloss" in out
    assert "newline\\nin/tag" in out


def test_text_report_hostile_run_folder_name(tmp_path):
    evil = "run\x1b]0;title\x07\x9b2J"
    write_events(tmp_path / evil / "events.out.tfevents.1.x", [("t\x1bx", 1, 1.0)])
    proc = tbx_top(str(tmp_path), "--once")
    out = proc.stdout.decode()
    assert not FORBIDDEN & set(out)
    assert "run\\e]0;title\\a\\x9b2J" in out
    doc = json_report(str(tmp_path))
    assert doc["runs"][0]["name"] == evil
    assert list(doc["runs"][0]["scalars"]) == ["t\x1bx"]


@pytest.mark.parametrize("width", [20, 27, 40, 60, 80, 133])
def test_text_report_fits_width(width, capsys):
    assert main([str(CORPUS), "--once", "--width", str(width)]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert len(lines) > 100
    for line in lines:
        assert columns(line) <= width, line


def test_text_report_truncates_long_tags_with_ellipsis(capsys):
    assert main([str(CORPUS / "edge" / "names"), "--once", "--width", "70"]) == 0
    out = capsys.readouterr().out
    long_line = next(ln for ln in out.splitlines() if "aaaa" in ln)
    assert "a…" in long_line
    assert "损失/λ" in out
    assert all(columns(ln) <= 70 for ln in out.splitlines())


def test_text_report_ascii_fallback():
    proc = tbx_top(
        str(CORPUS / "edge"), "--once", "--width", "80", env={"PYTHONIOENCODING": "ascii"}
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout.decode("ascii")  # raises if anything is not ASCII
    assert "\\u635f\\u5931/\\u03bb" in out  # 损失/λ, escaped
    assert "..." in out  # the long tag's ellipsis
    line = next(ln for ln in out.splitlines() if ln.strip().startswith("loss "))
    assert any(ch in line.split()[-1] for ch in ASCII_LEVELS)


def test_text_report_ascii_in_the_c_locale():
    """LANG=C / LC_ALL=C declare an ASCII terminal, though Python itself then writes UTF-8."""
    for locale_env in ({"LC_ALL": "C", "LANG": "C"}, {"LC_ALL": "", "LC_CTYPE": "", "LANG": "C"}):
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
        env.update(locale_env, NO_COLOR="1")
        proc = subprocess.run(
            [sys.executable, "-m", "tbx_tui.cli", str(CORPUS), "--once", "--width", "80"],
            capture_output=True,
            env=env,
            cwd=ROOT,
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        out = proc.stdout.decode("ascii")  # raises if anything is not ASCII
        assert "\\u635f\\u5931/\\u03bb" in out and "\\e[2J" in out


def run_in_pty(args: list[str], env: dict[str, str]) -> bytes:
    """Run the CLI with stdout on a pseudo-terminal; return everything it printed."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "tbx_tui.cli", *args],
        stdout=follower,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    os.close(follower)
    chunks = []
    while True:
        ready, _, _ = select.select([leader], [], [], 60)
        if not ready:
            break
        try:
            data = os.read(leader, 65536)
        except OSError:  # the child closed the terminal
            break
        if not data:
            break
        chunks.append(data)
    os.close(leader)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks)


def test_colour_only_on_a_terminal_and_never_with_no_color():
    base = {k: v for k, v in os.environ.items() if k != "NO_COLOR"}
    base["PYTHONIOENCODING"] = "utf-8"
    args = [str(CORPUS / "edge"), "--once", "--width", "100"]
    coloured = run_in_pty(args, base)
    assert b"\x1b[" in coloured
    plain = run_in_pty(args, {**base, "NO_COLOR": "1"})
    assert b"\x1b" not in plain
    assert b"run badcrc" in plain
    piped = subprocess.run(
        [sys.executable, "-m", "tbx_tui.cli", *args], capture_output=True, env=base, cwd=ROOT
    )
    assert b"\x1b" not in piped.stdout


def test_filters_narrow_text_and_json():
    doc = json_report(str(CORPUS / "tbx" / "main"), "--filter", "loss|acc")
    runs = {r["name"]: r for r in doc["runs"]}
    assert set(runs) == {".", "1795783473.884596"}  # the lr sub-runs have no matching tag
    assert set(runs["."]["scalars"]) == {"train/loss", "eval/acc"}
    assert runs["."]["histograms"] == runs["."]["images"] == runs["."]["texts"] == {}
    doc = json_report(str(CORPUS / "tbx" / "main"), "--runs", "^lr/")
    assert [r["name"] for r in doc["runs"]] == ["lr/group0", "lr/group1"]
    doc = json_report(str(CORPUS / "tbx" / "main"), "--runs", "group1", "--filter", "nothing")
    assert doc["runs"] == []
    # a damaged run stays visible under --filter: its warnings matter
    doc = json_report(str(CORPUS / "edge"), "--filter", "^no-such-tag$")
    assert {r["name"] for r in doc["runs"]} == {"badcrc", "badlen", "garbage", "hugelen"}

    proc = tbx_top(str(CORPUS / "tbx" / "main"), "--once", "--filter", "^weights", "--width", "90")
    out = proc.stdout.decode()
    assert "weights/fc1" in out and "train/loss" not in out and "lr/group0" not in out
    assert out.splitlines()[0].endswith(": 1 run")


def test_empty_logdir(tmp_path):
    proc = tbx_top(str(tmp_path), "--once")
    assert proc.returncode == 0
    assert proc.stdout.decode().splitlines() == [f"{tmp_path}: 0 runs", "no event files found"]
    assert json_report(str(tmp_path)) == {"logdir": str(tmp_path), "warnings": [], "runs": []}


def test_damaged_files_exit_zero_with_warnings():
    proc = tbx_top(str(CORPUS / "edge"), "--once", "--runs", "badcrc|garbage", "--width", "200")
    assert proc.returncode == 0
    out = proc.stdout.decode()
    assert out.count("1 warning: damaged event data") == 2
    assert "bad data CRC in record at byte 2096; record skipped" in out
    assert "absurd length at byte 0" in out


def test_empty_event_file_run_is_listed(capsys):
    assert main([str(CORPUS / "edge"), "--once", "--runs", "^empty$"]) == 0
    out = capsys.readouterr().out
    assert "run empty  (no data)" in out and "(no points yet)" in out


def test_sections_can_be_added(capsys):
    def shout(view, style):
        return [style.line(f"  custom section for {style.text(view.name)}")]

    saved = dict(report_mod.SECTIONS)
    try:
        report_mod.add_section("custom", shout, before="warnings")
        assert list(report_mod.SECTIONS)[-2:] == ["custom", "warnings"]
        assert main([str(CORPUS / "edge"), "--once", "--runs", "badcrc"]) == 0
        lines = capsys.readouterr().out.splitlines()
        at = lines.index("  custom section for badcrc")
        assert "warning" in lines[at + 1]
    finally:
        report_mod.SECTIONS = saved


# ----------------------------------------------------------------------------- helpers


def test_compact_numbers():
    assert compact_number(4242.5) == "4242.5"
    assert compact_number(1.23e-05) == "1.23e-05"
    assert compact_number(math.nan) == "nan"
    assert compact_number(math.inf) == "inf"
    assert compact_number(-math.inf) == "-inf"
    assert compact_number(10**15) == "1000000000000000"
    assert compact_number(-0.0) == "0"
    assert compact_number(None) == "-"
    assert [json_number(x) for x in (math.nan, math.inf, -math.inf, 1.5, 3)] == [
        "nan",
        "inf",
        "-inf",
        1.5,
        3,
    ]


def test_sparkline():
    import numpy as np

    assert sparkline(np.arange(8.0), 8) == UNICODE_LEVELS
    assert sparkline(np.arange(8.0), 8, ascii_only=True) == ASCII_LEVELS
    assert len(sparkline(np.arange(1000.0), 24)) == 24
    assert sparkline(np.array([1.0, 1.0, 1.0]), 24) == "▄▄▄"
    assert sparkline(np.array([0.0, math.nan, 1.0]), 10) == "▁ █"
    assert sparkline(np.array([math.nan]), 10) == " "
    assert sparkline(np.array([]), 10) == ""


def test_truncate_counts_wide_characters():
    assert truncate("abcdef", 4) == "abc…"
    assert truncate("损失损失", 5) == "损失…"
    assert truncate("损失", 4) == "损失"
    assert truncate("abcdef", 5, "...") == "ab..."


@pytest.mark.parametrize(
    "args, code",
    [(["--once"], 1), (["--export", "-"], 0), (["--check", "nan"], 1)],
    ids=["once", "export", "check"],
)
def test_a_reader_gone_before_the_output_ends_it_quietly(args, code):
    """``tbx-top ... | head`` where head is already gone: no traceback, no second error at exit
    (``--once``: 1, the report was not all read; ``--export``: 0, the reader had what it wanted;
    ``--check``: 1, an alert fired)."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "tbx_tui.cli", str(CORPUS), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=ROOT,
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line
    err = proc.stderr.read()
    assert proc.wait(timeout=120) == code
    assert b"Traceback" not in err and b"Exception ignored" not in err
