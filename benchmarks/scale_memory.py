"""Memory and load time on a big scalar logdir: the app and the headless modes.

    .venv/bin/python benchmarks/scale_memory.py              # 1M points (8 runs), made once
    .venv/bin/python benchmarks/scale_memory.py --full       # 10M points (80 runs), made once
    .venv/bin/python benchmarks/scale_memory.py --logdir DIR # any logdir

The logdir is the one ``benchmarks/make_scalar_logdir.py`` writes with tensorboardX (R runs x 5
tags x 25,000 steps), kept under ``$TMPDIR/tbx-scale-R`` for the next run. Each mode runs as its
own subprocess, one after the other, serial (``TBX_TOP_WORKERS=1``) and with ``--workers``
worker processes (default 2); its peak RSS comes from ``os.wait4`` (that child, or a worker it
reaped if one went higher) and its time from the parent's clock: for the app, from the start of
the process until the loader has read everything (``state.loaded`` and no progress left), run
headless with Textual's ``run_test``. Bytes per point is the store's own count
(``ScalarSeries.nbytes()``, capacity included, summed over every series, divided by the points)
after the same stepped read the app does. Floors (issue 13): <= 16 B a point, app < 250 MB and
<= 1.5x the time of ``--once --json``, ``--once --json`` < 200 MB, ``--export`` memory
independent of the logdir's size.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))


def make_logdir(runs: int) -> str:
    path = os.path.join(tempfile.gettempdir(), f"tbx-scale-{runs}")
    marker = os.path.join(path, ".complete")
    if not os.path.exists(marker):
        print(f"writing {runs} runs x 5 tags x 25,000 steps to {path} (once) ...", flush=True)
        script = os.path.join(HERE, "make_scalar_logdir.py")
        subprocess.run([sys.executable, script, path, "--runs", str(runs)], check=True)
        open(marker, "w").close()
    return path


def child_app(logdir: str) -> None:
    """Run the app headless until everything is read; say so on stdout the moment it is."""
    from tbx_tui.tui.app import create_app

    async def main() -> None:
        app = create_app(logdir, poll=3600)
        async with app.run_test(size=(160, 48)) as pilot:
            while not (app.state.loaded and app.state.progress is None):
                await pilot.pause(0.05)
            points = sum(r.points for r in app.state.runs.values())
            print(f"loaded {points}", flush=True)

    asyncio.run(main())


def measure(cmd: list[str], until: str | None = None, workers: int = 1) -> tuple[float, float, str]:
    """Run ``cmd`` with ``TBX_TOP_WORKERS=workers``; return (seconds, peak RSS in MB, its
    stdout's last line). With ``until``, the time is taken when a stdout line starts with it,
    else when the process ends. The peak is that of the process, or of a worker process it
    reaped if one went higher (``wait4``)."""
    env = dict(os.environ, TBX_TOP_WORKERS=str(workers))
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    seconds, last = 0.0, ""
    for line in proc.stdout:
        if until is not None and line.startswith(until) and not seconds:
            seconds = time.perf_counter() - t0
        last = line.strip() or last
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if not seconds:
        seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):  # 1: --check found something
        raise SystemExit(f"{cmd} failed with {proc.returncode}")
    return seconds, usage.ru_maxrss / 1024, last


def store_bytes_per_point(logdir: str) -> tuple[float, int, dict[str, int]]:
    """The store after the app's stepped read: bytes a point, points, and how many series hold
    each (steps, values) dtype pair."""
    from tbx_tui.read.logdir import Logdir

    ld = Logdir(logdir)
    ld.refresh(max_bytes=32 << 20)
    while not ld.complete:
        ld.refresh(max_bytes=32 << 20)
    total = points = 0
    kinds: dict[str, int] = {}
    for run in ld.runs.values():
        for series in run.scalars.values():
            total += series.nbytes()
            points += len(series)
            key = f"{series.steps.dtype}/{series.values.dtype}"
            kinds[key] = kinds.get(key, 0) + 1
    return total / max(points, 1), points, kinds


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--child-app":
        child_app(sys.argv[2])
        return
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--full", action="store_true", help="the 10M-point logdir (80 runs)")
    p.add_argument("--logdir", help="measure this logdir instead")
    p.add_argument("--workers", type=int, default=2, help="the parallel variant's workers")
    a = p.parse_args()
    logdir = a.logdir or make_logdir(80 if a.full else 8)
    size = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(logdir) for f in fs)
    print(f"logdir {logdir}: {size / 1e6:.0f} MB of event files")
    top = [sys.executable, "-m", "tbx_tui"]
    out = os.path.join(tempfile.gettempdir(), f"tbx-scale-export-{os.getpid()}.csv")
    rows = []
    times = {}
    try:
        for workers in (1, a.workers):
            label = "serial" if workers == 1 else f"{workers} workers"
            for name, args in [
                ("--once --json", ["--once", "--json"]),
                ("--export CSV", ["--export", out]),
                ("--check nan", ["--check", "nan"]),
            ]:
                t, rss, _ = measure(top + [logdir, *args], workers=workers)
                rows.append((f"{name}, {label}", t, rss))
                times[name, workers] = t
            app = [sys.executable, __file__, "--child-app", logdir]
            t, rss, last = measure(app, "loaded", workers)
            rows.append((f"app, everything loaded, {label}", t, rss))
            times["app", workers] = t
    finally:
        if os.path.exists(out):
            os.unlink(out)
    per_point, points, kinds = store_bytes_per_point(logdir)
    print(f"{points:,} scalar points ({last.split()[-1]} in the app)")
    for name, t, rss in rows:
        print(f"  {name:<42} {t:6.1f} s   peak RSS {rss:6.0f} MB")
    for workers in (1, a.workers):
        ratio = times["app", workers] / times["--once --json", workers]
        print(
            f"  app load time / --once --json time, {workers} worker(s): {ratio:.2f}x (floor 1.5x)"
        )
    print(f"  store: {per_point:.2f} bytes a point (capacity included); series by dtype {kinds}")


if __name__ == "__main__":
    main()
