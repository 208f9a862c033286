"""TensorFlow in the same process: its v2 summaries read by us as by TensorBoard, no proto clash.

flax's and Keras's writers go through ``tf.summary`` too, so this is also what they write.
"""

from __future__ import annotations

import os

import numpy as np
import pytest

tf = pytest.importorskip("tensorflow")

from tbx_tui.read.logdir import Logdir  # noqa: E402

pytestmark = pytest.mark.oracle


def write_tf2(path: str) -> None:
    writer = tf.summary.create_file_writer(path)
    rng = np.random.default_rng(0)
    with writer.as_default():
        for step in range(6):
            tf.summary.scalar("loss", 1.0 / (step + 1), step=step)
            tf.summary.scalar("count", tf.constant(step * 10, dtype=tf.int64), step=step)
            tf.summary.histogram("weights", rng.normal(size=200), step=step)
            tf.summary.text("note", f"step **{step}**", step=step)
            tf.summary.image("pics", rng.random((2, 8, 6, 3)), step=step, max_outputs=2)
    writer.flush()


def test_tf2_summaries_read_like_tensorboard_reads_them(tmp_path):
    import tensorboardX  # noqa: F401 - three proto sets in one process
    from tensorboard.backend.event_processing import plugin_event_multiplexer as pem
    from tensorboard.util import tensor_util

    write_tf2(str(tmp_path))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    run = ld.runs["."]
    assert run.warnings == 0

    mux = pem.EventMultiplexer(size_guidance={"tensors": 0})
    mux.AddRunsFromDirectory(str(tmp_path))
    mux.Reload()
    for tag in ("loss", "count"):
        want = [
            (e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in mux.Tensors(".", tag)
        ]
        got = list(
            zip(run.scalars[tag].steps.tolist(), run.scalars[tag].values.tolist(), strict=True)
        )
        assert got == want
    hist = mux.Tensors(".", "weights")
    for ours, theirs in zip(run.histograms["weights"], hist, strict=True):
        np.testing.assert_allclose(ours.data, tensor_util.make_ndarray(theirs.tensor_proto))
    assert [p.data for p in run.texts["note"]] == [f"step **{s}**" for s in range(6)]
    assert [[(i.width, i.height) for i in p.data] for p in run.images["pics"]] == [
        [(6, 8), (6, 8)]
    ] * 6
    assert run.plugins == {
        "loss": "scalars",
        "count": "scalars",
        "weights": "histograms",
        "note": "text",
        "pics": "images",
    }


def test_keras_callback_logs_read(tmp_path):
    model = tf.keras.Sequential([tf.keras.Input((4,)), tf.keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    x, y = np.ones((32, 4), "float32"), np.zeros((32, 1), "float32")
    cb = tf.keras.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=1)
    model.fit(x, y, epochs=3, batch_size=8, validation_data=(x, y), callbacks=[cb], verbose=0)
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert {"train", "validation"} <= set(ld.runs)
    assert ld.runs["train"].scalars["epoch_loss"].steps.tolist() == [0, 1, 2]
    assert ld.runs["validation"].scalars["epoch_loss"].steps.tolist() == [0, 1, 2]
    assert any(tag.endswith("kernel/histogram") for tag in ld.runs["train"].histograms)
    assert os.path.isdir(tmp_path / "train")
