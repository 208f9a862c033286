"""How much logging slows a GPU training loop (run it on a machine with CUDA).

A small MLP training step (about 2 ms on an H100/H200; ``--width`` and ``--batch`` change it)
runs ``--steps`` times per case, cases interleaved over ``--rounds`` and the median kept:

* baseline: no logging
* tensorboardX: 5 scalars per step, each ``.item()`` (what its users write)
* torch.utils.tensorboard: 1 scalar per step with ``.item()``
* tbx_tui: 5 scalars per step, tensors passed as they are (read on the writer's thread)
* tensorboardX / tbx_tui: a histogram of a 1M-element weight every 100 steps

    python benchmarks/gpu_logging_overhead.py
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time

try:
    import torch
except ImportError:
    sys.exit("needs torch with CUDA")


def make_model(width: int, device: str):
    model = torch.nn.Sequential(
        torch.nn.Linear(width, width),
        torch.nn.ReLU(),
        torch.nn.Linear(width, width),
        torch.nn.ReLU(),
        torch.nn.Linear(width, 1),
    ).to(device)
    return model, torch.optim.SGD(model.parameters(), lr=1e-3)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--width", type=int, default=4096)
    parser.add_argument("--batch", type=int, default=1024)
    args = parser.parse_args()
    if not torch.cuda.is_available():
        sys.exit("needs a CUDA device")
    device = "cuda"
    torch.manual_seed(0)
    model, opt = make_model(args.width, device)
    x = torch.randn(args.batch, args.width, device=device)
    y = torch.randn(args.batch, 1, device=device)
    big = model[0].weight  # width*width elements (16.8M at 4096); use a 1M slice
    weights = big.view(-1)[: 1 << 20]

    def step():
        opt.zero_grad(set_to_none=True)
        out = model(x)
        loss = torch.nn.functional.mse_loss(out, y)
        loss.backward()
        opt.step()
        return loss, out

    def metrics(loss, out):
        return loss, out.mean(), out.std(), out.max(), model[0].weight.grad.norm()

    import tensorboardX
    from torch.utils.tensorboard import SummaryWriter as TorchWriter

    import tbx_tui

    def case_baseline(w, i):
        step()

    def case_tbx_items(w, i):
        loss, out = step()
        for k, m in enumerate(metrics(loss, out)):
            w.add_scalar(f"m{k}", m.item(), i)

    def case_torch_item(w, i):
        loss, _ = step()
        w.add_scalar("loss", loss.item(), i)

    def case_ours_tensors(w, i):
        loss, out = step()
        for k, m in enumerate(metrics(loss, out)):
            w.add_scalar(f"m{k}", m, i)

    def case_hist(w, i):
        step()
        if i % 100 == 0:
            w.add_histogram("weights", weights, i)

    cases = [
        ("baseline (no logging)", None, case_baseline),
        ("tensorboardX, 5 x .item() per step", tensorboardX.SummaryWriter, case_tbx_items),
        ("torch writer, 1 x .item() per step", TorchWriter, case_torch_item),
        ("tbx_tui, 5 tensors per step", tbx_tui.SummaryWriter, case_ours_tensors),
        ("tensorboardX, 1M histogram / 100 steps", tensorboardX.SummaryWriter, case_hist),
        ("tbx_tui, 1M histogram / 100 steps", tbx_tui.SummaryWriter, case_hist),
    ]
    for _ in range(50):  # warm up kernels and the allocator
        step()
    torch.cuda.synchronize()
    times: dict[str, list[float]] = {name: [] for name, *_ in cases}
    for r in range(args.rounds):
        for name, cls, fn in cases:
            with tempfile.TemporaryDirectory() as d:
                w = cls(d) if cls else None
                torch.cuda.synchronize()
                t0 = time.perf_counter()
                for i in range(args.steps):
                    fn(w, i)
                torch.cuda.synchronize()
                elapsed = time.perf_counter() - t0  # the loop, not the final close
                if w is not None:
                    w.close()
            times[name].append(elapsed)
            print(f"  round {r} {name:<42} {elapsed / args.steps * 1e3:7.3f} ms/step", flush=True)
    base = statistics.median(times[cases[0][0]])
    print(f"\n{torch.cuda.get_device_name()}: {base / args.steps * 1e3:.3f} ms per step baseline")
    print("| case | ms/step | slowdown |\n|---|---:|---:|")
    for name, *_ in cases:
        t = statistics.median(times[name])
        print(f"| {name} | {t / args.steps * 1e3:.3f} | {100 * (t / base - 1):+.1f}% |")


if __name__ == "__main__":
    main()
