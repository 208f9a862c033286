"""tbx-log's overhead on a chatty job, side by side with ``cat``, and how soon a printed value is
on disk.

    python benchmarks/tbxlog_speed.py [LINES]

1. Flat out: a job prints LINES ``step=i loss=... acc=... lr=...`` lines as fast as a pipe takes
   them (default 300,000). Wall time of ``job | cat >/dev/null`` against
   ``tbx-log -- job >/dev/null`` (which ends only after every line is parsed and written), and
   how long the job itself ran in each case (does tbx-log hold it back?).
2. Paced: the same job printing 100,000 lines a second for 3 s (bursts of 1,000 every 10 ms):
   the job's own run time under cat and under tbx-log, and tbx-log's CPU time.
3. Latency: a job prints ``lat=i t=<its clock mod 1000 s>`` every 50 ms; a reader polls the
   run's event file every 5 ms; printed-to-readable-on-disk latency per line (tbx-log's
   default --flush-secs 0.5).
"""

from __future__ import annotations

import os
import resource
import statistics
import subprocess
import sys
import tempfile
import textwrap
import threading
import time

from tbx_tui.read.logdir import Logdir

TBX_LOG = [sys.executable, "-m", "tbx_tui.capture.cli"]

JOB = textwrap.dedent(
    """
    import sys, time
    n, rate = int(sys.argv[1]), float(sys.argv[2])
    out = sys.stdout.buffer
    lines = [b"step=%d loss=%.5f acc=0.%02d lr=1e-3\\n" % (i, 1 / (i + 1), i % 100)
             for i in range(n)]
    t0 = time.perf_counter()
    if rate <= 0:
        blob = b"".join(lines)
        for i in range(0, len(blob), 1 << 16):
            out.write(blob[i : i + (1 << 16)])
    else:
        burst = int(rate / 100)
        for k in range(0, n, burst):
            out.write(b"".join(lines[k : k + burst]))
            out.flush()
            delay = t0 + (k + burst) / rate - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
    out.flush()
    sys.stderr.write("job %.3f\\n" % (time.perf_counter() - t0))
    """
)


def timed(cmd: list[str] | str, shell: bool = False) -> tuple[float, float, float]:
    """(wall s, the job's own seconds as it reported them, children's CPU s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    result = subprocess.run(
        cmd, shell=shell, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    job = float(result.stderr.decode().split("job ")[-1].split()[0])
    return wall, job, cpu


def throughput(tmp: str, job: str, n: int, rate: float) -> None:
    producer = f"{sys.executable} {job} {n} {rate}"
    cat_wall, cat_job, cat_cpu = timed(f"{producer} | cat > /dev/null", shell=True)
    run = f"r{n}_{int(rate)}"
    log_wall, log_job, log_cpu = timed(
        [*TBX_LOG, "-d", tmp, "-n", run, "--", sys.executable, job, str(n), str(rate)]
    )
    reader = Logdir(tmp)
    reader.refresh()
    points = len(reader.runs[run].scalars["loss"])
    assert points == n, (points, n)  # every line parsed
    what = "flat out" if rate <= 0 else f"paced at {rate:,.0f} lines/s"
    print(f"\n{what}, {n:,} lines ({points:,} loss points read back):")
    print(f"  cat:     wall {cat_wall:6.2f} s   job ran {cat_job:6.2f} s   CPU {cat_cpu:6.2f} s")
    print(f"  tbx-log: wall {log_wall:6.2f} s   job ran {log_job:6.2f} s   CPU {log_cpu:6.2f} s")
    print(
        f"  tbx-log / cat wall: {log_wall / cat_wall:.2f}x;  "
        f"tbx-log end to end: {n / log_wall:,.0f} lines/s"
    )


LATENCY_JOB = textwrap.dedent(
    """
    import time
    for i in range(40):
        print(f"lat={i} t={time.time() % 1000:.4f}", flush=True)
        time.sleep(0.05)
    """
)


def latency(tmp: str) -> None:
    job = os.path.join(tmp, "latency_job.py")
    with open(job, "w") as f:
        f.write(LATENCY_JOB)
    proc = subprocess.Popen(
        [*TBX_LOG, "-d", tmp, "-n", "lat", "--", sys.executable, job], stdout=subprocess.DEVNULL
    )
    seen: dict[int, float] = {}
    done = threading.Event()

    def poll() -> None:
        reader = Logdir(tmp)
        while not done.is_set():
            reader.refresh()
            run = reader.runs.get("lat")
            series = run.scalars.get("t") if run is not None else None
            if series is not None:
                now = time.time()
                for step, printed in zip(series.steps, series.values, strict=True):
                    seen.setdefault(int(step), (now % 1000 - float(printed)) % 1000)
            time.sleep(0.005)

    thread = threading.Thread(target=poll)
    thread.start()
    proc.wait()
    time.sleep(0.2)
    done.set()
    thread.join()
    # t is the job's clock modulo 1000 s: stored as float32 it keeps 0.1 ms resolution
    lat = sorted(seen.values())
    print(f"\nlatency, printed line -> on disk and readable ({len(lat)} lines):")
    print(
        f"  median {statistics.median(lat) * 1e3:.0f} ms, "
        f"p95 {lat[int(len(lat) * 0.95) - 1] * 1e3:.0f} ms, max {lat[-1] * 1e3:.0f} ms"
    )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 300_000
    with tempfile.TemporaryDirectory() as tmp:
        job = os.path.join(tmp, "job.py")
        with open(job, "w") as f:
            f.write(JOB)
        throughput(tmp, job, n, 0)
        throughput(tmp, job, 300_000, 100_000)
    with tempfile.TemporaryDirectory() as tmp:  # a logdir of its own: nothing else to read
        latency(tmp)


if __name__ == "__main__":
    main()
