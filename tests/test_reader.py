"""The reader on real files: framing, tailing, damage, restarts, replaced files, names."""

from __future__ import annotations

import os
import random
import struct
import tracemalloc

import numpy as np
import pytest

from tbx_tui.proto import types_pb2
from tbx_tui.read import fastframe, logdir
from tbx_tui.read.logdir import Logdir
from tbx_tui.tfrecord import record
from tests import eventfiles as ef

pytestmark = pytest.mark.unit

EV = "events.out.tfevents.1.host"


def steps_of(ld: Logdir, run: str, tag: str) -> list[int]:
    return ld.runs[run].scalars[tag].steps.tolist()


def test_record_appended_in_two_halves_is_read_once_exactly(tmp_path):
    path = ef.write(tmp_path / "run" / EV, *(ef.scalar("x", i, i) for i in range(5)))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert steps_of(ld, "run", "x") == [0, 1, 2, 3, 4]
    rec = ef.scalar("x", 5, 5.0)
    for cut in (3, 12, len(rec) - 2):  # inside the header, at the data, inside the footer
        ef.append(path, rec[:cut])
        ld.refresh()
        assert steps_of(ld, "run", "x")[-1] == 4
        ef.append(path, rec[cut:])
        assert "run" in ld.refresh()
        ld.refresh()
        assert steps_of(ld, "run", "x")[-1] == 5
        assert ld.runs["run"].warnings == 0
        rec = ef.scalar("x", 5, 5.0)
        path.write_bytes(path.read_bytes()[: -len(rec)])  # shrink back for the next cut
        ld = Logdir(str(tmp_path))
        ld.refresh()


def test_resync_after_damaged_header(tmp_path):
    recs = [ef.scalar("v", i, float(i)) for i in range(10)]
    damaged = bytearray(recs[4])
    damaged[2] ^= 0xFF  # length field: its CRC no longer matches
    ef.write(tmp_path / "r" / EV, *recs[:4], bytes(damaged), *recs[5:])
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert steps_of(ld, "r", "v") == [0, 1, 2, 3, 5, 6, 7, 8, 9]
    assert ld.runs["r"].warnings == 1
    assert "bad length CRC" in ld.runs["r"].warning_messages[0]


def test_bad_data_crc_skips_one_record(tmp_path):
    recs = [ef.scalar("v", i, float(i)) for i in range(6)]
    damaged = bytearray(recs[2])
    damaged[-6] ^= 0x01
    ef.write(tmp_path / "r" / EV, *recs[:2], bytes(damaged), *recs[3:])
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert steps_of(ld, "r", "v") == [0, 1, 3, 4, 5]
    assert ld.runs["r"].warnings == 1


@pytest.mark.parametrize("valid_crc", [False, True])
def test_2_pow_62_length_is_never_allocated(tmp_path, valid_crc):
    header = struct.pack("<Q", 1 << 62)
    crc = record.masked_crc32c(header) if valid_crc else 0xDEADBEEF
    bogus = header + struct.pack("<I", crc)
    path = ef.write(tmp_path / "r" / EV, *(ef.scalar("y", i, 1.0) for i in range(5)), bogus)
    tracemalloc.start()
    ld = Logdir(str(tmp_path))
    ld.refresh()
    ef.append(path, ef.scalar("y", 5, 1.0))
    ld.refresh()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10 << 20
    assert steps_of(ld, "r", "y") == [0, 1, 2, 3, 4, 5]
    assert ld.runs["r"].warnings == 1
    assert "absurd length" in ld.runs["r"].warning_messages[0]


def test_garbage_counts_one_warning_even_as_it_grows(tmp_path):
    rng = random.Random(1)
    path = ef.write(tmp_path / "g" / EV, bytes(rng.getrandbits(8) for _ in range(3000)))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert ld.runs["g"].warnings == 1
    ef.append(path, bytes(rng.getrandbits(8) for _ in range(3000)))
    ld.refresh()
    assert ld.runs["g"].warnings == 1  # the same damage, not counted again
    ef.append(path, ef.scalar("after", 1, 2.0))
    ld.refresh()
    assert steps_of(ld, "g", "after") == [1]


def test_replaced_file_is_read_again_from_the_start(tmp_path):
    path = ef.write(tmp_path / "r" / EV, *(ef.scalar("z", i, 1.0) for i in range(5)))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    tmp = tmp_path / "new"
    ef.write(tmp, *(ef.scalar("z", i, 2.0) for i in range(7)))
    os.replace(tmp, path)  # same name, new inode, as rsync does
    assert "r" in ld.refresh()
    series = ld.runs["r"].scalars["z"]
    assert series.steps.tolist() == list(range(7))
    assert set(series.values.tolist()) == {2.0}


