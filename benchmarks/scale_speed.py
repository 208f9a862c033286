"""Reading a big logdir with every core, newest runs first (issue 13, item 2): a benchmark.

Builds (once; reused when DIR exists) the scalar logdir of ``make_scalar_logdir.py``: by default
80 runs x 5 tags x 25,000 steps, 10M points, about 465 MB. Then, side by side in each round, every
measurement in a fresh process:

1. a full load with ``Logdir.refresh()``: serial (1 worker) against worker processes (the
   default: one per CPU), and the worker stage alone with a pool of 1 and of 2 processes (how it
   scales with cores; a pool of 1 also shows what shipping runs between processes costs); and
   the stream the headless modes read (``Logdir.each_run()``, summarized as ``--once`` does),
   serial and with workers, with the CPU seconds of the process the runs are handed to;
2. the headless modes, serial (``TBX_TOP_WORKERS=1``) and parallel: ``tbx-top --once --json``,
   ``--export FILE.csv`` and ``--check nan`` (they stream the runs in name order; in parallel,
   worker processes read ahead);
3. the app (``tbx-top DIR`` in tmux, 160x48, the pane polled like ``tui_speed.py`` does): time to
   the first chart (braille dots on screen) and until everything is loaded (the status line
   counts every point), serial and parallel.

With ``--baseline REV`` (a git revision, e.g. ``main``), 2. and 3. also run that revision's
tbx-top (``git archive`` into a temporary folder), side by side.

Usage: python benchmarks/scale_speed.py [--logdir DIR] [--runs 80 --tags 5 --steps 25000]
[--rounds 1] [--baseline REV]. ``TBX_TOP_WORKERS`` picks serial (1) or parallel reading.
"""

from __future__ import annotations

import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, ".."))
sys.path.insert(0, HERE)

BIN = os.path.dirname(sys.executable)


def build(root: str, runs: int, tags: int, steps: int) -> None:
    if os.path.isdir(root) and os.listdir(root):
        print(f"reusing {root}")
        return
    t = time.perf_counter()
    subprocess.run(
        [sys.executable, os.path.join(HERE, "make_scalar_logdir.py"), root]
        + ["--runs", str(runs), "--tags", str(tags), "--steps", str(steps)],
        check=True,
        stderr=subprocess.DEVNULL,
    )
    print(f"wrote {root} in {time.perf_counter() - t:.0f} s")


def timed_read(root: str, name: str, files: list) -> tuple[int, float, int]:
    """A worker job: one run read as the Logdir's workers read it; its points, the CPU seconds
    it took and the worker's pid."""
    from tbx_tui.read.logdir import read_new_run

    cpu = time.process_time()
    state, _ = read_new_run(root, name, files)
    return state.run.point_count(), time.process_time() - cpu, os.getpid()


def child(kind: str, workers: int, root: str) -> None:
    """In a fresh process: one timed load; prints wall seconds, CPU seconds on the busiest
    process (this one when serial, the busiest worker for a pool) and the points read."""
    import scale_speed  # the jobs must be importable by the workers: not from __main__

    from tbx_tui.read.logdir import Logdir
    from tbx_tui.read.parallel import Pool
    from tbx_tui.read.runnames import is_event_file
    from tbx_tui.storage.files import open_storage

    t, cpu = time.perf_counter(), time.process_time()
    if kind == "load":
        ld = Logdir(root, workers=workers)
        ld.refresh()
        points = sum(run.point_count() for run in ld.runs.values())
        busiest = time.process_time() - cpu
    elif kind == "stream":  # what --once --json does: runs streamed in name order, summarized
        from tbx_tui.headless.summary_stats import collect

        reports = collect(Logdir(root, workers=workers).each_run())
        points = sum(len(s) for r in reports for s in r.every_scalar.values())
        busiest = time.process_time() - cpu  # this process (the workers read ahead)
    else:  # the worker stage alone: every run read by a pool of ``workers`` processes
        storage = open_storage(root)
        found = storage.scan(is_event_file).folders
        job = scale_speed.timed_read
        jobs = [(n or ".", job, (storage.root, n or ".", fs)) for n, fs in found.items()]
        pool = Pool(workers, jobs)
        points, per_worker = 0, {}
        while pool.pending:
            for _, future in pool.next_finished():
                n, seconds, pid = future.result()
                points += n
                per_worker[pid] = per_worker.get(pid, 0.0) + seconds
        pool.close()
        busiest = max(per_worker.values())
    print(f"{time.perf_counter() - t:.3f} {busiest:.3f} {points}")


