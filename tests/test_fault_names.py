"""Fault tier, item 4: run folder names that are not UTF-8 and bidi controls, in every output.

Folder names are made as bytes (Latin-1, a raw 0x9B: the 8-bit CSI), tags carry ESC sequences
and bidi controls. Every output (--once under a strict UTF-8 stdout and under surrogateescape,
--json, --export CSV and JSON lines to a pipe) must carry them escaped, and the exports must
read back to the exact names with :func:`tbx_tui.term.sanitize.unescape_name`.
"""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tbx_tui.term.sanitize import escape_name, safe_text, unescape_name
from tests import hostile as h

pytestmark = pytest.mark.fault

ROOT = Path(__file__).resolve().parent.parent
#: Folder names, as bytes: Latin-1, a raw 8-bit CSI, bidi overrides, isolates and marks.
RUN_BYTES = [
    b"lat\xe9n",
    b"csi\x9b2J",
    "evil\u202egnp.exe".encode(),
    "iso\u2066late\u2069".encode(),
    "mark\u200e\u200f".encode(),
    "embed\u202a\u202b\u202c\u202d".encode(),
]
TAGS = ["loss\x1b]0;pwned\x07", "acc\u202eyrev", "back\\slash", "c1\x9b31m"]
#: Nothing of this may reach any output raw.
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
CONTROLS = {chr(c) for c in [*range(0x00, 0x09), *range(0x0B, 0x20), *range(0x7F, 0xA0)]}
SURROGATES = {chr(c) for c in range(0xD800, 0xE000)}


def is_safe(text: str) -> bool:
    """No control (newline included), bidi control or surrogate in ``text``."""
    return not (CONTROLS | BIDI | SURROGATES | {"\n", "\t"}) & set(text)


@pytest.fixture
def hostile_logdir(tmp_path: Path) -> Path:
    root = tmp_path / "logs"
    for name in RUN_BYTES:
        folder = os.path.join(os.fsencode(root), name)
        os.makedirs(folder)
        recs = [h.scalar(tag, s, float(s)) for tag in TAGS for s in range(3)]
        with open(os.path.join(folder, os.fsencode(h.EV)), "wb") as f:
            f.write(b"".join(recs))
    return root


def names() -> set[str]:
    return {os.fsdecode(b) for b in RUN_BYTES}


def run_cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if k not in ("PYTHONIOENCODING", "PYTHONUTF8")}
    full.update(NO_COLOR="1", **env)
    return subprocess.run(
        [sys.executable, "-m", "tbx_tui.cli", *args],
        capture_output=True,
        env=full,
        cwd=ROOT,
        timeout=120,
    )


def assert_clean(raw: bytes) -> str:
    """Output bytes must be UTF-8 with no raw control (newline aside), C1 byte or bidi control."""
    text = raw.decode("utf-8")  # strict: a lone 0x9B byte would fail here
    assert not (CONTROLS | BIDI) & set(text), sorted(CONTROLS | BIDI & set(text))
    return text


def test_item4_sanitiser_escapes_bytes_and_bidi_reversibly():
    latin = os.fsdecode(b"lat\xe9n\x9b")
    assert safe_text(latin) == "lat\\xe9n\\x9b"
    assert safe_text("a\u202eb\u2066c\u200e") == "a\\u202eb\\u2066c\\u200e"
    assert not is_safe("x\u202e") and not is_safe(latin) and is_safe("损失/λ")
    for text in [latin, "a\u202eb", *TAGS, "\\x41", "\\\\", "\x85\ud800", "plain 损失"]:
        escaped = escape_name(text)
        assert is_safe(escaped) and escaped.isascii() or "损失" in escaped
        assert unescape_name(escaped) == text
    assert os.fsencode(unescape_name(escape_name(latin))) == b"lat\xe9n\x9b"


@pytest.mark.parametrize("encoding", ["utf-8:strict", "utf-8:surrogateescape", "ascii"])
def test_item4_once_escapes_folder_bytes_and_bidi(hostile_logdir, encoding):
    proc = run_cli(
        str(hostile_logdir), "--once", "--width", "200", env={"PYTHONIOENCODING": encoding}
    )
    assert proc.returncode == 0, proc.stderr.decode(errors="replace")
    assert b"\x9b" not in proc.stdout
    out = assert_clean(proc.stdout)
    assert "run lat\\xe9n" in out and "run csi\\x9b2J" in out
    assert "run evil\\u202egnp.exe" in out and "iso\\u2066late\\u2069" in out
    assert "acc\\u202eyrev" in out and "loss\\e]0;pwned\\a" in out


def test_item4_json_is_ascii_and_strict_json(hostile_logdir):
    proc = run_cli(str(hostile_logdir), "--once", "--json", env={"PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0, proc.stderr
    out = assert_clean(proc.stdout)
    assert out.isascii()
    assert "\\u202e" in out and "\\u001b" in out  # JSON's own escapes
    doc = json.loads(out)
    got = {r["name"] for r in doc["runs"]}
    # exact names, but a byte that is not UTF-8 spelled \xNN: no lone surrogate
    assert got == {safe_text(n) if n.startswith(("lat", "csi")) else n for n in names()}
    assert "lat\\xe9n" in got and "csi\\x9b2J" in got
    for run in doc["runs"]:
        assert set(run["scalars"]) == set(TAGS)
    assert "\\udc" not in out  # no lone surrogate: strict parsers (jq) read it too


@pytest.mark.parametrize("target", ["-", "out.csv", "out.jsonl"])
def test_item4_export_escapes_names_whatever_stdout_is(hostile_logdir, tmp_path, target):
    if target != "-":
        target = str(tmp_path / target)
    proc = run_cli(str(hostile_logdir), "--export", target, env={"PYTHONIOENCODING": "utf-8"})
    assert proc.returncode == 0, proc.stderr
    raw = proc.stdout if target == "-" else Path(target).read_bytes()
    assert b"\x9b" not in raw and b"\x1b" not in raw
    text = assert_clean(raw)
    if target.endswith(".jsonl"):
        rows = [json.loads(line) for line in text.splitlines()]
        pairs = {(r["run"], r["tag"]) for r in rows}
    else:
        table = list(csv.reader(io.StringIO(text)))
        assert table[0] == ["run", "tag", "step", "wall_time", "value"]
        pairs = {(r[0], r[1]) for r in table[1:]}
        assert all(len(r) == 5 for r in table)
    assert {(unescape_name(r), unescape_name(t)) for r, t in pairs} == {
        (n, t) for n in names() for t in TAGS
    }