def test_shrunk_file_is_read_again(tmp_path):
    path = ef.write(tmp_path / "r" / EV, *(ef.scalar("z", i, 1.0) for i in range(5)))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    with open(path, "r+b") as f:
        f.truncate(0)
        f.write(b"".join(ef.scalar("z", i, 3.0) for i in range(2)))
    ld.refresh()
    assert steps_of(ld, "r", "z") == [0, 1]


def test_start_purges_points_at_or_after_its_step(tmp_path):
    first = [ef.file_version(), *(ef.scalar("loss", i, 1.0) for i in range(10))]
    first.append(ef.histogram("h", 8, np.arange(10.0)))
    second = [ef.start(5), *(ef.scalar("loss", i, 2.0) for i in range(5, 8))]
    ef.write(tmp_path / "r" / "events.out.tfevents.1.a", *first)
    ef.write(tmp_path / "r" / "events.out.tfevents.2.a", *second)
    ld = Logdir(str(tmp_path))
    ld.refresh()
    series = ld.runs["r"].scalars["loss"]
    assert series.steps.tolist() == [0, 1, 2, 3, 4, 5, 6, 7]
    assert series.values.tolist() == [1.0] * 5 + [2.0] * 3
    assert ld.runs["r"].histograms["h"] == []


def test_steps_going_backwards_keep_every_point(tmp_path):
    ef.write(tmp_path / "r" / EV, *(ef.scalar("s", i, float(i)) for i in (5, 3, 3, 9, 1)))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    series = ld.runs["r"].scalars["s"]
    assert series.steps.tolist() == [5, 3, 3, 9, 1]
    assert series.last_index() == 3


def test_hostile_names_are_kept_exactly(corpus):
    ld = Logdir(str(corpus / "edge"))
    ld.refresh()
    tags = set(ld.runs["hostile"].scalars)
    assert "\x1b[2J\x1b[H\x1b]0;pwned\x07loss" in tags
    assert "newline\nin/tag" in tags
    assert "损失/λ" in ld.runs["names"].scalars


def test_runs_discovery_nested_root_and_deleted(tmp_path):
    ef.write(tmp_path / EV, ef.scalar("root", 0, 1.0))
    ef.write(tmp_path / "a" / "b" / EV, ef.scalar("deep", 0, 1.0))
    (tmp_path / "a" / "notes.txt").write_text("not an event file")
    ef.write(tmp_path / "p" / "events.out.tfevents.1.host.profile-empty", ef.scalar("x", 0, 1))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert list(ld.runs) == [".", "a/b"]
    os.remove(tmp_path / "a" / "b" / EV)
    assert "a/b" in ld.refresh()
    assert list(ld.runs) == ["."]


def test_all_files_of_a_run_in_name_order_and_new_files_picked_up(tmp_path):
    ef.write(tmp_path / "r" / "events.out.tfevents.2.h", ef.scalar("t", 2, 2.0))
    ef.write(tmp_path / "r" / "events.out.tfevents.1.h", ef.scalar("t", 1, 1.0))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert steps_of(ld, "r", "t") == [1, 2]
    ef.write(tmp_path / "r" / "events.out.tfevents.3.h", ef.scalar("t", 3, 3.0))
    ld.refresh()
    assert steps_of(ld, "r", "t") == [1, 2, 3]


@pytest.mark.parametrize(
    "dtype,np_dtype",
    [
        (types_pb2.DT_FLOAT, "<f4"),
        (types_pb2.DT_DOUBLE, "<f8"),
        (types_pb2.DT_INT32, "<i4"),
        (types_pb2.DT_INT64, "<i8"),
        (types_pb2.DT_HALF, "<f2"),
        (types_pb2.DT_UINT8, "u1"),
    ],
)
def test_v2_scalars_of_every_numeric_dtype(tmp_path, dtype, np_dtype):
    recs = [
        ef.tensor_scalar(
            "m", i, np.array(i + 0.5 if "f" in np_dtype else i, np_dtype), dtype, first=(i == 0)
        )
        for i in range(3)
    ]
    ef.write(tmp_path / "r" / EV, *recs)
    ld = Logdir(str(tmp_path))
    ld.refresh()
    values = ld.runs["r"].scalars["m"].values.tolist()
    assert values == ([0.5, 1.5, 2.5] if "f" in np_dtype else [0.0, 1.0, 2.0])
    assert ld.runs["r"].plugins["m"] == "scalars"


