"""Whole-process reading speed, side by side: ``tbx-top --export -`` against TensorBoard & co.

Reads the same 1M-point logdir (8 runs x 5 tags x 25,000 steps, written by tensorboardX) with:

- tbx-top: ``tbx-top LOGDIR --export -`` (every point as CSV, to /dev/null)
- TensorBoard's Python loader: ``EventMultiplexer`` (event_accumulator), all scalars kept
- TensorBoard's plugin loader: ``plugin_event_multiplexer``, all tensors kept
- tbparse: ``SummaryReader(LOGDIR).scalars``
- terminalboard: its own pure-Python reader (``make_reader(LOGDIR).poll()``)
- TensorBoard's Rust data server: ``tensorboard --load_fast=true``, until its HTTP API serves
  every series up to the last step (it samples 1,000 points per tag)

Also: peak memory of each process, and the cost of re-reading after a one-record append.
Usage: pip install -e ".[bench]" && python benchmarks/reader_speed.py [LOGDIR] [--skip NAME ...]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
PY = sys.executable

EVENT_ACCUMULATOR = """
import sys
from tensorboard.backend.event_processing import event_multiplexer as em
m = em.EventMultiplexer(size_guidance={"scalars": 0, "histograms": 1, "images": 1,
                                        "tensors": 1, "compressedHistograms": 1})
m.AddRunsFromDirectory(sys.argv[1]); m.Reload()
n = sum(len(m.Scalars(r, t)) for r, tags in m.Runs().items() for t in tags["scalars"])
print(n)
"""

PLUGIN_LOADER = """
import sys
from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
m = pem.EventMultiplexer(size_guidance={"tensors": 0})
m.AddRunsFromDirectory(sys.argv[1]); m.Reload()
n = sum(len(m.Tensors(r, t)) for r, tags in m.PluginRunToTagToContent("scalars").items()
        for t in tags)
print(n)
"""

TERMINALBOARD = """
import sys
from terminalboard.reader import make_reader
runs = make_reader(sys.argv[1]).poll()
print(sum(len(s) for r in runs.values() for s in r.series.values() if s.kind == "scalar"))
"""

TBPARSE = """
import sys
from tbparse import SummaryReader
print(len(SummaryReader(sys.argv[1], pivot=False, extra_columns={"wall_time"}).scalars))
"""


def timed(cmd: list[str], stdout=subprocess.DEVNULL) -> tuple[float, float, int]:
    """Wall seconds, peak RSS (MB) and exit status of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=stdout, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        print(proc.stderr.read().decode()[-2000:], file=sys.stderr)
    return elapsed, usage.ru_maxrss / 1024, proc.returncode


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def rust_server(logdir: str, last_step: int) -> tuple[float, float, int]:
    """Seconds until TensorBoard's Rust data server serves every scalar series to last_step."""
    port = free_port()
    start = time.perf_counter()
    tb = os.path.join(os.path.dirname(PY), "tensorboard")
    proc = subprocess.Popen(
        [tb, "--logdir", logdir, "--load_fast=true", "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/data/plugin/scalars"
    done: set[tuple[str, str]] = set()
    try:
        while time.perf_counter() - start < 300:
            try:
                with urllib.request.urlopen(f"{base}/tags", timeout=5) as r:
                    tags = json.load(r)
            except OSError:
                time.sleep(0.05)
                continue
            for run, run_tags in tags.items():
                for tag in run_tags:
                    if (run, tag) in done:
                        continue
                    q = urllib.parse.urlencode({"run": run, "tag": tag})
                    with urllib.request.urlopen(f"{base}/scalars?{q}", timeout=5) as r:
                        points = json.load(r)
                    if points and points[-1][1] == last_step:
                        done.add((run, tag))
            if tags and len(done) == sum(len(t) for t in tags.values()) and len(tags) >= 8:
                return time.perf_counter() - start, 0.0, 0
            time.sleep(0.05)
        return float("nan"), 0.0, 1
    finally:
        proc.terminate()
        proc.wait()


def append_cost(logdir: str) -> float:
    """Microseconds to refresh a loaded logdir after one record was appended to one file."""
    sys.path.insert(0, os.path.dirname(HERE))
    from tbx_tui.proto import event_pb2
    from tbx_tui.read.logdir import Logdir
    from tbx_tui.tfrecord.record import encode_record

    with tempfile.TemporaryDirectory() as tmp:
        run = os.path.join(tmp, "run")
        os.makedirs(run)
        src = os.path.join(logdir, "run00")
        name = sorted(os.listdir(src))[0]
        dest = os.path.join(run, name)
        with open(os.path.join(src, name), "rb") as f, open(dest, "wb") as g:
            g.write(f.read())
        ld = Logdir(tmp)
        ld.refresh()
        costs = []
        for i in range(200):
            ev = event_pb2.Event(wall_time=time.time(), step=10**6 + i)
            ev.summary.value.add(tag="train/loss", simple_value=0.5)
            with open(dest, "ab") as g:
                g.write(encode_record(ev.SerializeToString()))
            t = time.perf_counter()
            ld.refresh()
            costs.append(time.perf_counter() - t)
        assert len(ld.runs["run"].scalars["train/loss"]) == 25_000 + 200
        costs.sort()
        return costs[len(costs) // 2] * 1e6


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("logdir", nargs="?", default=os.path.join(HERE, "out", "scalars-1m"))
    p.add_argument("--skip", nargs="*", default=[])
    a = p.parse_args()
    if not os.path.isdir(a.logdir):
        print(f"writing {a.logdir} with tensorboardX (about a minute)...", file=sys.stderr)
        subprocess.run([PY, os.path.join(HERE, "make_scalar_logdir.py"), a.logdir], check=True)
    points = 1_000_000
    tbx_top = os.path.join(os.path.dirname(PY), "tbx-top")
    contenders = [
        ("tbx-top --export -", lambda: timed([tbx_top, a.logdir, "--export", "-"])),
        ("TensorBoard EventAccumulator", lambda: timed([PY, "-c", EVENT_ACCUMULATOR, a.logdir])),
        ("TensorBoard plugin loader", lambda: timed([PY, "-c", PLUGIN_LOADER, a.logdir])),
        ("tbparse", lambda: timed([PY, "-c", TBPARSE, a.logdir])),
        ("terminalboard (LightReader)", lambda: timed([PY, "-c", TERMINALBOARD, a.logdir])),
        ("TensorBoard Rust server*", lambda: rust_server(a.logdir, 24_999)),
    ]
    results = []
    for name, run in contenders:
        if any(s.lower() in name.lower() for s in a.skip):
            continue
        seconds, rss, status = run()
        results.append((name, seconds, rss, status))
        print(f"{name:32s} {seconds:7.2f} s  peak {rss:6.0f} MB  exit {status}", file=sys.stderr)
    ours = results[0][1]
    print("\n| reader | seconds | points/s | vs tbx-top | peak MB |")
    print("|---|---:|---:|---:|---:|")
    for name, seconds, rss, status in results:
        mb = f"{rss:.0f}" if rss else "n/a"
        flag = "" if status == 0 else " (failed)"
        print(
            f"| {name}{flag} | {seconds:.2f} | {points / seconds:,.0f} | "
            f"{seconds / ours:.1f}x | {mb} |"
        )
    print(
        "\n*Rust server: time until its HTTP API serves every series up to the last step "
        "(sampled to 1,000 points per tag)."
    )
    print(f"\nRe-read after a one-record append: {append_cost(a.logdir):.0f} µs (median of 200)")


if __name__ == "__main__":
    main()
