"""The writer and the process it lives in: what a SIGKILL leaves without any flush(), what flush()
fsyncs, and fork (a child gets fresh locks, an empty queue and an event file of its own).

Every process here is real and every wait has a deadline, so a deadlock fails instead of hanging.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import tbx_tui
from tbx_tui.proto import event_pb2
from tbx_tui.read.logdir import Logdir
from tbx_tui.tfrecord.record import scan

pytestmark = pytest.mark.fault

ROOT = Path(__file__).resolve().parent.parent


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def _scalars_by_file(logdir: Path) -> dict[str, dict[str, list[tuple[int, float]]]]:
    """{file name: {tag: [(step, value), ...]}} for every event file in ``logdir``."""
    out: dict[str, dict[str, list[tuple[int, float]]]] = {}
    for name in sorted(os.listdir(logdir)):
        if "tfevents" not in name:
            continue
        data = (logdir / name).read_bytes()
        result = scan(data)
        tags: dict[str, list[tuple[int, float]]] = {}
        for offset, length in result.spans:
            event = event_pb2.Event.FromString(data[offset : offset + length])
            for value in event.summary.value:
                tags.setdefault(value.tag, []).append((event.step, value.simple_value))
        out[name] = tags
    return out


KILLED_CHILD = """
import sys, time
import tbx_tui
w = tbx_tui.SummaryWriter(sys.argv[1])  # default flush_secs=120, and never flush()
i = 0
while True:
    w.add_scalar("x", float(i), i)
    print(i, time.monotonic(), flush=True)
    i += 1
    time.sleep(0.01)
"""


def test_sigkill_without_flush_loses_at_most_the_last_second(tmp_path):
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        env=_env(),
    )
    logged: list[tuple[int, float]] = []
    try:
        assert child.stdout is not None
        first = child.stdout.readline().split()
        logged.append((int(first[0]), float(first[1])))
        deadline = time.monotonic() + 3.0
        while time.monotonic() < deadline:
            step, at = child.stdout.readline().split()
            logged.append((int(step), float(at)))
        killed_at = time.monotonic()
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    on_disk = _scalars_by_file(tmp_path)
    (points,) = [tags["x"] for tags in on_disk.values()]
    steps = [s for s, _ in points]
    assert steps == list(range(len(steps)))  # a prefix, in order, nothing doubled or damaged
    assert [v for _, v in points] == [float(s) for s in steps]
    older = [s for s, at in logged if at < killed_at - 1.0]
    assert len(older) > 100  # the child really logged for seconds
    assert len(steps) >= len(older), (len(steps), len(older), len(logged))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert ld.runs["."].warnings == 0


def test_background_hand_over_does_not_fsync_but_flush_and_close_do(tmp_path, monkeypatch):
    synced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        synced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    w = tbx_tui.SummaryWriter(str(tmp_path))
    for i in range(10):
        w.add_scalar("x", float(i), i)
    deadline = time.monotonic() + 30  # only waiting: the hand-over takes about half a second
    points: list = []
    while time.monotonic() < deadline and len(points) < 10:
        time.sleep(0.1)
        points = next(iter(_scalars_by_file(tmp_path).values())).get("x", [])
    assert len(points) == 10 and synced == []
    w.flush()
    assert len(synced) == 1
    w.add_scalar("x", 10.0, 10)
    w.close()
    assert len(synced) == 2


FORK_ONE = """
import json, os, sys
import tbx_tui
w = tbx_tui.SummaryWriter(sys.argv[1], flush_secs=3600)
for i in range(100):
    w.add_scalar("x", float(i), i)
pid = os.fork()
if pid == 0:
    w.flush()  # the inherited queue is the parent's: nothing of it may be written here
    for i in range(100, 110):
        w.add_scalar("x", float(i), i)
    w.close()
    os._exit(0)
_, status = os.waitpid(pid, 0)
w.add_scalar("x", 110.0, 110)
w.close()
print(json.dumps({"parent": os.getpid(), "child": pid, "status": status}))
"""


def test_fork_child_writes_its_own_file_and_never_the_parents_points(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", FORK_ONE, str(tmp_path)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["status"] == 0
    files = _scalars_by_file(tmp_path)
    assert len(files) == 2
    (parent_file,) = [n for n in files if f".{info['parent']}." in n]
    (child_file,) = [n for n in files if f".{info['child']}." in n]
    assert [s for s, _ in files[parent_file]["x"]] == [*range(100), 110]
    assert [s for s, _ in files[child_file]["x"]] == list(range(100, 110))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    steps = ld.runs["."].scalars["x"].steps.tolist()  # files are read in name order
    assert sorted(steps) == list(range(111))


FORK_MANY = """
import json, os, sys, threading, time, signal
import numpy as np
import tbx_tui
w = tbx_tui.SummaryWriter(sys.argv[1])
stop = threading.Event()
logged = []

def spin():
    i = 0
    while not stop.is_set():
        w.add_scalar("parent", float(i), i)
        if i % 50 == 0:
            w.add_histogram("h", np.arange(20), i)
            w.flush()
        i += 1
    logged.append(i)

thread = threading.Thread(target=spin)
thread.start()
children = {}
for k in range(40):
    pid = os.fork()
    if pid == 0:
        for j in range(5):
            w.add_scalar("child", float(k), j)
        w.close()
        os._exit(0)
    children[pid] = k
    time.sleep(0.003)
deadline = time.monotonic() + 60
hung, failed = [], []
for pid in children:
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            if status != 0:
                failed.append(pid)
            break
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            hung.append(pid)
            break
        time.sleep(0.01)
stop.set()
thread.join()
w.close()
print(json.dumps({"parent": os.getpid(), "children": children, "hung": hung,
                  "failed": failed, "logged": logged[0]}))
"""


def test_forty_children_forked_while_a_thread_logs_none_deadlocks(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", FORK_MANY, str(tmp_path)],
        capture_output=True,
        text=True,
        env=_env(),
        timeout=180,
    )
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["hung"] == [] and info["failed"] == []
    files = _scalars_by_file(tmp_path)
    (parent_file,) = [n for n in files if f".{info['parent']}." in n]
    parent = files[parent_file]
    assert "child" not in parent
    assert [s for s, _ in parent["parent"]] == list(range(info["logged"]))
    assert len(files) == 1 + len(info["children"])
    for pid, k in info["children"].items():
        (name,) = [n for n in files if f".{pid}." in n]
        assert set(files[name]) == {"child"}  # none of the parent's points
        assert files[name]["child"] == [(j, float(k)) for j in range(5)]
