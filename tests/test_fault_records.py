"""Fault tier: hostile records (valid CRCs, lying content) and damaged framing, in every headless
mode (``--once``, ``--once --json``, ``--export``) and in the reader itself.

Each hostile record sits between intact ones: the intact points must all be there, the hostile
one must be a counted warning (or shown as far as it is sound), and nothing may crash or allocate
what the record only claims.
"""

from __future__ import annotations

import csv
import io
import json
import math
import struct
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from tbx_tui.cli import main
from tbx_tui.proto import types_pb2
from tbx_tui.read import fastframe
from tbx_tui.read.logdir import Logdir
from tbx_tui.tfrecord import record
from tests import hostile as h

pytestmark = pytest.mark.fault

GOOD = 5  # intact scalar points before and after each hostile record


def logdir_with(tmp_path: Path, *middle: bytes) -> Path:
    """A run ``r`` with GOOD intact points, the hostile records, GOOD more intact points."""
    before = [h.scalar("ok", i, float(i)) for i in range(GOOD)]
    after = [h.scalar("ok", i, float(i)) for i in range(GOOD, 2 * GOOD)]
    h.write(tmp_path / "r" / h.EV, *before, *middle, *after)
    return tmp_path


def read(path: Path) -> Logdir:
    ld = Logdir(str(path))
    ld.refresh()
    return ld


def all_modes(path: Path, capsys) -> dict[str, str]:
    """Run --once, --once --json, --export (CSV) and --export (JSON lines) in this process;
    each must exit 0. Returns their outputs."""
    out = {}
    for name, args in (
        ("once", ["--once", "--width", "100"]),
        ("json", ["--once", "--json"]),
        ("csv", ["--export", "-"]),
    ):
        assert main([str(path), *args]) == 0, name
        out[name] = capsys.readouterr().out
    target = path.parent / f"{path.name}-export.jsonl"
    assert main([str(path), "--export", str(target)]) == 0
    out["jsonl"] = target.read_text()
    return out


def assert_intact_points_in_every_mode(out: dict[str, str]) -> None:
    doc = json.loads(out["json"])
    run = next(r for r in doc["runs"] if r["name"] == "r")
    assert run["scalars"]["ok"]["count"] == 2 * GOOD
    rows = list(csv.reader(io.StringIO(out["csv"])))
    assert [int(r[2]) for r in rows[1:] if r[1] == "ok"] == list(range(2 * GOOD))
    lines = [json.loads(ln) for ln in out["jsonl"].splitlines()]
    assert [d["step"] for d in lines if d["tag"] == "ok"] == list(range(2 * GOOD))
    assert "run r" in out["once"]


# --------------------------------------------------------------------------- item 1


@pytest.mark.parametrize("wall", [math.nan, math.inf, -math.inf, 1.7e18, 1e300])
def test_item1_text_and_scalar_with_absurd_wall_time_in_headless_modes(tmp_path, capsys, wall):
    """``add_text(..., walltime=time.time_ns())`` gives a wall time in year 5e10."""
    path = logdir_with(tmp_path, h.text("notes", 3, "hello", wall), h.scalar("w", 3, 1.0, wall))
    out = all_modes(path, capsys)
    assert_intact_points_in_every_mode(out)
    doc = json.loads(out["json"])
    assert doc["runs"][0]["texts"]["notes"]["count"] == 1


# --------------------------------------------------------------------------- item 2

GARBAGE = [b"\xff\xff\xff\xff", b"\x0a\xff\xff\xff\xff\x0f", b"\x12\x05ab", bytes(range(256))]


@pytest.mark.parametrize("content", GARBAGE)
def test_item2_garbage_hparams_content_is_one_warning_in_every_mode(tmp_path, capsys, content):
    path = logdir_with(
        tmp_path, h.plugin_content("_hparams_/session_start_info", "hparams", content)
    )
    ld = read(path)
    run = ld.runs["r"]
    assert run.scalars["ok"].steps.tolist() == list(range(2 * GOOD))
    assert run.warnings == 1
    assert "byte" in run.warning_messages[0] and h.EV in run.warning_messages[0]
    out = all_modes(path, capsys)
    assert_intact_points_in_every_mode(out)
    assert json.loads(out["json"])["runs"][0]["warnings"] == 1


def test_item2_garbage_hparams_in_a_big_batch_takes_the_vectorised_path(tmp_path):
    """Hundreds of records decode through the numpy fast path: the same per-record catch."""
    scalars = [h.scalar("ok", i, 1.0) for i in range(2000)]
    bad = h.plugin_content("_hparams_/session_start_info", "hparams", GARBAGE[0])
    h.write(tmp_path / "r" / h.EV, *scalars[:1000], bad, *scalars[1000:])
    run = read(tmp_path).runs["r"]
    assert len(run.scalars["ok"]) == 2000 and run.warnings == 1