def _mixed_file(rng: random.Random) -> bytes:
    recs = [ef.file_version()]
    for i in range(800):
        recs.append(
            ef.scalar(rng.choice(["a", "b/c", "λ"]), rng.randrange(-5, 10**12), rng.random())
        )
        if i % 97 == 0:
            recs.append(ef.histogram("h", i, np.arange(5.0)))
        if i == 400:
            recs.append(ef.start(10**6))
        if i == 500:
            recs.append(ef.tensor_scalar("a", 7, np.array(1.5, "<f4"), types_pb2.DT_FLOAT, True))
    return b"".join(recs)


def _snapshot(ld: Logdir):
    out = {}
    for name, run in ld.runs.items():
        out[name] = (
            {
                t: (s.steps.tolist(), s.wall_times.tolist(), s.values.tolist())
                for t, s in run.scalars.items()
            },
            {t: [p.step for p in pts] for t, pts in run.histograms.items()},
            run.warning_messages,
        )
    return out


@pytest.mark.parametrize("seed", range(8))
def test_vectorised_path_equals_record_by_record(tmp_path, monkeypatch, seed):
    rng = random.Random(seed)
    data = bytearray(_mixed_file(rng))
    for _ in range(seed):  # damage: flipped bytes anywhere, headers included
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    cut = len(data) - rng.randrange(0, 30)  # and maybe a write in progress
    ef.write(tmp_path / "r" / EV, bytes(data[:cut]))
    slow_scan = record.scan(bytes(data[:cut]))
    fast_scan = fastframe.frame(bytes(data[:cut]))
    assert [o for o, _ in slow_scan.spans] == fast_scan.offsets.tolist()
    assert slow_scan.warnings == fast_scan.warnings
    assert slow_scan.consumed == fast_scan.consumed
    monkeypatch.setattr(logdir, "FAST_MIN_BYTES", 1 << 40)
    monkeypatch.setattr("tbx_tui.read.decode.FAST_MIN_RECORDS", 1 << 40)
    slow = Logdir(str(tmp_path))
    slow.refresh()
    monkeypatch.setattr(logdir, "FAST_MIN_BYTES", 0)
    monkeypatch.setattr("tbx_tui.read.decode.FAST_MIN_RECORDS", 0)
    fast = Logdir(str(tmp_path))
    fast.refresh()
    assert _snapshot(slow) == _snapshot(fast)
    assert sum(len(s) for s in fast.runs["r"].scalars.values()) > 300


def test_columnar_store_costs_about_24_bytes_per_point(tmp_path):
    ef.write(tmp_path / "r" / EV, *(ef.scalar("x", i, 1.0) for i in range(20_000)))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    series = ld.runs["r"].scalars["x"]
    assert len(series) == 20_000
    assert series.nbytes() <= 2 * 24 * 20_000  # growth slack at most 2x


def test_refresh_with_a_byte_budget_reads_in_order_and_reports_progress(tmp_path):
    first = [ef.scalar("loss", i, 1.0) for i in range(300)]
    second = [ef.start(100), *(ef.scalar("loss", i, 2.0) for i in range(100, 150))]
    ef.write(tmp_path / "r" / "events.out.tfevents.1.a", *first)
    ef.write(tmp_path / "r" / "events.out.tfevents.2.a", *second)
    ef.write(tmp_path / "s" / EV, *(ef.scalar("x", i, 1.0) for i in range(50)))
    ld = Logdir(str(tmp_path))
    rounds = 0
    ld.refresh(max_bytes=1000)
    while not ld.complete:
        assert 0 < ld.bytes_read < ld.bytes_seen or ld.bytes_seen == 0
        rounds += 1
        ld.refresh(max_bytes=1000)
    assert rounds > 5
    assert ld.bytes_read == ld.bytes_seen
    whole = Logdir(str(tmp_path))
    whole.refresh()
    assert _snapshot(ld) == _snapshot(whole)
    assert steps_of(ld, "r", "loss") == list(range(150))


def test_long_damaged_stretch_resyncs_the_same_both_ways(tmp_path):
    good = b"".join(ef.scalar("z", i, float(i)) for i in range(3000))
    zeros = bytes(300_000)  # a block of zeros, as a crash on some file systems leaves
    noise = bytes(random.Random(3).getrandbits(8) for _ in range(70_000))
    data = good[: len(good) // 2 + 7] + zeros + noise + good[len(good) // 2 + 7 :]
    slow = record.scan(data)
    fast = fastframe.frame(data)
    assert [o for o, _ in slow.spans] == fast.offsets.tolist()
    # the record cut in two fails its data CRC and no header follows its claimed end: one
    # warning, and the reader resynchronises from the byte after its header
    assert slow.warnings == fast.warnings and len(fast.warnings) == 1
    assert slow.consumed == fast.consumed == len(data)
    ef.write(tmp_path / "r" / EV, data)
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert len(ld.runs["r"].scalars["z"]) == 2999  # only the record cut in two is lost
    assert ld.runs["r"].warnings == 1
