"""Real torch tensors (test-only dependency): CPU values, autograd, bfloat16, graphs."""

from __future__ import annotations

import pytest

import tbx_tui
from tbx_tui.read.logdir import Logdir

torch = pytest.importorskip("torch")

pytestmark = pytest.mark.oracle


def _run(path):
    ld = Logdir(str(path))
    ld.refresh()
    return ld.runs["."]


def test_torch_cpu_tensors(tmp_path):
    writer = tbx_tui.SummaryWriter(str(tmp_path))
    x = torch.tensor(2.5, requires_grad=True) * 2
    writer.add_scalar("grad", x, 0)
    writer.add_scalar("bf16", torch.tensor(1.5, dtype=torch.bfloat16), 0)
    writer.add_scalar("int", torch.tensor(3), torch.tensor(4))
    w = torch.randn(1000)
    writer.add_histogram("w", w, 0)
    writer.add_image("img", torch.rand(3, 8, 8), 0)
    writer.add_images("imgs", [torch.rand(3, 8, 8), torch.rand(3, 8, 8)], 0)
    writer.close()
    run = _run(tmp_path)
    assert run.scalars["grad"].values.tolist() == [5.0]
    assert run.scalars["bf16"].values.tolist() == [1.5]
    assert run.scalars["int"].steps.tolist() == [4]
    assert run.histograms["w"][0].data[:, 2].sum() == 1000
    assert {"img", "imgs"} <= set(run.images)


def test_add_graph_with_torch(tmp_path):
    pytest.importorskip("tensorboard")
    model = torch.nn.Sequential(torch.nn.Linear(4, 3), torch.nn.ReLU(), torch.nn.Linear(3, 1))
    with tbx_tui.SummaryWriter(str(tmp_path)) as w:
        w.add_graph(model, torch.zeros(2, 4))
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(tmp_path))
    acc.Reload()
    graph = acc.Graph()
    assert any("Linear" in node.op or "linear" in node.op for node in graph.node)


def test_device_scalars_are_read_in_one_batch():
    from tbx_tui.writer.values import Deferred, resolve_many

    values = [torch.tensor(1.5), torch.tensor(2, dtype=torch.int64), torch.tensor(True)]
    values.append(torch.tensor(0.25, dtype=torch.bfloat16))
    deferred = [Deferred(v, f"t{i}", True) for i, v in enumerate(values)]
    deferred.append(Deferred(torch.tensor(1 + 2j), "bad", True))
    out = resolve_many(deferred)
    assert out[:4] == [1.5, 2.0, 1.0, 0.25]
    assert isinstance(out[4], TypeError) and "'bad'" in str(out[4])
