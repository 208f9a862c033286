"""What system-metrics sampling costs: CPU time per sample, and the share of one core that is at
the default interval (the budget: under 1 %).

    python benchmarks/sysmetrics_cost.py [SAMPLES]

Measures ``SystemSampler.sample()`` (psutil host metrics, this process's tree, and every NVIDIA
GPU through NVML when there is one) as CPU time of this process (``time.process_time``), so
waiting on the kernel is not counted as work, then the same with the samples written by a
``SummaryWriter`` (what tbx-log --sys and system_metrics=True do).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time

from tbx_tui import SummaryWriter
from tbx_tui.writer.sysmetrics import DEFAULT_INTERVAL, SystemLogger, SystemSampler


def cpu_per_call(fn, n: int) -> float:
    fn()  # warm up (first rates, imports)
    t0 = time.process_time()
    for _ in range(n):
        fn()
    return (time.process_time() - t0) / n


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    sampler = SystemSampler(pid=os.getpid())
    per_sample = cpu_per_call(sampler.sample, n)
    with tempfile.TemporaryDirectory() as tmp:
        writer = SummaryWriter(os.path.join(tmp, "run"))
        log = SystemLogger(writer, SystemSampler(pid=os.getpid()))
        per_logged = cpu_per_call(log, n)
        writer.close()
    tags = len(sampler.sample())
    print(f"GPUs seen through NVML: {sampler.gpu_count}; tags per sample: {tags}")
    print(f"sample():             {per_sample * 1e3:.3f} ms CPU per sample")
    print(f"sample() + writing:   {per_logged * 1e3:.3f} ms CPU per sample")
    share = per_logged / DEFAULT_INTERVAL * 100
    print(f"at the default interval ({DEFAULT_INTERVAL:g} s): {share:.4f} % of one core")
    print(f"at 1 s:                       {per_logged * 100:.4f} % of one core")


if __name__ == "__main__":
    main()
