"""Screenshots of what tbx-log records, taken from the real app on a real tbx-log run: the Console
view (key 7) and the system metrics group.

Run: ``.venv/bin/python screenshots/make_tbxlog_shots.py`` (needs psutil: ``pip install
'tbx-tui[sys]'``). A small solver-like job prints key=value lines with units, JSON lines and a
warning on stderr while ``tbx-log --sys`` samples the machine every 0.2 s.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import textwrap

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from make_screenshots import shoot  # noqa: E402

JOB = textwrap.dedent(
    """
    import json, math, sys, time
    print("solver 1.4 -- grid 512x512, tolerance 1e-9")
    residual = 1.0
    for it in range(1, 61):
        residual *= 0.72 + 0.05 * math.sin(it)
        busy = time.time() + 0.02
        while time.time() < busy:
            pass
        print(f"iter={it} residual={residual:.3e} dt=12.{it % 10}ms cells=262,144", flush=True)
        if it % 15 == 0:
            print(json.dumps({"iter": it, "mesh": {"quality": 0.9 + it / 1000}}), flush=True)
        if it == 40:
            print("warning: CFL number 0.97 close to the limit", file=sys.stderr, flush=True)
    print("converged after 60 iterations")
    """
)


def main() -> None:
    logdir = tempfile.mkdtemp(prefix="tbx-log-shots-")
    job = os.path.join(logdir, "solver.py")
    with open(job, "w") as f:
        f.write(JOB)
    subprocess.run(
        [sys.executable, "-m", "tbx_tui.capture.cli", "-d", logdir, "-n", "solver", "--sys"]
        + ["--sys-interval", "0.2", "--", sys.executable, job],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    os.remove(job)
    asyncio.run(shoot(logdir, "tbxlog-console", (120, 32), keys=("7",), shown="runs/"))
    keys = ("tab", "slash", *"^sys/(cpu|mem|proc)", "enter")
    asyncio.run(shoot(logdir, "tbxlog-sys", (120, 32), keys=keys, shown="runs/"))


if __name__ == "__main__":
    main()
