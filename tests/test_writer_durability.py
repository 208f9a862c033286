"""Durability: what ``flush()`` returned on survives SIGKILL; ``flush_secs`` writes without any
call; disk errors surface as ``OSError``; many threads lose and interleave nothing."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
import pytest

import tbx_tui
from tbx_tui.read.logdir import Logdir

pytestmark = pytest.mark.fault

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _read(logdir) -> dict:
    ld = Logdir(str(logdir))
    ld.refresh()
    return ld.runs


CHILD = """
import sys, time
import tbx_tui
w = tbx_tui.SummaryWriter(sys.argv[1], flush_secs=100000)
for i in range(1000):
    w.add_scalar("loss", i * 0.5, i)
w.flush()
print("flushed", flush=True)
for i in range(1000, 2000):  # added after flush: may be lost, must not damage the file
    w.add_scalar("loss", i * 0.5, i)
time.sleep(600)
"""


def test_sigkill_after_flush_keeps_every_point(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    try:
        assert child.stdout.readline().strip() == "flushed"
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait()
    assert child.returncode == -signal.SIGKILL
    run = _read(tmp_path)["."]
    series = run.scalars["loss"]
    assert series.steps[:1000].tolist() == list(range(1000))
    assert series.values[:1000].tolist() == [i * 0.5 for i in range(1000)]
    assert not run.warnings


def test_flush_secs_writes_without_any_call(tmp_path):
    w = tbx_tui.SummaryWriter(str(tmp_path), flush_secs=1)
    try:
        for i in range(500):
            w.add_scalar("x", float(i), i)
        w.add_histogram("h", np.arange(100), 1)
        deadline = time.monotonic() + 30  # generous: only waiting, not timing
        seen = 0
        while time.monotonic() < deadline:
            runs = _read(tmp_path)
            if "." in runs and "x" in runs["."].scalars:
                seen = len(runs["."].scalars["x"].steps)
                if seen == 500 and "h" in runs["."].histograms:
                    break
            time.sleep(0.2)
        assert seen == 500
        assert "h" in _read(tmp_path)["."].histograms
    finally:
        w.close()


FULL_DISK = """
import resource, signal, sys
import tbx_tui
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
w = tbx_tui.SummaryWriter(sys.argv[1])
resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
for i in range(1000):
    w.add_scalar("loss", float(i), i)
try:
    w.flush()
except OSError as exc:
    print("flush raised", type(exc).__name__, exc.errno)
try:
    w.close()
except OSError as exc:
    print("close raised", type(exc).__name__)
"""


def test_write_error_raises_at_flush(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(tmp_path)],
        env=_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    assert "flush raised OSError 27" in out.stdout  # EFBIG: file too large
    assert "close raised OSError" in out.stdout  # still unwritten: not silently dropped


def test_unwritable_logdir_raises_at_construction(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    with pytest.raises(OSError):
        tbx_tui.SummaryWriter(str(blocker / "run"))


def test_threads_lose_and_interleave_nothing(tmp_path):
    w = tbx_tui.SummaryWriter(str(tmp_path))
    n_threads, n = 8, 5000

    def work(k: int) -> None:
        for i in range(n):
            w.add_scalar(f"t{k}", k * 1e6 + i, i)
            if i % 500 == 0:
                w.add_histogram(f"h{k}", np.full(10, k), i)
                w.add_text(f"s{k}", f"thread {k} step {i}", i)
            if i % 1000 == 0:
                w.flush()

    threads = [threading.Thread(target=work, args=(k,)) for k in range(n_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    w.close()
    run = _read(tmp_path)["."]
    assert not run.warnings
    for k in range(n_threads):
        series = run.scalars[f"t{k}"]
        assert series.steps.tolist() == list(range(n))
        assert series.values.tolist() == [float(np.float32(k * 1e6 + i)) for i in range(n)]
        assert [p.step for p in run.histograms[f"h{k}"]] == list(range(0, n, 500))
        texts = [p.data for p in run.texts[f"s{k}/text_summary"]]
        assert texts == [f"thread {k} step {i}" for i in range(0, n, 500)]


def test_a_forked_child_exiting_does_not_write_the_parents_queue(tmp_path):
    script = (
        "import os, sys, tbx_tui\n"
        f"w = tbx_tui.SummaryWriter({str(tmp_path)!r}, flush_secs=3600)\n"
        "for i in range(100):\n"
        "    w.add_scalar('x', float(i), i)\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    sys.exit(0)  # a normal exit: atexit runs the inherited writer's finalizer\n"
        "os.waitpid(pid, 0)\n"
        "w.close()\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, timeout=120)
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert ld.runs["."].scalars["x"].steps.tolist() == list(range(100))
