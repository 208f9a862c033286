"""Write the 1M-point scalar logdir the reader benchmarks use, with tensorboardX itself.

8 runs x 5 tags x 25,000 steps, one event per point, exactly as tensorboardX's add_scalar writes
them. Usage: python benchmarks/make_scalar_logdir.py OUTDIR [--runs 8 --tags 5 --steps 25000]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import sys
from multiprocessing import Pool

TAGS = ["train/loss", "train/accuracy", "eval/loss", "eval/accuracy", "lr"]


def write_run(job: tuple[str, int, int, int]) -> str:
    from tensorboardX import SummaryWriter

    path, run_index, n_tags, n_steps = job
    rng = random.Random(run_index)
    w = SummaryWriter(path, max_queue=1000, flush_secs=3600)
    tags = (TAGS * (1 + n_tags // len(TAGS)))[:n_tags]
    tags = [t if i < len(TAGS) else f"{t}_{i}" for i, t in enumerate(tags)]
    for step in range(n_steps):
        base = math.exp(-step / (n_steps / 4))
        for i, tag in enumerate(tags):
            w.add_scalar(tag, base * (i + 1) + rng.gauss(0, 0.05), step)
    w.close()
    return path


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("outdir")
    p.add_argument("--runs", type=int, default=8)
    p.add_argument("--tags", type=int, default=5)
    p.add_argument("--steps", type=int, default=25_000)
    a = p.parse_args()
    jobs = [(os.path.join(a.outdir, f"run{r:02d}"), r, a.tags, a.steps) for r in range(a.runs)]
    with Pool(min(len(jobs), os.cpu_count() or 1)) as pool:
        for path in pool.imap_unordered(write_run, jobs):
            print("wrote", path, file=sys.stderr)


if __name__ == "__main__":
    main()
