"""tensorboardX's and torch's public surface on tbx_tui (no oracle needed here; the oracle
comparisons are in test_writer_dropin_oracle.py): input checks at the call, naming the tag;
``tbx_tui.summary`` + ``add_summary``; ``_get_file_writer()``/``file_writer``; ``FileWriter``,
``RecordWriter``, ``GlobalSummaryWriter``, ``TorchVis``; ``tbx_tui.utils``; torch's keywords."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

import numpy as np
import pytest

import tbx_tui
from tbx_tui.proto import event_pb2, hparams_pb2, summary_pb2, types_pb2
from tbx_tui.read.logdir import Logdir
from tbx_tui.tfrecord.record import scan

pytestmark = pytest.mark.unit


def _events(folder) -> list[event_pb2.Event]:
    out = []
    for name in sorted(os.listdir(folder)):
        if "tfevents" in name:
            data = open(os.path.join(folder, name), "rb").read()
            result = scan(data)
            assert result.spans and not result.warnings
            out += [event_pb2.Event.FromString(data[o : o + n]) for o, n in result.spans]
    return out


def _values(folder) -> dict[str, list]:
    """{tag: [(step, Summary.Value), ...]} over every event file in ``folder``."""
    out: dict[str, list] = {}
    for event in _events(folder):
        for value in event.summary.value:
            out.setdefault(value.tag, []).append((event.step, value))
    return out


@pytest.fixture
def writer(tmp_path):
    w = tbx_tui.SummaryWriter(str(tmp_path))
    yield w
    w.close()


# -- issue 9, item 15: input checks at the call, naming the tag ---------------------------------


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda w: w.add_histogram("h", [1, 2], 0, bins="bogus"), ValueError, ["'h'", "bogus"]),
        (lambda w: w.add_histogram("h", [1, 2], 0, bins=-3), ValueError, ["'h'", "positive"]),
        (lambda w: w.add_histogram("h", [1, 2], 0, bins=[3, 1]), ValueError, ["'h'", "increas"]),
        (lambda w: w.add_histogram("h", [1, 2], 0, max_bins=0), ValueError, ["'h'", "max_bins"]),
        (lambda w: w.add_histogram("h", [1.0, np.nan], 0), ValueError, ["'h'", "1 NaN"]),
        (lambda w: w.add_scalar("loss", 1.0, 1.5), ValueError, ["'loss'", "whole", "1.5"]),
        (lambda w: w.add_scalar("loss", 1.0, np.float32(2.5)), ValueError, ["'loss'", "whole"]),
        (lambda w: w.add_scalar("loss", 1.0, float("nan")), TypeError, ["'loss'", "global_step"]),
        (lambda w: w.add_text("t", "x", 0.5), ValueError, ["'t'", "whole"]),
        (lambda w: w.add_hparams({"lr": None}, {"m": 1.0}), ValueError, ["'lr'", "None"]),
        (
            lambda w: w.add_hparams({"lr": 0.1}, {}, hparam_domain_discrete={"lr": ["a"]}),
            TypeError,
            ["'lr'", "float"],
        ),
        (
            lambda w: w.add_hparams({"lr": 0.1}, {}, hparam_domain_discrete={"bs": [1]}),
            ValueError,
            ["'bs'"],
        ),
        (lambda w: w.add_tensor("t", np.array(["a"]), 0), TypeError, ["'t'"]),
        (lambda w: w.add_summary("not a proto"), TypeError, ["summary"]),
    ],
)
def test_bad_input_is_refused_at_the_call(writer, tmp_path, call, error, words):
    with pytest.raises(error) as info:
        call(writer)
    for word in words:
        assert word in str(info.value)
    writer.flush()  # nothing half-queued fails later
    assert not [e for e in _events(tmp_path) if e.summary.value]


def test_whole_float_steps_and_good_bins_are_taken(writer, tmp_path):
    writer.add_scalar("x", 1.0, 3.0)
    writer.add_scalar("x", 2.0, np.float64(4))
    for bins in ("tensorflow", "auto", "sqrt", 7, [0.0, 1.0, 2.0, 5.0]):
        writer.add_histogram(f"h/{bins}", [0.5, 1.5, 4.0], 1, bins=bins)
    writer.add_histogram("h/inf", [1.0, np.inf], 2)  # infinities are data
    writer.close()
    values = _values(tmp_path)
    assert [s for s, _ in values["x"]] == [3, 4]
    assert values["h/7"][0][1].histo.num == 3
    assert values["h/inf"][0][1].histo.max == np.inf


# -- issue 10, item 1: tensorboardX's public surface --------------------------------------------


def test_import_tbx_tui_stays_light():
    code = (
        "import sys, tbx_tui\n"
        "heavy = [m for m in ('numpy', 'google.protobuf', 'textual') if m in sys.modules]\n"
        "assert not heavy, heavy\n"
        "tbx_tui.FileWriter, tbx_tui.RecordWriter, tbx_tui.GlobalSummaryWriter\n"
        "assert tbx_tui.summary.hparams and tbx_tui.utils.figure_to_image\n"
        "assert 'textual' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


def test_summary_functions_feed_add_summary_like_lightning(writer, tmp_path):
    """Lightning's log_hyperparams: summary.hparams, then _get_file_writer().add_summary."""
    from tbx_tui import summary

    exp, ssi, sei = summary.hparams({"lr": 0.1, "opt": "adam", "bn": True}, {"hp_metric": -1})
    assert all(isinstance(s, summary_pb2.Summary) for s in (exp, ssi, sei))
    fw = writer._get_file_writer()
    assert fw.get_logdir() == str(tmp_path)
    for s in (exp, ssi, sei):
        fw.add_summary(s)
    writer.file_writer.add_summary(summary.scalar("acc", 0.5), 7)
    writer.add_summary(summary.histogram("w", np.arange(10.0)), 2)
    writer.add_summary(summary.text("note", "hi"), 3)
    writer.add_summary(summary.image("img", np.zeros((3, 4, 4))), 4)
    writer.add_summary(summary.pr_curve("pr", [0, 1, 1], [0.1, 0.8, 0.6]), 5)
    writer.add_summary(summary.scalar("ns", 2.0, new_style=True), 6)
    writer.close()
    assert writer.file_writer is None  # as tensorboardX: None once closed
    ld = Logdir(str(tmp_path))
    ld.refresh()
    run = ld.runs["."]
    assert run.hparams == {"lr": pytest.approx(0.1), "opt": "adam", "bn": True}
    assert run.scalars["acc"].steps.tolist() == [7] and run.scalars["acc"].values[0] == 0.5
    assert [p.step for p in run.histograms["w"]] == [2]
    assert run.texts["note/text_summary"][0].data == "hi"
    assert run.warnings == 0