# --------------------------------------------------------------------------- item 3

HOSTILE_TENSORS = {
    "scalar [2^33]": h.tensor("s", "scalars", [1 << 33], float_val=[1.0]),
    "scalar [2^31, 3]": h.tensor("s", "scalars", [1 << 31, 3], float_val=[1.0]),
    "scalar [2^24]": h.tensor("s", "scalars", [1 << 24], float_val=[1.0]),
    "histogram [2^22, 3]": h.tensor("hist", "histograms", [1 << 22, 3], float_val=[1.0]),
    "histogram [2^40, 2^40]": h.tensor("hist", "histograms", [1 << 40, 1 << 40], float_val=[1.0]),
    "pr_curve [6, 2^24]": h.tensor("pr", "pr_curves", [6, 1 << 24], float_val=[0.5]),
    "pr_curve content [6, 2^24]": h.tensor("pr", "pr_curves", [6, 1 << 24], content=bytes(24)),
    "negative dim": h.tensor("hist", "histograms", [-1, 3], float_val=[1.0, 2.0, 3.0]),
    "half out of range": h.tensor("s", "scalars", [], dtype=types_pb2.DT_HALF),
}


@pytest.mark.parametrize("name", list(HOSTILE_TENSORS))
def test_item3_huge_tensor_shape_is_not_allocated(tmp_path, name):
    rec = HOSTILE_TENSORS[name]
    if name == "half out of range":  # half_val is a repeated int32 that must fit 16 bits
        from tbx_tui.proto import event_pb2

        payload = record.scan(rec).spans[0]
        ev = event_pb2.Event.FromString(rec[payload[0] : payload[0] + payload[1]])
        ev.summary.value[0].tensor.half_val.append(70000)
        rec = h.frame(ev)
    path = logdir_with(tmp_path, rec)
    tracemalloc.start()
    try:
        ld = read(path)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 8 << 20, f"{peak / 1e6:.0f} MB for a {len(rec)}-byte record"
    run = ld.runs["r"]
    assert run.scalars["ok"].steps.tolist() == list(range(2 * GOOD))
    assert run.warnings == 1, run.warning_messages
    assert any(w in run.warning_messages[0] for w in ("values", "shape", "16 bits"))


def test_item3_single_value_scalar_and_exact_tensors_still_read(tmp_path):
    """What is sound still reads: a scalar of shape [] or [1], a histogram whose values are all
    there, a PR curve [6, 3] in tensor_content."""
    hist = np.array([[0, 1, 2], [1, 2, 5]], dtype="<f4")
    pr = np.arange(18, dtype="<f4").reshape(6, 3)
    path = logdir_with(
        tmp_path,
        h.tensor("a", "scalars", [], float_val=[2.5]),
        h.tensor("b", "scalars", [1], float_val=[3.5]),
        h.tensor("hist", "histograms", [2, 3], content=hist.tobytes()),
        h.tensor("pr", "pr_curves", [6, 3], content=pr.tobytes()),
    )
    run = read(path).runs["r"]
    assert run.warnings == 0
    assert run.scalars["a"].values.tolist() == [2.5] and run.scalars["b"].values.tolist() == [3.5]
    assert run.histograms["hist"][0].data.tolist() == hist.tolist()
    assert run.pr_curves["pr"][0].data.shape == (6, 3)


def test_item3_hostile_tensors_in_every_mode(tmp_path, capsys):
    path = logdir_with(tmp_path, *HOSTILE_TENSORS.values())
    out = all_modes(path, capsys)
    assert_intact_points_in_every_mode(out)


# --------------------------------------------------------------------------- item 9


def both_ways(data: bytes) -> record.ScanResult:
    """Frame ``data`` with the careful and the vectorised scanner; they must agree."""
    slow = record.scan(data)
    fast = fastframe.frame(data)
    assert [o for o, _ in slow.spans] == fast.offsets.tolist()
    assert slow.warnings == fast.warnings
    assert slow.consumed == fast.consumed
    assert slow.resyncing == fast.resyncing
    return slow


def payloads(data: bytes, result: record.ScanResult) -> list[bytes]:
    return [data[o : o + n] for o, n in result.spans]


def many(tag: str, n: int, start: int = 0) -> list[bytes]:
    return [h.scalar(tag, i, float(i)) for i in range(start, start + n)]


@pytest.mark.parametrize("claimed", [5_000, 1 << 20, 300 << 20, 1 << 30])
def test_item9_stray_header_past_the_end_hides_nothing(tmp_path, claimed):
    before, after = many("a", 50), many("b", 3000)
    data = b"".join([*before, h.stray_header(claimed), *after])
    result = both_ways(data)
    got = payloads(data, result)
    assert len(got) == len(before) + len(after)
    assert len(result.warnings) == 1 and "byte" in result.warnings[0]
    assert result.consumed == len(data)
    h.write(tmp_path / "r" / h.EV, data)
    run = read(tmp_path).runs["r"]
    assert len(run.scalars["a"]) == 50 and len(run.scalars["b"]) == 3000
    assert run.warnings == 1