def measure(kind: str, workers: int, root: str) -> tuple[float, float]:
    out = subprocess.run(
        [sys.executable, __file__, "--child", kind, str(workers), root],
        capture_output=True,
        text=True,
        check=True,
    )
    wall, cpu, _ = out.stdout.split()
    return float(wall), float(cpu)


def export(rev: str, scratch: str) -> str:
    """The tree of git revision ``rev`` in a folder of its own."""
    dest = os.path.join(scratch, "baseline")
    os.makedirs(dest)
    archive = subprocess.run(
        ["git", "-C", HERE, "archive", rev], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", dest], input=archive, check=True)
    return dest


def tbx_top(workers: int, args: list[str], source: str | None = None) -> list[str]:
    """The command line of tbx-top: this tree's, or (``source``) another tree's, run from /
    with that tree first on the path."""
    if source is None:
        return ["env", f"TBX_TOP_WORKERS={workers}", os.path.join(BIN, "tbx-top"), *args]
    line = shlex.join(["env", f"PYTHONPATH={source}", sys.executable, "-m", "tbx_tui", *args])
    return ["sh", "-c", f"cd / && exec {line}"]


def once_json(workers: int, root: str, source: str | None = None) -> float:
    return headless(workers, [root, "--once", "--json"], source)


def headless(workers: int, args: list[str], source: str | None = None) -> float:
    """Seconds a headless tbx-top takes, start to exit (exit status 1 allowed: --check)."""
    t = time.perf_counter()
    proc = subprocess.run(tbx_top(workers, args, source), stdout=subprocess.DEVNULL)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"tbx-top {args} failed with {proc.returncode}")
    return time.perf_counter() - t


