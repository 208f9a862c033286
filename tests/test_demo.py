"""``tbx-top --demo``: its background job writes every kind of data the app shows, live."""

from __future__ import annotations

import asyncio
import time

import pytest

from tbx_tui.demo.job import TICK, DemoJob
from tbx_tui.read.logdir import Logdir
from tests.conftest import loaded, make_app, screen_text, wait_for

pytestmark = pytest.mark.app

RUNS = {"train/lr-3e-4", "train/lr-1e-3", "queue/mm1", "sampler/exponential", "sweep/best"}


def _complete(ld: Logdir) -> bool:
    ld.refresh()
    runs = ld.runs
    if not RUNS <= set(runs) or "sweep/trial-02" not in runs:
        return False
    train, sampler = runs["train/lr-1e-3"], runs["sampler/exponential"]
    return bool(
        train.histograms
        and train.texts
        and train.pr_curves
        and sampler.images
        and sampler.histograms
        and runs["sweep/trial-01"].hparams
    )


def test_demo_job_writes_every_kind_of_data(tmp_path):
    job = DemoJob(str(tmp_path), tick=0.005)
    job.start()
    try:
        ld = Logdir(str(tmp_path))
        deadline = time.monotonic() + 120  # a cap for slow machines, not a speed check
        while not _complete(ld) and time.monotonic() < deadline:
            time.sleep(0.2)
    finally:
        job.stop()
    assert _complete(ld)
    runs = ld.runs
    assert {"train/loss", "eval/accuracy"} <= set(runs["train/lr-1e-3"].scalars)
    assert "wait/mean" in runs["queue/mm1"].scalars
    trial = runs["sweep/trial-01"]
    assert set(trial.hparams) == {"lr", "weight_decay", "batch_size", "optimizer"}
    assert trial.hparam_metrics == ["hparam/accuracy", "hparam/loss"]
    assert "**step 100**" in runs["train/lr-1e-3"].texts["log/text_summary"][0].data
    assert all(run.warnings == 0 for run in runs.values())


def test_app_on_the_demo_fills_every_view(tmp_path):
    job = DemoJob(str(tmp_path), tick=0.005)
    job.start()
    try:
        ld = Logdir(str(tmp_path))
        deadline = time.monotonic() + 120
        while not _complete(ld) and time.monotonic() < deadline:
            time.sleep(0.2)
        # every kind is written: from here on the job goes at its own pace (``tbx-top --demo``'s),
        # still live, rather than 20x faster with the app re-reading and redrawing all the time
        job.tick = TICK

        async def go():
            app = make_app(tmp_path, display_name="demo", images="halfblock", clock=time.time)
            async with app.run_test(size=(160, 48)) as pilot:
                await loaded(pilot)
                for key, needle in (
                    ("5", "trial-01"),
                    ("6", "eval/pr"),
                    ("4", "step 100"),
                    ("3", "samples/figure"),
                    ("2", "waterfall"),
                ):
                    await pilot.press(key)
                    assert await wait_for(pilot, lambda n=needle: n in screen_text(app)), needle

        asyncio.run(go())
    finally:
        job.stop()


def test_demo_job_writes_its_first_step_at_once(tmp_path):
    """Each run's first step is written and handed to the OS before the first tick: with a
    tick of a minute, the reader finds step 1 of every live run long before that."""
    job = DemoJob(str(tmp_path), tick=60.0)
    job.start()
    live = RUNS - {"sweep/best"}
    try:
        ld = Logdir(str(tmp_path))
        deadline = time.monotonic() + 50  # under the tick: a second step cannot have come

        def first_steps() -> bool:
            ld.refresh()
            runs = ld.runs
            return all(name in runs and runs[name].scalars for name in live)

        while not first_steps() and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        job.stop()
    assert first_steps()
    for name in live:
        for series in ld.runs[name].scalars.values():
            assert list(series.steps) == [1]
