"""Logs written by Lightning's TensorBoardLogger read back: scalars, hparams, the run layout; and
tbx_tui standing in for tensorboardX under Lightning (fit, validate, test, log_hyperparams), read
by TensorBoard's own loader exactly as real tensorboardX's files are."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

L = pytest.importorskip("lightning")
torch = pytest.importorskip("torch")
pytest.importorskip("tensorboardX")
pytest.importorskip("tensorboard")

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


# -- tbx_tui as tensorboardX under Lightning --------------------------------------------------

LIGHTNING_JOB = """
import sys, time
writer, root = sys.argv[1], sys.argv[2]
# tensorboardX names a reopened file by the second and host only and opens it with "wb": a
# reopen within the same second truncates the file before it (validate's points vanish under
# test's). Wait between stages there, so that the comparison is with what it means to write.
def between_stages():
    if writer == "tensorboardX":
        time.sleep(1.1)
if writer == "tbx_tui":
    import tbx_tui
    sys.modules["tensorboardX"] = tbx_tui  # how a framework picks up a stand-in
import lightning.fabric.loggers.tensorboard as fabric_tensorboard
# Lightning prefers torch's writer when the tensorboard package is importable; take the
# tensorboardX path, as on a machine without tensorboard. (log_graph still traces with torch.)
fabric_tensorboard._TENSORBOARD_AVAILABLE = False
import lightning as L
import torch
from lightning.pytorch.loggers import TensorBoardLogger

class Tiny(L.LightningModule):
    def __init__(self, lr=0.05, hidden=4):
        super().__init__()
        self.save_hyperparameters()
        self.net = torch.nn.Sequential(
            torch.nn.Linear(3, hidden), torch.nn.ReLU(), torch.nn.Linear(hidden, 1)
        )
        self.example_input_array = torch.zeros(2, 3)

    def forward(self, x):
        return self.net(x)

    def training_step(self, batch, batch_idx):
        x, y = batch
        loss = torch.nn.functional.mse_loss(self(x), y)
        self.log("train/loss", loss)
        if batch_idx == 0:
            exp = self.logger.experiment
            exp.add_histogram("weights/first", self.net[0].weight, self.global_step)
            exp.add_text("note", f"epoch {self.current_epoch}", self.global_step)
        return loss

    def validation_step(self, batch, batch_idx):
        x, y = batch
        self.log("val/loss", torch.nn.functional.mse_loss(self(x), y))

    def test_step(self, batch, batch_idx):
        x, y = batch
        self.log("test/loss", torch.nn.functional.mse_loss(self(x), y))

    def configure_optimizers(self):
        return torch.optim.SGD(self.parameters(), lr=self.hparams.lr)

def loader():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(16, 3, generator=gen)
    return torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(x, x.sum(dim=1, keepdim=True)), batch_size=4
    )

L.seed_everything(0, verbose=False)
logger = TensorBoardLogger(root, name="tiny", default_hp_metric=True, log_graph=True)
trainer = L.Trainer(
    max_epochs=2, accelerator="cpu", devices=1, logger=logger, log_every_n_steps=1,
    enable_checkpointing=False, enable_progress_bar=False, enable_model_summary=False,
)
model = Tiny()
trainer.fit(model, loader(), loader())
between_stages()
trainer.validate(model, loader(), verbose=False)  # after fit's finalize() closed the writer
between_stages()
trainer.test(model, loader(), verbose=False)
between_stages()
logger.log_hyperparams({"batch_size": 4, "note": "tiny"}, {"hp/final": 0.5})
logger.finalize("success")
print("writer module:", type(logger.experiment).__module__)
"""


@pytest.fixture(scope="module")
def lightning_pair(tmp_path_factory) -> dict[str, Path]:
    """The same Lightning job logged through real tensorboardX and through tbx_tui."""
    roots = {}
    for writer in ("tensorboardX", "tbx_tui"):
        root = tmp_path_factory.mktemp(f"lightning-{writer}")
        proc = subprocess.run(
            [sys.executable, "-c", LIGHTNING_JOB, writer, str(root)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=300,
        )
        assert proc.returncode == 0, proc.stderr[-3000:]
        expected = "tbx_tui.writer" if writer == "tbx_tui" else "tensorboardX.writer"
        assert f"writer module: {expected}" in proc.stdout
        roots[writer] = root
    return roots


def _files_per_run(root: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for path in root.rglob("*tfevents*"):
        run = str(path.parent.relative_to(root))
        counts[run] = counts.get(run, 0) + 1
    return counts


def _hparams_as_dicts(data: dict) -> dict:
    """hparams plugin contents parsed (a protobuf map's order on the wire is arbitrary)."""
    from google.protobuf.json_format import MessageToDict
    from tensorboard.plugins.hparams import plugin_data_pb2

    for tag, (plugin, content, *rest) in list(data["metadata"].items()):
        if plugin == "hparams":
            parsed = MessageToDict(plugin_data_pb2.HParamsPluginData.FromString(content))
            data["metadata"][tag] = (plugin, json.dumps(parsed, sort_keys=True), *rest)
    return data


def test_lightning_with_tbx_tui_as_tensorboardx_reads_like_tensorboardx(lightning_pair):
    from tests.test_writer_compat import load

    theirs, ours = load(str(lightning_pair["tensorboardX"])), load(str(lightning_pair["tbx_tui"]))
    for data in (*theirs.values(), *ours.values()):
        _hparams_as_dicts(data)
    assert sorted(ours) == sorted(theirs) == ["tiny/version_0"]
    # fit, then validate and test after finalize() closed the writer: both reopen, new files
    assert _files_per_run(lightning_pair["tbx_tui"]) == _files_per_run(
        lightning_pair["tensorboardX"]
    )
    mine, ref = ours["tiny/version_0"], theirs["tiny/version_0"]
    assert mine["tags"] == ref["tags"]
    for kind in ("scalars", "histograms", "tensors", "metadata"):
        assert mine[kind].keys() == ref[kind].keys(), kind
        for tag in ref[kind]:
            assert repr(mine[kind][tag]) == repr(ref[kind][tag]), f"{kind} {tag}"  # NaN == NaN
    scalars = mine["scalars"]
    assert {"train/loss", "val/loss", "test/loss", "hp_metric", "hp/final"} <= set(scalars)
    assert len(scalars["train/loss"]) == 8  # 4 batches x 2 epochs, log_every_n_steps=1
    assert len(scalars["val/loss"]) == 3  # two epochs of fit, then validate
    assert len(scalars["test/loss"]) == 1
    assert len(mine["histograms"]["weights/first"]) == 2
    texts = [v for _, v in mine["tensors"]["note/text_summary"]]
    assert texts == [[b"epoch 0"], [b"epoch 1"]]
    assert "_hparams_/session_start_info" in mine["metadata"]


def test_lightning_graph_is_logged_by_tbx_tui(lightning_pair):
    from tensorboard.backend.event_processing.event_multiplexer import EventMultiplexer

    graphs = {}
    for writer, root in lightning_pair.items():
        mux = EventMultiplexer()
        mux.AddRunsFromDirectory(str(root))
        mux.Reload()
        graph = mux.Graph("tiny/version_0")
        graphs[writer] = sorted(node.op for node in graph.node)
    assert graphs["tbx_tui"] == graphs["tensorboardX"] and graphs["tbx_tui"]
