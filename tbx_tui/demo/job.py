"""``tbx-top --demo``: a background job writing lively runs with our own SummaryWriter.

Four kinds of job, each in its own thread and run folder:

- ``train/lr-3e-4`` and ``train/lr-1e-3``: an ML-like training (loss, accuracy, learning rate,
  gradient norm with the odd spike), weight histograms every 20 steps, a precision-recall curve
  every 50 and a Markdown log line every 100;
- ``queue/mm1``: a non-ML job, an M/M/1 queue simulation (queue length, waiting time, utilisation);
- ``sampler/exponential``: exponential variates (running mean and variance vs their true values),
  with a histogram of the samples and a matplotlib figure now and then;
- ``sweep/trial-NN``: a hyperparameter sweep of 12 short trials, one every couple of seconds,
  each with its hyperparameters and final metrics (``add_hparams``); ``sweep/best`` the best so far.
"""

from __future__ import annotations

import math
import os
import threading
from collections.abc import Iterator

import numpy as np

from tbx_tui import SummaryWriter

TICK = 0.1  # seconds between steps
SWEEP_TRIALS = 12


class DemoJob:
    def __init__(self, logdir: str, tick: float = TICK, seed: int = 0) -> None:
        self.logdir = logdir
        self.tick = tick
        self.seed = seed
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        jobs = [
            (self._training, "train/lr-3e-4", 3e-4),
            (self._training, "train/lr-1e-3", 1e-3),
            (self._queue, "queue/mm1", 0.8),
            (self._sampler, "sampler/exponential", 2.0),
            (self._sweep, "sweep/best", 20),
        ]
        for i, (target, name, param) in enumerate(jobs):
            t = threading.Thread(
                target=self._guard,
                args=(target, os.path.join(self.logdir, name), param, self.seed + i),
                daemon=True,
                name=f"demo-{name}",
            )
            t.start()
            self._threads.append(t)

    def stop(self) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=5)

    def _guard(self, target, path: str, param: float, seed: int) -> None:
        with SummaryWriter(path, flush_secs=1) as writer:
            target(writer, param, np.random.default_rng(seed))

    def _sleep(self) -> bool:
        return not self._stop.wait(self.tick)

    def _steps(self) -> Iterator[int]:
        """1, 2, 3, ... one a tick until stopped; the first at once, so that the app has
        something to draw from its first read."""
        step = 1
        while True:
            yield step
            if not self._sleep():
                return
            step += 1

    @staticmethod
    def _flush_due(step: int) -> bool:
        """Every fifth step, and the first (handed to the OS at once, not a second later)."""
        return step == 1 or step % 5 == 0

    def _training(self, w: SummaryWriter, lr: float, rng: np.random.Generator) -> None:
        loss, acc = 2.5, 0.1
        weights = rng.normal(0, 1, 1000)
        for step in self._steps():
            rate = lr * (0.5 * (1 + math.cos(math.pi * min(step, 3000) / 3000)))
            loss = loss * (1 - rate * 8) + 0.02 * (0.3 - loss) * rate * 100
            noisy = loss + abs(rng.normal(0, 0.08 * loss + 0.01))
            acc = min(0.99, acc + (0.97 - acc) * rate * 6)
            w.add_scalar("train/loss", noisy, step)
            w.add_scalar("train/lr", rate, step)
            grad = abs(rng.normal(1.0, 0.2)) * (8 if rng.random() < 0.01 else 1)
            w.add_scalar("train/grad_norm", grad, step)
            if step % 10 == 0:
                w.add_scalar("eval/loss", loss + 0.05 + rng.normal(0, 0.02), step)
                w.add_scalar("eval/accuracy", acc + rng.normal(0, 0.01), step)
            if step % 20 == 0:
                weights = weights * 0.98 + rng.normal(0, 0.05, weights.shape)
                w.add_histogram("weights/layer1", weights, step)
            if step % 50 == 0:  # a classifier's scores get better as accuracy grows
                labels = rng.random(500) < 0.4
                margin = (2.0 * labels - 1.0) * 3.0 * acc + rng.normal(0, 1.5, 500)
                scores = 1.0 / (1.0 + np.exp(-margin))
                w.add_pr_curve("eval/pr", labels, scores, step)
            if step % 100 == 0:
                w.add_text(
                    "log",
                    f"**step {step}**: loss `{noisy:.4f}`, accuracy `{acc:.3f}`, lr `{rate:.2e}`",
                    step,
                )
            if self._flush_due(step):
                w.flush()

    def _sweep(self, w: SummaryWriter, pause: float, rng: np.random.Generator) -> None:
        """A random search over learning rate, weight decay and batch size: each trial is a
        run of its own with a short loss curve, its hparams and its final metrics."""
        best = 0.0
        for trial in range(1, SWEEP_TRIALS + 1):
            lr = float(10 ** rng.uniform(-4, -1.5))
            wd = float(rng.choice([0.0, 1e-4, 1e-3]))
            batch = int(rng.choice([32, 64, 128]))
            quality = (
                math.exp(-((math.log10(lr) + 2.7) ** 2)) * (1 - 80 * wd) * (0.9 + batch / 1280)
            )
            path = os.path.join(self.logdir, "sweep", f"trial-{trial:02d}")
            with SummaryWriter(path, flush_secs=1) as t:
                loss = 2.3
                for step in range(1, 31):
                    loss = loss * (1 - 0.12 * quality) + abs(rng.normal(0, 0.02))
                    t.add_scalar("trial/loss", loss, step)
                accuracy = min(0.99, 0.1 + 0.88 * quality + rng.normal(0, 0.01))
                t.add_hparams(
                    {"lr": lr, "weight_decay": wd, "batch_size": batch, "optimizer": "sgd"},
                    {"hparam/accuracy": accuracy, "hparam/loss": loss},
                    name=".",
                )
            best = max(best, accuracy)
            w.add_scalar("sweep/best_accuracy", best, trial)
            w.flush()
            for _ in range(int(pause)):  # a new trial every ``pause`` ticks
                if not self._sleep():
                    return

    def _queue(self, w: SummaryWriter, load: float, rng: np.random.Generator) -> None:
        clock, queue, busy = 0.0, 0, 0.0
        next_arrival = rng.exponential(1 / load)
        next_departure = math.inf
        waits: list[float] = []
        arrivals: list[float] = []
        for step in self._steps():
            for _ in range(50):  # 50 events per step
                if next_arrival < next_departure:
                    busy += (next_arrival - clock) * (queue > 0)
                    clock = next_arrival
                    queue += 1
                    arrivals.append(clock)
                    next_arrival = clock + rng.exponential(1 / load)
                    if queue == 1:
                        next_departure = clock + rng.exponential(1.0)
                else:
                    busy += next_departure - clock
                    clock = next_departure
                    queue -= 1
                    waits.append(clock - arrivals.pop(0))
                    next_departure = clock + rng.exponential(1.0) if queue else math.inf
            w.add_scalar("queue/length", queue, step)
            w.add_scalar("queue/utilisation", busy / clock, step)
            if waits:
                w.add_scalar("wait/mean", float(np.mean(waits[-200:])), step)
                w.add_scalar("wait/theory", 1 / (1 - load), step)  # M/M/1: time in system
            if self._flush_due(step):
                w.flush()

    def _sampler(self, w: SummaryWriter, scale: float, rng: np.random.Generator) -> None:
        n, mean, m2 = 0, 0.0, 0.0
        samples: list[np.ndarray] = []
        for step in self._steps():
            batch = rng.exponential(scale, 100)
            samples.append(batch)
            for x in batch:  # Welford
                n += 1
                d = x - mean
                mean += d / n
                m2 += d * (x - mean)
            w.add_scalar("estimate/mean", mean, step)
            w.add_scalar("estimate/variance", m2 / max(1, n - 1), step)
            w.add_scalar("estimate/max", float(batch.max()), step)
            if step % 10 == 0:
                w.add_histogram("samples", np.concatenate(samples[-10:]), step)
            if step % 50 == 0:
                self._figure(w, np.concatenate(samples), step)
            if self._flush_due(step):
                w.flush()

    def _figure(self, w: SummaryWriter, data: np.ndarray, step: int) -> None:
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:  # pragma: no cover
            return
        fig, ax = plt.subplots(figsize=(4, 3))
        ax.hist(data, bins=40, density=True, alpha=0.7)
        xs = np.linspace(0, data.max(), 200)
        ax.plot(xs, np.exp(-xs / 2.0) / 2.0)
        ax.set_title(f"{len(data)} exponential samples")
        w.add_figure("samples/figure", fig, step)
