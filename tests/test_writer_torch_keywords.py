"""torch.utils.tensorboard's own keywords, written by torch's writer and by tbx_tui with the same
calls, read back by TensorBoard's loader: the same runs, tags, tensors and plugin metadata."""

from __future__ import annotations

import json

import numpy as np
import pytest

import tbx_tui

torch = pytest.importorskip("torch")
pytest.importorskip("tensorboard")

pytestmark = pytest.mark.oracle


def _torch_style_calls(mod, logdir: str) -> None:
    w = mod.SummaryWriter(logdir)
    for i in range(3):
        w.add_scalar("new", i * 0.1, i, new_style=True)
        w.add_scalar("double", i * 0.1, i, new_style=True, double_precision=True)
    w.add_tensor("t/float", torch.arange(6, dtype=torch.float32).reshape(2, 3), 1)
    w.add_tensor("t/int", torch.tensor([[1, 2], [3, 4]], dtype=torch.int64), 2)
    w.add_tensor("t/double", torch.tensor([0.5, -1.5], dtype=torch.float64), 3)
    # (no bool hparam: torch writes True as the number 1.0, tensorboardX and tbx_tui as a bool)
    w.add_hparams(
        {"lr": 0.1, "opt": "adam", "layers": 3},
        {"hp/acc": 0.75},
        hparam_domain_discrete={"lr": [0.1, 0.01], "opt": ["adam", "sgd"], "layers": [2, 3]},
        run_name="trial",
        global_step=4,
    )
    w.close()


def _comparable(loaded: dict) -> dict:
    """hparams contents parsed and sorted (a protobuf map's order on the wire is arbitrary)."""
    from google.protobuf.json_format import MessageToDict
    from tensorboard.plugins.hparams import plugin_data_pb2

    for data in loaded.values():
        for tag, (plugin, content, *rest) in list(data["metadata"].items()):
            if plugin == "hparams":
                parsed = MessageToDict(plugin_data_pb2.HParamsPluginData.FromString(content))
                data["metadata"][tag] = (plugin, json.dumps(parsed, sort_keys=True), *rest)
    return loaded


def test_torch_keywords_write_what_torch_writes(tmp_path):
    from torch.utils import tensorboard as torch_tensorboard

    from tests.test_writer_compat import load

    _torch_style_calls(torch_tensorboard, str(tmp_path / "torch"))
    _torch_style_calls(tbx_tui, str(tmp_path / "ours"))
    theirs = _comparable(load(str(tmp_path / "torch")))
    ours = _comparable(load(str(tmp_path / "ours")))
    assert sorted(ours) == sorted(theirs) == [".", "trial"]
    for run in theirs:
        assert ours[run]["tags"] == theirs[run]["tags"], run
        for kind in ("scalars", "tensors", "metadata"):
            assert ours[run][kind].keys() == theirs[run][kind].keys(), (run, kind)
            for tag in theirs[run][kind]:
                assert repr(ours[run][kind][tag]) == repr(theirs[run][kind][tag]), (run, tag)
    assert np.allclose([v for _, v in ours["."]["tensors"]["double"]], [0.0, 0.1, 0.2])
    assert ours["trial"]["scalars"]["hp/acc"] == [(4, 0.75)]