def test_item9_torn_record_does_not_swallow_the_records_after_it():
    """A file cut inside a record, then another writer's records appended (a splice)."""
    first = b"".join(many("a", 40))
    rec = h.scalar("a", 40, 40.0)
    for cut in range(12, len(rec)):  # the header survives, the data is torn
        for tail in (many("b", 30), many("b", 3000)):
            data = first + rec[:cut] + b"".join(tail)
            result = both_ways(data)
            assert len(result.spans) == 40 + len(tail), cut
            assert len(result.warnings) == 1, (cut, result.warnings)


def test_item9_bit_flip_in_data_still_skips_exactly_one_record():
    recs = many("a", 100)
    damaged = bytearray(recs[50])
    damaged[20] ^= 0x40
    data = b"".join([*recs[:50], bytes(damaged), *recs[51:]])
    result = both_ways(data)
    assert len(result.spans) == 99
    assert result.warnings == [
        f"bad data CRC in record at byte {len(b''.join(recs[:50]))}; record skipped"
    ]


def test_item9_truncated_tail_is_a_write_in_progress_not_damage(tmp_path):
    recs = many("a", 20)
    data = b"".join(recs)
    for cut in range(1, len(recs[-1])):
        result = both_ways(data[:-cut])
        assert len(result.spans) == 19 and result.warnings == []
        assert result.consumed == len(data) - len(recs[-1])
    # a huge record being written: its header and some of its data, nothing after
    big = h.text("t", 1, "x" * 200_000)
    result = both_ways(data + big[:150_000])
    assert len(result.spans) == 20 and result.warnings == []
    path = h.write(tmp_path / "r" / h.EV, data + big[:150_000])
    ld = read(tmp_path)
    with open(path, "ab") as f:
        f.write(big[150_000:])
    ld.refresh()
    assert ld.runs["r"].warnings == 0 and len(ld.runs["r"].texts["t"]) == 1


def test_item9_stray_header_then_a_record_being_written_waits_then_resyncs():
    """While only part of the record after a stray header is there, that may still be a write
    in progress; once an intact record follows it, the claimed length is a lie."""
    before = b"".join(many("a", 5))
    nxt = h.scalar("b", 0, 1.0)
    data = before + h.stray_header(10_000) + nxt[:10]
    assert both_ways(data).consumed == len(before)  # waiting, no warning yet
    data = before + h.stray_header(10_000) + nxt
    result = both_ways(data)
    assert len(result.spans) == 6 and len(result.warnings) == 1


def test_item9_claimed_length_with_intact_records_inside_is_not_believed():
    """A torn record whose claimed end happens to fall on a valid header still gives up the
    intact records inside its claimed span."""
    tail = many("b", 20)
    rec = h.scalar("a", 0, 1.0)
    # claim exactly the length that lands on the start of tail[5]
    span = len(rec[:30]) - 12 + sum(len(r) for r in tail[:5]) - 4
    forged = struct.pack("<Q", span)
    forged += struct.pack("<I", record.masked_crc32c(forged)) + rec[12:30]
    data = forged + b"".join(tail)
    result = both_ways(data)
    assert len(result.spans) == 20
    assert len(result.warnings) == 1


# --------------------------------------------------------------------------- item 8


def test_item8_snapshot_taken_before_a_restart_never_changes(tmp_path):
    """A view handed to the UI (or the render thread) before a restart keeps its points: the
    purge copies instead of compacting the arrays the view shares."""
    from tbx_tui.read.runview import take

    path = h.write(tmp_path / "r" / h.EV, *(h.scalar("x", i, float(i)) for i in range(10)))
    ld = read(tmp_path)
    before = take(ld.runs["r"])
    series = before.scalars["x"]
    with open(path, "ab") as f:  # a restart at step 5, then the resumed job's points
        from tests import eventfiles

        f.write(eventfiles.start(5) + h.scalar("x", 500, 500.0) + h.scalar("x", 600, 600.0))
    ld.refresh()
    assert ld.runs["r"].scalars["x"].steps.tolist() == [0, 1, 2, 3, 4, 500, 600]
    assert series.steps.tolist() == list(range(10))
    assert series.values.tolist() == [float(i) for i in range(10)]
    assert series.wall_times.tolist() == [1.0e9] * 10
    after = take(ld.runs["r"], before)
    assert after.scalars["x"].steps.tolist() == [0, 1, 2, 3, 4, 500, 600]
