"""Logs written by Lightning's TensorBoardLogger read back: scalars, hparams, the run layout."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

L = pytest.importorskip("lightning")
torch = pytest.importorskip("torch")

from tbx_tui.read.logdir import Logdir  # noqa: E402

pytestmark = pytest.mark.oracle

ROOT = Path(__file__).resolve().parent.parent
STEPS = 6


class TinyModule(L.LightningModule):
    def __init__(self, lr: float = 0.05, hidden: int = 4, optimizer: str = "sgd") -> None:
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(3, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1)
        )

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self.net(x), y)
        self.log("train/loss", loss)
        self.log("train/step_idx", float(batch_idx))
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val/loss", torch.nn.functional.mse_loss(self.net(x), y))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)


def _loader() -> torch.utils.data.DataLoader:
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(STEPS * 4, 3, generator=gen)
    y = x.sum(dim=1, keepdim=True)
    return torch.utils.data.DataLoader(torch.utils.data.TensorDataset(x, y), batch_size=4)


@pytest.fixture(scope="module")
def lightning_logdir(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("lightning")
    from lightning.pytorch.loggers import TensorBoardLogger

    L.seed_everything(0, verbose=False)
    logger = TensorBoardLogger(str(root), name="tiny", default_hp_metric=True)
    trainer = L.Trainer(
        max_epochs=2,
        accelerator="cpu",
        devices=1,
        logger=logger,
        log_every_n_steps=1,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
    )
    trainer.fit(TinyModule(), _loader(), _loader())
    logger.log_hyperparams({"batch_size": 4, "note": "tiny"}, {"hp/final": 0.5})
    logger.finalize("success")
    return root


def test_lightning_scalars_and_hparams_read(lightning_logdir):
    ld = Logdir(str(lightning_logdir))
    ld.refresh()
    assert list(ld.runs) == ["tiny/version_0"]
    run = ld.runs["tiny/version_0"]
    assert run.warnings == 0
    loss = run.scalars["train/loss"]
    assert len(loss) == 2 * STEPS  # log_every_n_steps=1, two epochs
    assert list(loss.steps) == list(range(2 * STEPS))
    idx = run.scalars["train/step_idx"]
    assert list(idx.values) == [float(i % STEPS) for i in range(2 * STEPS)]
    assert len(run.scalars["val/loss"]) == 2  # once per epoch
    assert "epoch" in run.scalars
    # Lightning writes hparams with the torch/tensorboard hparams plugin
    assert run.hparams["lr"] == pytest.approx(0.05)
    assert run.hparams["hidden"] == 4
    assert run.hparams["optimizer"] == "sgd"
    # the second log_hyperparams call (a second event file in the same run) adds to the first
    assert run.hparams["note"] == "tiny"
    assert run.hparams["batch_size"] == 4
    assert set(run.hparam_metrics) == {"hp_metric", "hp/final"}
    assert list(run.scalars["hp_metric"].values) == [-1.0]  # Lightning's default_hp_metric
    assert list(run.scalars["hp/final"].values) == [0.5]


def test_lightning_logdir_once_json(lightning_logdir):
    env = {**os.environ, "NO_COLOR": "1"}
    proc = subprocess.run(
        [sys.executable, "-m", "tbx_tui.cli", str(lightning_logdir), "--once", "--json"],
        capture_output=True,
        env=env,
        cwd=ROOT,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    (run,) = json.loads(proc.stdout)["runs"]
    assert run["name"] == "tiny/version_0"
    assert run["scalars"]["train/loss"]["count"] == 2 * STEPS
    assert run["scalars"]["train/loss"]["last_step"] == 2 * STEPS - 1
    assert run["hparams"]["optimizer"] == "sgd"
