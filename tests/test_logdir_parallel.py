"""Issue 13, item 2 (speed): first loads read new runs in worker processes, with exactly the
result of serial reading (damage, restarts, writes in progress, tailing afterwards); runs are
read newest first."""

from __future__ import annotations

import os
import random
import shutil
from pathlib import Path

import numpy as np
import pytest

from tbx_tui.read import logdir as logdir_module
from tbx_tui.read.logdir import Logdir, newest_first
from tbx_tui.read.parallel import Pool
from tbx_tui.read.store import KINDS, first_version
from tbx_tui.storage.files import FileInfo
from tests import eventfiles as ef

pytestmark = pytest.mark.unit


def _array(a: np.ndarray) -> tuple[str, bytes]:
    return str(a.dtype), a.tobytes()  # bytes: NaN == NaN, -0.0 != 0.0


def _data(data: object) -> object:
    return _array(data) if isinstance(data, np.ndarray) else repr(data)


def store(ld: Logdir) -> dict:
    """Everything a logdir holds, comparable with ``==``."""
    out = {}
    for name, run in ld.runs.items():
        out[name] = {
            "scalars": {
                tag: (_array(s.steps), _array(s.wall_times), _array(s.values))
                for tag, s in run.scalars.items()
            },
            "kinds": {
                kind: {
                    tag: [(p.step, p.wall_time, _data(p.data)) for p in points]
                    for tag, points in run.series(kind).items()
                }
                for kind in KINDS
            },
            "plugins": (run.plugins, run.plugin_content),
            "hparams": (repr(run.hparams), run.hparam_metrics),
            "warnings": (run.warnings, run.warning_messages),
            "last_wall_time": run.last_wall_time,
        }
    return out


def serial_and_parallel(root: Path) -> tuple[Logdir, Logdir]:
    serial = Logdir(str(root), workers=1)
    parallel = Logdir(str(root), workers=2, parallel_min_bytes=0)
    return serial, parallel


def refresh_both(*logdirs: Logdir) -> None:
    for ld in logdirs:
        ld.refresh()
        assert ld.complete