def test_file_writer_add_event_graph_flush_close_reopen(tmp_path):
    from tbx_tui.proto import graph_pb2

    fw = tbx_tui.FileWriter(str(tmp_path / "fw"))
    summ = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="a", simple_value=1.5)])
    fw.add_event(event_pb2.Event(step=9, summary=summ))  # its own step is kept
    fw.add_summary(summ, 10, walltime=123.0)
    graph = graph_pb2.GraphDef()
    graph.node.add(name="x", op="Input")
    fw.add_graph((graph, event_pb2.TaggedRunMetadata()))
    fw.flush()
    fw.close()
    fw.reopen()
    fw.add_summary(summ, 11)
    fw.close()
    events = _events(tmp_path / "fw")
    assert len([n for n in os.listdir(tmp_path / "fw") if "tfevents" in n]) == 2
    steps = [(e.step, e.wall_time) for e in events if e.summary.value]
    assert [s for s, _ in steps] == [9, 10, 11] and steps[1][1] == 123.0
    assert any(e.graph_def for e in events)
    assert any(e.tagged_run_metadata.tag == "profiler" for e in events)


def test_record_writer_frames_records(tmp_path):
    path = tmp_path / "records"
    rw = tbx_tui.RecordWriter(str(path))
    for payload in (b"one", b"", b"x" * 1000):
        rw.write(payload)
    rw.flush()
    rw.close()
    data = path.read_bytes()
    assert [data[o : o + n] for o, n in scan(data).spans] == [b"one", b"", b"x" * 1000]