def app_times(
    tmux, workers: int, root: str, points: int, source: str | None = None
) -> dict[str, float]:
    from tui_speed import has_chart

    everything = f"{points:,} pts"
    marks = {
        "first chart": has_chart,
        "all loaded": lambda s: everything in s and "reading" not in s,
    }
    return tmux.timeline(tbx_top(workers, [root], source), marks, timeout=180.0)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--logdir", default=None, help="built here when missing (default: a temp dir)")
    p.add_argument("--runs", type=int, default=80)
    p.add_argument("--tags", type=int, default=5)
    p.add_argument("--steps", type=int, default=25_000)
    p.add_argument("--rounds", type=int, default=1)
    p.add_argument("--baseline", default=None, help="also time this git revision's tbx-top")
    p.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    a = p.parse_args()
    if a.child:
        child(a.child[0], int(a.child[1]), a.child[2])
        return
    from tui_speed import Tmux

    from tbx_tui.read.parallel import default_workers

    cores = default_workers()
    with tempfile.TemporaryDirectory() as scratch:
        root = a.logdir or os.path.join(scratch, "logdir")
        build(root, a.runs, a.tags, a.steps)
        baseline = export(a.baseline, scratch) if a.baseline else None
        size = sum(e.stat().st_size for d in os.scandir(root) for e in os.scandir(d.path))
        points = a.runs * a.tags * a.steps
        print(
            f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}"
            f"; {a.runs} runs x {a.tags} tags x {a.steps:,} steps = {points:,} points, "
            f"{size / 1e6:.0f} MB; parallel = {cores} workers"
        )
        results: dict[str, list[float]] = {}

        def note(key: str, seconds: float) -> None:
            results.setdefault(key, []).append(seconds)

        tmux = Tmux()
        try:
            for _ in range(a.rounds):  # interleaved: every variant sees the same machine load
                for key, kind, workers in (
                    ("load serial", "load", 1),
                    ("load parallel", "load", cores),
                    ("pool 1", "pool", 1),
                    ("pool 2", "pool", 2),
                    ("stream serial", "stream", 1),
                    ("stream parallel", "stream", cores),
                ):
                    wall, cpu = measure(kind, workers, root)
                    note(key, wall)
                    note(f"{key} cpu", cpu)
                note("once serial", once_json(1, root))
                note("once parallel", once_json(cores, root))
                csv = os.path.join(scratch, "export.csv")
                note("export serial", headless(1, [root, "--export", csv]))
                note("export parallel", headless(cores, [root, "--export", csv]))
                note("check serial", headless(1, [root, "--check", "nan"]))
                note("check parallel", headless(cores, [root, "--check", "nan"]))
                if baseline:
                    note("once baseline", once_json(1, root, baseline))
                variants = [(1, "serial", None), (cores, "parallel", None)]
                if baseline:
                    variants.append((1, "baseline", baseline))
                for workers, label, source in variants:
                    for mark, seconds in app_times(tmux, workers, root, points, source).items():
                        note(f"app {mark} {label}", seconds)
        finally:
            tmux.close()
    med = {k: statistics.median(v) for k, v in results.items()}
    print(f"load average now {os.getloadavg()[0]:.1f}; medians of {a.rounds} round(s):")
    print(
        f"1. full load: serial {med['load serial']:.2f} s, {cores} workers "
        f"{med['load parallel']:.2f} s: {med['load serial'] / med['load parallel']:.2f}x\n"
        f"   worker stage: pool of 1 {med['pool 1']:.2f} s, pool of 2 {med['pool 2']:.2f} s: "
        f"{med['pool 1'] / med['pool 2']:.2f}x; shipping runs between processes costs "
        f"{med['pool 1'] / med['load serial'] - 1:+.0%} against the serial load\n"
        f"   CPU seconds on the busiest process: serial {med['load serial cpu']:.2f}, pool of 1 "
        f"{med['pool 1 cpu']:.2f}, pool of 2 {med['pool 2 cpu']:.2f}: on idle cores the worker "
        f"stage scales {med['pool 1 cpu'] / med['pool 2 cpu']:.2f}x from 1 to 2 workers"
    )
    print(
        f"2. tbx-top --once --json: serial {med['once serial']:.2f} s, parallel "
        f"{med['once parallel']:.2f} s: {med['once serial'] / med['once parallel']:.2f}x"
        + (f"; {a.baseline}: {med['once baseline']:.2f} s" if a.baseline else "")
    )
    print(
        f"   streamed as the headless modes read (Logdir.each_run + summaries): serial "
        f"{med['stream serial']:.2f} s, {cores} workers {med['stream parallel']:.2f} s; CPU "
        f"seconds in the reading process: serial {med['stream serial cpu']:.2f}, with workers "
        f"{med['stream parallel cpu']:.2f} (the workers read, as the pool of 2 above)"
    )
    for mode in ("export", "check"):
        print(
            f"   tbx-top --{mode}: serial {med[f'{mode} serial']:.2f} s, parallel "
            f"{med[f'{mode} parallel']:.2f} s: "
            f"{med[f'{mode} serial'] / med[f'{mode} parallel']:.2f}x"
        )
    for label in ("serial", "parallel", "baseline") if a.baseline else ("serial", "parallel"):
        print(
            f"3. app ({label}): first chart {med[f'app first chart {label}']:.2f} s, "
            f"everything loaded {med[f'app all loaded {label}']:.2f} s"
        )
    for key, values in results.items():
        print(f"   {key:26} " + " ".join(f"{v:.2f}" for v in values))


if __name__ == "__main__":
    main()