def _run_files(root: Path, rng: random.Random, runs: int) -> None:
    """Runs of several files: scalars from many tags, histograms, a restart, damage, and a
    record still being written at the end of some files."""
    for r in range(runs):
        for f in range(1 + r % 3):
            records = [ef.file_version()]
            for step in range(rng.randrange(300, 1500)):
                records.append(ef.scalar(f"tag{step % 7}", f * 2000 + step, rng.gauss(0, 1)))
                if step % 97 == 0:
                    records.append(ef.histogram("h", step, np.arange(20.0) + step))
            if r % 4 == 1:  # a restart: points at or after step 500 go
                records.insert(len(records) // 2, ef.start(500))
            data = bytearray(b"".join(records))
            if r % 5 == 2:  # damage: a bad data CRC and a bad length CRC
                data[len(data) // 3] ^= 0x40
                data[len(data) // 2 + 3] ^= 0x01
            if r % 3 == 0:  # a write in progress
                data += ef.scalar("tag0", 99_999, 1.0)[:-5]
            ef.write(root / f"run{r:02d}" / f"events.out.tfevents.{f}.host", bytes(data))


def test_parallel_load_of_the_corpus_equals_serial_and_tails_the_same(corpus):
    serial, parallel = serial_and_parallel(corpus)
    refresh_both(serial, parallel)
    assert store(parallel) == store(serial)
    assert parallel.bytes_read == serial.bytes_read == parallel.bytes_seen
    assert any(run.warnings for run in serial.runs.values())  # damage is part of the corpus
    # tailing goes on from the offsets the workers reached: new records, a finished write
    for path in sorted(corpus.rglob("*tfevents*")):
        ef.append(path, ef.scalar("after/load", 10**6, 2.5) + ef.start(3))
    refresh_both(serial, parallel)
    assert store(parallel) == store(serial)
    assert parallel.bytes_read == serial.bytes_read == parallel.bytes_seen


def test_parallel_load_of_many_runs_equals_serial(tmp_path):
    _run_files(tmp_path, random.Random(13), runs=12)
    before = first_version()
    serial, parallel = serial_and_parallel(tmp_path)
    refresh_both(serial, parallel)
    assert store(parallel) == store(serial)
    runs = parallel.runs
    assert sum(run.warnings for run in runs.values()) >= 2
    assert all(len(s) > 0 for run in runs.values() for s in run.scalars.values())
    # versions come from this process's counter: newer than anything handed out before
    assert all(run.version > before for run in runs.values())
    assert all(s.version > before for run in runs.values() for s in run.scalars.values())
    # the writes in progress finish, a run is rewritten in place, a run is removed
    for path in sorted(tmp_path.glob("run*/*tfevents*")):
        ef.append(path, ef.scalar("tag0", 99_999, 1.0)[-5:] + ef.scalar("late", 1, 1.0))
    ef.write(tmp_path / "run04" / "events.out.tfevents.0.host", ef.scalar("new", 0, 4.0))
    shutil.rmtree(tmp_path / "run07")
    refresh_both(serial, parallel)
    assert store(parallel) == store(serial)
    assert "run07" not in parallel.runs
    assert parallel.runs["run04"].scalars["new"].values.tolist() == [4.0]


def die(*args: object) -> None:
    """A worker job that kills its worker process (run in a worker, by reference)."""
    os._exit(3)


def test_a_worker_that_dies_loses_nothing(tmp_path, monkeypatch):
    _run_files(tmp_path, random.Random(5), runs=6)
    serial = Logdir(str(tmp_path), workers=1)
    serial.refresh()
    monkeypatch.setattr(logdir_module, "read_new_run", die)
    parallel = Logdir(str(tmp_path), workers=2, parallel_min_bytes=0)
    parallel.refresh()
    assert parallel.complete
    assert store(parallel) == store(serial)
    assert any("worker processes failed" in w for w in parallel.warnings)


def test_where_workers_cannot_start_everything_is_read_here(tmp_path, monkeypatch):
    class NoProcesses(Pool):  # as where multiprocessing has no working semaphores
        def __init__(self, workers, jobs) -> None:
            raise OSError(38, "Function not implemented")

    monkeypatch.setattr(logdir_module, "Pool", NoProcesses)
    _run_files(tmp_path, random.Random(2), runs=5)
    serial = Logdir(str(tmp_path), workers=1)
    serial.refresh()
    ld = Logdir(str(tmp_path), workers=2, parallel_min_bytes=0)
    ld.refresh()
    assert ld.complete and store(ld) == store(serial)
    assert any("cannot start worker processes" in w for w in ld.warnings)


def test_workers_start_only_for_big_first_loads(tmp_path, monkeypatch):
    started: list[int] = []

    class CountingPool(Pool):  # the real pool, counted
        def __init__(self, workers, jobs) -> None:
            started.append(len(jobs))
            super().__init__(workers, jobs)

    monkeypatch.setattr(logdir_module, "Pool", CountingPool)
    _run_files(tmp_path, random.Random(1), runs=4)
    Logdir(str(tmp_path), workers=2).refresh()  # a small logdir: below the threshold
    Logdir(str(tmp_path), workers=1, parallel_min_bytes=0).refresh()  # one worker: serial
    assert started == []
    ld = Logdir(str(tmp_path), workers=2, parallel_min_bytes=0)
    ld.refresh()
    assert started == [3]  # every run but the newest, which was read here
    for path in sorted(tmp_path.glob("run*/*tfevents*")):  # tailing is read here
        ef.append(path, ef.scalar("late", 1, 1.0))
    ld.refresh()
    assert started == [3]
    assert all("late" in run.scalars for run in ld.runs.values())


def _aged_runs(root: Path, ages: dict[str, int], points: int = 400) -> int:
    """One file per run, modified ``ages[run]`` seconds ago; returns a file's size."""
    now = 1.7e9
    for name, age in ages.items():
        path = ef.write(
            root / name / "events.out.tfevents.1.h",
            *(ef.scalar("loss", i, float(i)) for i in range(points)),
        )
        os.utime(path, (now - age, now - age))
    return os.path.getsize(path)


AGES = {"a": 300, "b": 10, "c": 5000, "d": 60, "e": 1}  # newest: e, b, d, a, c


@pytest.mark.parametrize("workers", [1, 2])
def test_a_budgeted_refresh_reads_the_newest_runs_first(tmp_path, workers):
    size = _aged_runs(tmp_path, AGES)
    ld = Logdir(str(tmp_path), workers=workers, parallel_min_bytes=0)
    ld.refresh(max_bytes=size)
    assert not ld.complete
    assert {n for n, run in ld.runs.items() if run.point_count()} == {"e"}
    assert set(ld.runs) == set(AGES)  # every run is listed at once, empty until read
    order = ["e"]
    while not ld.complete:
        ld.refresh(max_bytes=size)
        order += sorted(n for n, run in ld.runs.items() if run.point_count() and n not in order)
    if workers == 1:  # one run per step, newest first
        assert order == ["e", "b", "d", "a", "c"]
    else:  # workers finish in any order, but the newest run is read here first
        assert order[0] == "e" and sorted(order) == sorted(AGES)
    whole = Logdir(str(tmp_path), workers=1)
    whole.refresh()
    assert store(ld) == store(whole)


def test_newest_first_orders_local_and_object_store_times():
    def info(mtime: object) -> list[FileInfo]:
        return [FileInfo("f", 1, mtime, None)]

    local = {"old": info(1_000), "new": info(2_000), "mid": info(1_500), "tie": info(2_000)}
    assert newest_first(local) == ["new", "tie", "mid", "old"]
    remote = {  # S3 (botocore datetime as str), GCS (RFC 3339 with Z), unknown
        "s3": info("2026-11-30 16:00:00+00:00"),
        "gcs": info("2026-11-30T17:00:00.123Z"),
        "odd": info("yesterday"),
        "none": info(None),
    }
    assert newest_first(remote) == ["gcs", "s3", "none", "odd"]
    # a run is as new as its newest file
    assert newest_first({"a": info(5) + info(50), "b": info(20)}) == ["a", "b"]
