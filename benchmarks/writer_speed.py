"""Writer speed, side by side: tensorboardX, torch.utils.tensorboard (if installed) and tbx_tui.

Each workload is N ``add_*`` calls plus ``close()``, timed together (best of ``--repeat``), into a
fresh logdir; afterwards every point is read back with tbx_tui's reader and counted.

    python benchmarks/writer_speed.py            # 100,000 scalars, 2,000 histograms, 1,000 images
    python benchmarks/writer_speed.py --quick    # a tenth of that
"""

from __future__ import annotations

import argparse
import logging
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np

from tbx_tui.read.logdir import Logdir


def writers() -> dict:
    found = {}
    try:
        import tensorboardX

        found["tensorboardX " + tensorboardX.__version__] = tensorboardX.SummaryWriter
    except ImportError:
        pass
    try:
        import torch
        from torch.utils.tensorboard import SummaryWriter as TorchWriter

        found["torch " + torch.__version__.split("+")[0]] = TorchWriter
    except ImportError:
        pass
    import tbx_tui

    found["tbx_tui " + tbx_tui.__version__] = tbx_tui.SummaryWriter
    return found


def run_scalars(writer_cls, logdir: str, n: int) -> None:
    w = writer_cls(logdir)
    add = w.add_scalar
    for i in range(n):
        add("loss", i * 0.001, i)
    w.close()


def run_histograms(writer_cls, logdir: str, n: int, data: list[np.ndarray]) -> None:
    w = writer_cls(logdir)
    for i in range(n):
        w.add_histogram("weights", data[i % len(data)], i)
    w.close()


def run_images(writer_cls, logdir: str, n: int, data: list[np.ndarray]) -> None:
    w = writer_cls(logdir)
    for i in range(n):
        w.add_image("sample", data[i % len(data)], i)
    w.close()


def count(logdir: str, kind: str, tag: str) -> int:
    ld = Logdir(logdir)
    ld.refresh()
    total = 0
    for run in ld.runs.values():
        if kind == "scalars":
            total += len(run.scalars[tag].steps) if tag in run.scalars else 0
        else:
            total += len(getattr(run, kind).get(tag, []))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the calls")
    parser.add_argument("--repeat", type=int, default=3, help="best of this many runs")
    args = parser.parse_args()
    logging.getLogger("tensorboardX").setLevel(logging.ERROR)
    scale = 10 if args.quick else 1
    rng = np.random.default_rng(0)
    hist_data = [rng.normal(size=1000).astype(np.float32) for _ in range(16)]
    img_data = [rng.random((3, 64, 64), dtype=np.float32) for _ in range(16)]
    workloads = [
        ("add_scalar", 100_000 // scale, "scalars", "loss", run_scalars, ()),
        (
            "add_histogram 1000 values",
            2_000 // scale,
            "histograms",
            "weights",
            run_histograms,
            (hist_data,),
        ),
        ("add_image 64x64 RGB", 1_000 // scale, "images", "sample", run_images, (img_data,)),
    ]
    impls = writers()
    ours = next(name for name in impls if name.startswith("tbx_tui"))
    base = Path(tempfile.mkdtemp(prefix="writer_speed_"))
    results: dict[tuple[str, str], float] = {}
    try:
        for label, n, kind, tag, fn, extra in workloads:
            for name, cls in impls.items():
                best = float("inf")
                for r in range(args.repeat):
                    logdir = str(base / f"{label.split()[0]}-{name.split()[0]}-{r}")
                    t0 = time.perf_counter()
                    fn(cls, logdir, n, *extra)
                    best = min(best, time.perf_counter() - t0)
                    got = count(logdir, kind, tag)
                    if got != n:
                        raise SystemExit(f"{name} {label}: wrote {n}, read back {got}")
                    shutil.rmtree(logdir)
                results[(label, name)] = best
                print(f"  {label:<27} {name:<22} {n:>7} calls {best:8.3f} s", flush=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    print()
    print(f"| workload | writer | calls/s | {ours.split()[0]} speed-up |")
    print("|---|---|---:|---:|")
    for label, n, *_ in workloads:
        for name in impls:
            rate = n / results[(label, name)]
            ratio = results[(label, name)] / results[(label, ours)]
            print(f"| {label} | {name} | {rate:,.0f} | {ratio:.1f}x |")
    print("\nall points read back with tbx_tui.read.logdir.Logdir")


if __name__ == "__main__":
    main()
