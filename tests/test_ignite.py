"""pytorch-ignite's TensorboardLogger (which prefers tensorboardX) with tbx_tui aliased as
tensorboardX: TensorBoard's loader reads the same runs, tags, steps, values and histograms as from
real tensorboardX."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("ignite")
pytest.importorskip("torch")
pytest.importorskip("tensorboardX")
pytest.importorskip("tensorboard")

pytestmark = pytest.mark.oracle

ROOT = Path(__file__).resolve().parent.parent

IGNITE_JOB = """
import sys
writer, root = sys.argv[1], sys.argv[2]
if writer == "tbx_tui":
    import tbx_tui
    sys.modules["tensorboardX"] = tbx_tui
import torch
from ignite.engine import Engine, Events
from ignite.handlers.tensorboard_logger import (
    GradsScalarHandler, TensorboardLogger, WeightsHistHandler,
)

torch.manual_seed(0)
model = torch.nn.Linear(3, 1)
opt = torch.optim.SGD(model.parameters(), lr=0.1)
x = torch.randn(16, 3)
y = x.sum(1, keepdim=True)

def step(engine, batch):
    opt.zero_grad()
    loss = torch.nn.functional.mse_loss(model(x), y)
    loss.backward()
    opt.step()
    return loss.item()

trainer = Engine(step)
tb = TensorboardLogger(log_dir=root)
tb.attach_output_handler(
    trainer, event_name=Events.ITERATION_COMPLETED, tag="training",
    output_transform=lambda loss: {"loss": loss},
)
tb.attach_opt_params_handler(trainer, event_name=Events.ITERATION_STARTED, optimizer=opt)
tb.attach(trainer, log_handler=WeightsHistHandler(model), event_name=Events.EPOCH_COMPLETED)
tb.attach(trainer, log_handler=GradsScalarHandler(model), event_name=Events.ITERATION_COMPLETED)
trainer.run(range(4), max_epochs=3)
tb.close()
print("writer module:", type(tb.writer).__module__)
"""


def test_ignite_with_tbx_tui_as_tensorboardx_reads_like_tensorboardx(tmp_path):
    from tests.test_writer_compat import load

    loaded = {}
    for writer in ("tensorboardX", "tbx_tui"):
        proc = subprocess.run(
            [sys.executable, "-c", IGNITE_JOB, writer, str(tmp_path / writer)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        module = "tbx_tui.writer" if writer == "tbx_tui" else "tensorboardX.writer"
        assert f"writer module: {module}" in proc.stdout
        loaded[writer] = load(str(tmp_path / writer))
    theirs, ours = loaded["tensorboardX"], loaded["tbx_tui"]
    assert sorted(ours) == sorted(theirs) == ["."]
    mine, ref = ours["."], theirs["."]
    assert mine["tags"] == ref["tags"]
    for kind in ("scalars", "histograms", "metadata"):
        assert mine[kind].keys() == ref[kind].keys(), kind
        for tag in ref[kind]:
            assert repr(mine[kind][tag]) == repr(ref[kind][tag]), f"{kind} {tag}"
    assert len(mine["scalars"]["training/loss"]) == 12  # 4 iterations x 3 epochs
    assert len(mine["histograms"]["weights/weight"]) == 3
