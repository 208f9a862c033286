"""Issue 13, item 2 (speed): ``--once``, ``--once --json``, ``--export`` and ``--check`` read a
big logdir with worker processes, runs handed over in name order a few at a time, and print
exactly what serial reading prints, byte for byte (the corpus: damage, every kind of data; and a
logdir of many runs with restarts, damage and writes in progress)."""

from __future__ import annotations

import gc
import random
import weakref
from pathlib import Path
from types import SimpleNamespace

import pytest

from tbx_tui.cli import main
from tbx_tui.headless.loading import stream_for_report
from tbx_tui.read import logdir as logdir_module
from tbx_tui.read.logdir import Logdir
from tbx_tui.read.store import Run
from tests.conftest import CORPUS
from tests.test_logdir_parallel import _run_files, die, store

pytestmark = pytest.mark.unit


@pytest.fixture(scope="module")
def many_runs(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("many")
    _run_files(root, random.Random(21), runs=10)
    return root


def _outputs(path: Path, out: Path, capsys) -> dict[str, bytes]:
    """What each headless mode prints or writes for ``path``."""
    got = {}
    for name, args in {
        "once": ["--once", "--width", "120"],
        "json": ["--once", "--json"],
        "filtered": ["--once", "--runs", "[0-5]|tf|tbx", "--filter", "[a-m]"],
        "check": ["--check", "nan,tag[1-3]>0,.*loss.*<100,late>0"],
    }.items():
        code = main([str(path), *args])
        captured = capsys.readouterr()
        got[name] = f"{code}\n{captured.err}\n{captured.out}".encode()
    for suffix in ("csv", "jsonl"):
        target = out / f"export.{suffix}"
        main([str(path), "--export", str(target)])
        got[suffix] = target.read_bytes()
    return got


@pytest.mark.parametrize("which", ["corpus", "many runs"])
def test_headless_output_read_in_parallel_equals_serial_byte_for_byte(
    which, many_runs, tmp_path, monkeypatch, capsys
):
    path = CORPUS if which == "corpus" else many_runs
    monkeypatch.setattr(logdir_module, "PARALLEL_MIN_BYTES", 0)  # a small logdir: parallel too
    outputs = {}
    for workers in ("1", "2"):
        monkeypatch.setenv("TBX_TOP_WORKERS", workers)
        outputs[workers] = _outputs(path, tmp_path, capsys)
        streamed = stream_for_report(str(path))  # what the modes read with
        assert streamed is not None
        logdir, runs = streamed
        names = [run.name for run in runs]
        assert logdir.runs_from_workers == (0 if workers == "1" else len(names))
    assert outputs["1"] == outputs["2"]
    assert all(len(text) > 100 for text in outputs["1"].values())


def test_each_run_in_parallel_holds_a_few_runs_and_reads_what_serial_reads(many_runs):
    serial = Logdir(str(many_runs), workers=1)
    serial.refresh()
    want, nbytes = store(serial), serial.bytes_read
    del serial
    parallel = Logdir(str(many_runs), workers=2, parallel_min_bytes=0)
    seen: list[weakref.ref] = []
    got = {}
    for run in parallel.each_run():
        gc.collect()
        assert all(ref() is None for ref in seen)  # handed over, let go
        alive = sum(isinstance(o, Run) for o in gc.get_objects())
        assert alive <= 2 * 2 + 2  # this one, those read ahead (2 per worker), one unpickling
        seen.append(weakref.ref(run))
        got.update(store(SimpleNamespace(runs={run.name: run})))  # what ``store`` reads of a Logdir
        del run
    assert got == want and list(got) == sorted(want)
    assert parallel.runs_from_workers == len(want) and parallel.ok
    assert parallel.bytes_read == parallel.bytes_seen == nbytes


def test_a_stream_stopped_early_stops_its_workers(many_runs):
    import multiprocessing

    before = set(multiprocessing.active_children())
    runs = Logdir(str(many_runs), workers=2, parallel_min_bytes=0).each_run()
    assert next(runs).name == "run00"
    runs.close()  # e.g. `tbx-top --export - | head`: the reader is gone
    assert set(multiprocessing.active_children()) <= before


def _streamed(logdir: Logdir) -> dict:
    got = {}
    for run in logdir.each_run():
        got.update(store(SimpleNamespace(runs={run.name: run})))
    return got


def test_a_stream_whose_workers_die_or_cannot_start_loses_no_run(many_runs, monkeypatch):
    want = _streamed(Logdir(str(many_runs), workers=1))
    monkeypatch.setattr(logdir_module, "read_new_run", die)  # every worker dies on its job
    died = Logdir(str(many_runs), workers=2, parallel_min_bytes=0)
    assert _streamed(died) == want and died.runs_from_workers == 0
    assert any("worker processes failed" in w for w in died.warnings)

    class NoProcesses(logdir_module.Pool):  # as where multiprocessing has no semaphores
        def __init__(self, workers, jobs) -> None:
            raise OSError(38, "Function not implemented")

    monkeypatch.setattr(logdir_module, "Pool", NoProcesses)
    alone = Logdir(str(many_runs), workers=2, parallel_min_bytes=0)
    assert _streamed(alone) == want
    assert any("cannot start worker processes" in w for w in alone.warnings)
