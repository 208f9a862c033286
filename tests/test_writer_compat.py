"""The same script through tensorboardX and through tbx_tui, read back with TensorBoard's loader.

Everything TensorBoard shows must match: runs (hparams runs are named here, so no timestamps),
tags, plugins, steps, scalar values, histogram buckets and counts, image sizes and pixels, texts,
pr curves, hparams, custom-scalar layouts and embedding files. Our own reader reads ours too.
"""

from __future__ import annotations

import io
import os

import matplotlib
import pytest

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import tbx_tui  # noqa: E402
from tbx_tui.read.logdir import Logdir  # noqa: E402

tensorboardX = pytest.importorskip("tensorboardX")
multiplexer = pytest.importorskip("tensorboard.backend.event_processing.event_multiplexer")
tensor_util = pytest.importorskip("tensorboard.util.tensor_util")
EventMultiplexer = multiplexer.EventMultiplexer

pytestmark = pytest.mark.oracle


def script(mod, logdir: str) -> None:
    rng = np.random.default_rng(7)
    w = mod.SummaryWriter(logdir)
    for i in range(30):
        w.add_scalar("loss", 1.0 / (i + 1), i)
        w.add_scalar("train acc (%)", i * 0.25, i * 10)
        w.add_scalar("np/value", np.float32(i) / 3, i)
    w.add_scalar("described", 1.5, 2, display_name="Pretty", summary_description="about it")
    w.add_scalar("special", float("nan"), 1)
    w.add_scalar("special", float("inf"), 2)
    w.add_scalar("special", -1e39, 3)
    for i in range(3):
        w.add_scalars("run_14h", {"xsinx": i * np.sin(i), "xcosx": i * np.cos(i)}, i)
    for i in range(1, 4):
        w.add_histogram("hist/normal", rng.normal(size=1000) * i, i)
        w.add_histogram("hist/gamma", rng.gamma(shape=i, scale=4.0, size=1000), i)
    w.add_histogram("hist/auto", rng.normal(size=500), 1, bins="auto")
    w.add_histogram("hist/fd", rng.normal(size=500), 1, bins="fd")
    w.add_histogram("hist/max", rng.normal(size=500), 1, max_bins=30)
    w.add_histogram("hist/ints", np.arange(100), 1)
    w.add_histogram_raw("hist/raw", 0, 9, 10, 45, 285, [3, 6, 9], [4, 3, 3], 5)
    w.add_image("img/chw", rng.random((3, 20, 30)), 0)
    w.add_image("img/hwc", (rng.random((20, 30, 3)) * 255).astype(np.uint8), 0, dataformats="HWC")
    w.add_image("img/hw", rng.random((20, 30)), 1, dataformats="HW")
    w.add_image("img/rgba", rng.random((4, 10, 10)), 0)
    w.add_image("img/gray", rng.random((1, 12, 9)), 0)
    w.add_images("img/batch", rng.random((5, 3, 8, 8)), 0)
    w.add_images("img/nhwc", rng.random((3, 8, 8, 1)), 0, dataformats="NHWC")
    fig = plt.figure(figsize=(2, 2), dpi=50)
    plt.hist(rng.normal(size=100), bins=10)
    w.add_figure("fig", fig, 3)
    figs = []
    for k in range(2):
        f = plt.figure(figsize=(2, 1), dpi=40)
        plt.plot([0, 1], [k, 1 - k])
        figs.append(f)
    w.add_figure("figs", figs, 4)
    w.add_text("note", "hello **world** ünïcode", 0)
    w.add_text("note", "second", 5)
    labels = rng.integers(0, 2, size=200)
    preds = rng.random(200)
    w.add_pr_curve("pr", labels, preds, 0)
    w.add_pr_curve("pr_small", labels, preds, 1, num_thresholds=11, weights=rng.random(200))
    tp, fp = [10.0, 8.0, 5.0], [9.0, 4.0, 1.0]
    w.add_pr_curve_raw("pr_raw", tp, fp, [1, 6, 9], [0, 2, 5], [0.5, 0.6, 0.8], [1, 0.8, 0.5], 2, 3)
    w.add_custom_scalars_multilinechart(["loss", "np/value"], category="cat", title="both")
    w.add_hparams(
        {"lr": 0.1, "bs": 16, "opt": "adam", "flag": True, "act": np.tanh},  # None: refused
        {"hparam/accuracy": 0.9, "hparam/loss": 0.25},
        name="hp",
    )
    verts = rng.random((1, 4, 3))
    faces = np.array([[[0, 1, 2], [1, 2, 3]]])
    w.add_mesh("mesh", verts, colors=(verts * 255).astype(np.uint8), faces=faces, global_step=1)
    meta = [f"point{i}" for i in range(6)]
    w.add_embedding(
        rng.random((6, 3)), metadata=meta, label_img=rng.random((6, 3, 4, 4)), tag="emb"
    )
    w.close()