def test_global_summary_writer_numbers_steps_per_tag_across_threads(tmp_path):
    g = tbx_tui.GlobalSummaryWriter(str(tmp_path))

    def work(k: int) -> None:
        for i in range(50):
            g.add_scalar("shared", float(k * 100 + i))
            g.add_text("log", f"{k}-{i}")

    threads = [threading.Thread(target=work, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    g.add_image("img", np.zeros((3, 2, 2)))
    assert g.file_writer.get_logdir() == str(tmp_path)
    g.close()
    values = _values(tmp_path)
    assert [s for s, _ in values["shared"]] == list(range(200))  # in order in the file
    assert [s for s, _ in values["log/text_summary"]] == list(range(200))
    assert [s for s, _ in values["img"]] == [0]
    assert sorted(v.simple_value for _, v in values["shared"]) == sorted(
        float(k * 100 + i) for k in range(4) for i in range(50)
    )


def test_torchvis_names_visdom_and_forwards_to_tensorboard(tmp_path):
    with pytest.raises(ImportError, match="visdom"):
        tbx_tui.TorchVis("visdom")
    vis = tbx_tui.TorchVis("tensorboard", logdir=str(tmp_path))
    vis.add_scalar("x", 1.0, 0)
    vis.unregister("tensorboard")
    assert [s for s, _ in _values(tmp_path)["x"]] == [0]


def test_utils_figure_to_image_and_make_grid():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from tbx_tui import utils

    fig = plt.figure(figsize=(2, 1), dpi=20)
    chw = utils.figure_to_image(fig)
    assert chw.shape == (3, 20, 40) and chw.dtype == np.uint8
    figs = [plt.figure(figsize=(1, 1), dpi=10) for _ in range(3)]
    assert utils.figure_to_image(figs).shape == (3, 3, 10, 10)
    grid = utils.make_grid(np.ones((10, 1, 4, 5)), ncols=4)
    assert grid.shape == (3, 12, 20)
    assert utils.convert_to_HWC(np.zeros((3, 4, 5)), "CHW").shape == (4, 5, 3)
    assert utils.convert_to_NTCHW(np.zeros((2, 3, 4, 5, 6)), "NCTHW").shape == (2, 4, 3, 5, 6)


# -- issue 10, item 3: torch's keywords --------------------------------------------------------


def test_torch_keywords_new_style_double_precision_add_tensor(writer, tmp_path):
    writer.add_scalar("ns", 0.1, 1, new_style=True)
    writer.add_scalar("nd", 0.1, 2, new_style=True, double_precision=True)
    writer.add_scalar("pos", 0.1, 3, None, True, True)  # torch's positional order
    writer.add_tensor("t", np.arange(6, dtype=np.int64).reshape(2, 3), 4)
    writer.add_tensor("f", np.array([0.5, 1.5], dtype=np.float32), 5)
    writer.close()
    values = _values(tmp_path)
    ns = values["ns"][0][1]
    assert ns.metadata.plugin_data.plugin_name == "scalars"
    assert ns.tensor.dtype == types_pb2.DT_FLOAT and list(ns.tensor.float_val) == [
        pytest.approx(0.1)
    ]
    nd = values["nd"][0][1]
    assert nd.tensor.dtype == types_pb2.DT_DOUBLE and list(nd.tensor.double_val) == [0.1]
    assert values["pos"][0][1].tensor.dtype == types_pb2.DT_DOUBLE
    t = values["t"][0][1]
    assert t.metadata.plugin_data.plugin_name == "tensor"
    assert [d.size for d in t.tensor.tensor_shape.dim] == [2, 3]
    assert list(t.tensor.int64_val) == [0, 1, 2, 3, 4, 5]
    assert list(values["f"][0][1].tensor.float_val) == [0.5, 1.5]


def test_torch_add_hparams_run_name_and_discrete_domains(writer, tmp_path):
    writer.add_hparams(
        {"lr": 0.1, "opt": "adam"},
        {"m": 0.5},
        hparam_domain_discrete={"lr": [0.1, 0.01], "opt": ["adam", "sgd"]},
        run_name="trial",
    )
    writer.add_hparams({"lr": 0.2}, {"m": 0.7}, {"lr": [0.2]}, "pos", 3)  # torch's order
    exp = None
    for _, value in _values(tmp_path / "trial")["_hparams_/experiment"]:
        data = hparams_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
        exp = data.experiment
    assert exp is not None
    domains = {
        info.name: [getattr(v, v.WhichOneof("kind")) for v in info.domain_discrete.values]
        for info in exp.hparam_infos
    }
    assert domains == {"lr": [0.1, 0.01], "opt": ["adam", "sgd"]}
    assert [s for s, _ in _values(tmp_path / "pos")["m"]] == [3]