def load(logdir: str) -> dict:
    mux = EventMultiplexer(
        size_guidance={k: 0 for k in ("scalars", "histograms", "images", "tensors", "audio")}
    )
    mux.AddRunsFromDirectory(logdir)
    mux.Reload()
    out = {}
    for run in mux.Runs():
        acc = mux.GetAccumulator(run)
        tags = acc.Tags()
        data: dict = {"tags": {k: sorted(v) for k, v in tags.items() if isinstance(v, list)}}
        data["scalars"] = {t: [(e.step, e.value) for e in acc.Scalars(t)] for t in tags["scalars"]}
        data["histograms"] = {}
        for t in tags["histograms"]:
            data["histograms"][t] = [
                (
                    e.step,
                    e.histogram_value.min,
                    e.histogram_value.max,
                    e.histogram_value.num,
                    e.histogram_value.sum,
                    e.histogram_value.sum_squares,
                    list(e.histogram_value.bucket_limit),
                    list(e.histogram_value.bucket),
                )
                for e in acc.Histograms(t)
            ]
        data["images"] = {}
        for t in tags["images"]:
            data["images"][t] = [
                (
                    e.step,
                    e.width,
                    e.height,
                    np.asarray(Image.open(io.BytesIO(e.encoded_image_string))).tolist(),
                )
                for e in acc.Images(t)
            ]
        data["tensors"] = {}
        for t in tags["tensors"]:
            data["tensors"][t] = [
                (e.step, tensor_util.make_ndarray(e.tensor_proto).tolist()) for e in acc.Tensors(t)
            ]
        data["metadata"] = {
            t: (
                acc.SummaryMetadata(t).plugin_data.plugin_name,
                acc.SummaryMetadata(t).plugin_data.content,
                acc.SummaryMetadata(t).display_name,
                acc.SummaryMetadata(t).summary_description,
            )
            for t in acc.summary_metadata
        }
        out[run] = data
    return out


def embedding_files(logdir: str) -> dict[str, bytes]:
    found = {}
    for root, _, files in os.walk(logdir):
        for name in files:
            if "tfevents" not in name:
                path = os.path.join(root, name)
                with open(path, "rb") as f:
                    found[os.path.relpath(path, logdir)] = f.read()
    return found


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    base = tmp_path_factory.mktemp("compat")
    theirs, ours = str(base / "tbx"), str(base / "ours")
    script(tensorboardX, theirs)
    script(tbx_tui, ours)
    return theirs, ours


def test_same_runs_and_tags(both):
    theirs, ours = (load(d) for d in both)
    assert sorted(ours) == sorted(theirs)
    assert sorted(ours) == [".", "hp", "run_14h/xcosx", "run_14h/xsinx"]
    for run in theirs:
        assert ours[run]["tags"] == theirs[run]["tags"], run


@pytest.mark.parametrize("kind", ["scalars", "histograms", "images", "tensors", "metadata"])
def test_same_data(both, kind):
    theirs, ours = (load(d) for d in both)
    for run in theirs:
        assert ours[run][kind].keys() == theirs[run][kind].keys(), run
        for tag in theirs[run][kind]:
            mine, ref = ours[run][kind][tag], theirs[run][kind][tag]
            assert repr(mine) == repr(ref), f"{run} {tag}"  # repr: NaN equals NaN


def test_same_embedding_files(both):
    theirs, ours = (embedding_files(d) for d in both)
    assert ours.keys() == theirs.keys()
    for name in theirs:
        if name.endswith(".png"):
            a = np.asarray(Image.open(io.BytesIO(ours[name])))
            b = np.asarray(Image.open(io.BytesIO(theirs[name])))
            assert a.shape == b.shape
            # tensorboardX leaves the rows below the grid uninitialised; compare the grid (2 rows)
            assert (a[:8] == b[:8]).all(), name
        else:
            assert ours[name] == theirs[name], name


def test_our_reader_reads_ours(both):
    _, ours = both
    logdir = Logdir(ours)
    logdir.refresh()
    runs = logdir.runs
    assert sorted(runs) == [".", "hp", "run_14h/xcosx", "run_14h/xsinx"]
    main = runs["."]
    assert main.scalars["loss"].values.tolist() == pytest.approx([1.0 / (i + 1) for i in range(30)])
    assert main.scalars["train_acc____"].steps.tolist() == [i * 10 for i in range(30)]
    assert len(main.histograms["hist/normal"]) == 3
    assert {"img/chw", "img/batch", "fig", "figs"} <= set(main.images)
    assert [p.data for p in main.texts["note/text_summary"]] == [
        "hello **world** ünïcode",
        "second",
    ]
    assert set(main.pr_curves) == {"pr", "pr_small", "pr_raw"}
    assert runs["hp"].hparams["opt"] == "adam"
    assert runs["hp"].hparams["lr"] == pytest.approx(0.1)
    assert runs["run_14h/xsinx"].scalars["run_14h"].steps.tolist() == [0, 1, 2]


def test_non_square_sprites_assertion_there_value_error_here(tmp_path):
    """A documented difference (README): tensorboardX asserts, tbx_tui names the problem."""
    mat, label_img = np.zeros((2, 3)), np.zeros((2, 3, 4, 6))
    for mod, error in ((tensorboardX, AssertionError), (tbx_tui, ValueError)):
        with mod.SummaryWriter(str(tmp_path / mod.__name__)) as w:
            with pytest.raises(error) as info:
                w.add_embedding(mat, label_img=label_img, tag="emb")
        if mod is tbx_tui:
            assert "'emb'" in str(info.value) and "square" in str(info.value)
