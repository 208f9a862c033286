"""SummaryWriter's API: bad input is refused clearly, a closed writer refuses work, values come
from numpy, torch and array-likes, device values are read on the writer's thread, and the bytes
are exactly what protobuf itself would write."""

from __future__ import annotations

import io
import os
import threading
import time
import wave
from types import SimpleNamespace

import numpy as np
import pytest
from PIL import Image

import tbx_tui
from tbx_tui.proto import event_pb2, summary_pb2
from tbx_tui.read.logdir import Logdir
from tbx_tui.tfrecord.record import encode_record, scan
from tbx_tui.writer import WriterClosedError
from tbx_tui.writer.event_file import event_file_name

pytestmark = pytest.mark.unit


def _run(path) -> object:
    ld = Logdir(str(path))
    ld.refresh()
    return ld.runs["."]


def _events(path) -> list[event_pb2.Event]:
    (name,) = [n for n in os.listdir(path) if "tfevents" in n]
    data = open(os.path.join(path, name), "rb").read()
    return [event_pb2.Event.FromString(data[o : o + n]) for o, n in scan(data).spans]


@pytest.fixture
def writer(tmp_path):
    w = tbx_tui.SummaryWriter(str(tmp_path))
    yield w
    w.close()


# -- bad input ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, words",
    [
        (lambda w: w.add_scalar("loss", "0.5", 1), TypeError, ["'loss'", "str"]),
        (lambda w: w.add_scalar("loss", None, 1), TypeError, ["'loss'", "NoneType"]),
        (lambda w: w.add_scalar("loss", [1.0, 2.0], 1), ValueError, ["'loss'", "one value"]),
        (lambda w: w.add_scalar("loss", 1 + 2j, 1), TypeError, ["'loss'"]),
        (lambda w: w.add_scalar(3, 1.0, 1), TypeError, ["tag", "int"]),
        (lambda w: w.add_scalar("loss", 1.0, "seven"), TypeError, ["'loss'", "global_step"]),
        (lambda w: w.add_scalar("loss", 1.0, 2**70), ValueError, ["'loss'", "int64"]),
        (lambda w: w.add_histogram("h", np.array([]), 1), ValueError, ["'h'", "empty"]),
        (lambda w: w.add_histogram("h", ["a", "b"], 1), TypeError, ["'h'"]),
        (
            lambda w: w.add_histogram_raw("h", 0, 1, 2, 1, 1, [1, 2, 3], [1, 1], 0),
            ValueError,
            ["'h'", "bucket_limits", "bucket_counts"],
        ),
        (lambda w: w.add_image("im", np.zeros((4, 4)), 0), ValueError, ["'im'", "rank 2", "CHW"]),
        (
            lambda w: w.add_image("im", np.zeros((2, 4, 4)), 0),
            ValueError,
            ["'im'", "channels"],
        ),
        (
            lambda w: w.add_image("im", np.zeros((3, 4, 4)), 0, dataformats="XYZ"),
            ValueError,
            ["'im'"],
        ),
        (
            lambda w: w.add_image("im", np.zeros((3, 4, 4)), 0, "now"),
            TypeError,
            ["'im'", "walltime"],
        ),
        (
            lambda w: w.add_images("im", [np.zeros((3, 4, 4))], 0, dataformats="HW"),
            ValueError,
            ["'im'"],
        ),
        (lambda w: w.add_text("t", 5, 0), TypeError, ["'t'", "str"]),
        (lambda w: w.add_audio("a", np.zeros((10, 3)), 0), ValueError, ["'a'", "channels"]),
        (lambda w: w.add_pr_curve("p", [0, 1], [0.5], 0), ValueError, ["'p'", "labels"]),
        (lambda w: w.add_video("v", np.zeros((2, 3, 4, 4)), 0), ValueError, ["'v'", "rank"]),
        (lambda w: w.add_hparams([1], {}), TypeError, ["dict"]),
        (lambda w: w.add_custom_scalars_marginchart(["a", "b"]), ValueError, ["3 tags"]),
        (lambda w: w.add_embedding(np.zeros(5), tag="e"), ValueError, ["'e'", "2-D"]),
    ],
)
def test_bad_input_is_refused_clearly(writer, call, error, words):
    with pytest.raises(error) as info:
        call(writer)
    for word in words:
        assert word in str(info.value)


def test_nan_and_inf_are_data(writer, tmp_path):
    """NaN and inf are scalar data; inf is histogram data (counted, in no bucket). A histogram
    of NaN is refused at the call (see test_writer_checks)."""
    for i, v in enumerate([float("nan"), float("inf"), -float("inf"), 1e300, np.float64("nan")]):
        writer.add_scalar("v", v, i)
    writer.add_histogram("h", np.array([1.0, -np.inf, np.inf, 2.0]), 0)
    writer.close()
    run = _run(tmp_path)
    values = run.scalars["v"].values
    assert np.isnan(values[0]) and values[1] == np.inf and values[2] == -np.inf
    assert values[3] == np.inf and np.isnan(values[4])  # 1e300 does not fit a float32
    (event,) = [e for e in _events(tmp_path) if e.summary.value and e.summary.value[0].tag == "h"]
    histo = event.summary.value[0].histo
    assert histo.num == 4 and np.isnan(histo.sum) and sum(histo.bucket) == 2  # inf - inf


# -- lifecycle ----------------------------------------------------------------------------------


def test_writing_after_close_reopens_a_new_file_and_close_is_idempotent(tmp_path):
    """As tensorboardX and torch do (Lightning logs after its logger's finalize closed it)."""
    w = tbx_tui.SummaryWriter(str(tmp_path))
    w.add_scalar("a", 1.0, 0)
    w.close()
    w.close()
    w.flush()  # nothing left to flush: a no-op, as in tensorboardX
    first = set(os.listdir(tmp_path))
    w.add_scalar("a", 2.0, 1)
    w.add_scalars("m", {"x": 1.0}, 1)
    w.add_histogram("h", [1, 2], 1)
    w.add_image("i", np.zeros((3, 2, 2)), 1)
    w.add_text("t", "x", 1)
    w.close()
    second = {n for n in os.listdir(tmp_path) if "tfevents" in n} - first
    assert len(first) == 1 and len(second) == 1  # the reopened writer's new file
    run = _run(tmp_path)
    assert run.scalars["a"].values.tolist() == [1.0, 2.0]
    assert [p.step for p in run.histograms["h"]] == [1]
    assert run.texts["t/text_summary"][0].data == "x"
    w.add_text("t", "y", 2)  # the finalizer of the reopened file runs at exit or on close
    del w
    assert [p.data for p in _run(tmp_path).texts["t/text_summary"]] == ["x", "y"]
    assert isinstance(WriterClosedError(), RuntimeError)  # still exported for old code


def test_context_manager_default_logdir_and_layout(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with tbx_tui.SummaryWriter(comment="-lr0.1") as w:
        w.add_scalar("a", 1.0)
        logdir = w.get_logdir()
    assert logdir.startswith("runs" + os.sep) and logdir.endswith("-lr0.1")
    (name,) = os.listdir(logdir)
    parts = name.split(".")
    assert parts[:3] == ["events", "out", "tfevents"] and parts[-2] == str(os.getpid())
    with tbx_tui.SummaryWriter(log_dir=str(tmp_path / "x"), filename_suffix=".sfx") as w2:
        assert w2.get_logdir() == str(tmp_path / "x")
    assert os.listdir(tmp_path / "x")[0].endswith(".sfx")


def test_two_writers_one_run_same_second_never_collide(tmp_path):
    writers = [tbx_tui.SummaryWriter(str(tmp_path)) for _ in range(3)]
    for k, w in enumerate(writers):
        w.add_scalar("a", float(k), k)
        w.close()
    assert len([n for n in os.listdir(tmp_path) if "tfevents" in n]) == 3
    assert sorted(_run(tmp_path).scalars["a"].values.tolist()) == [0.0, 1.0, 2.0]


def test_files_made_in_one_second_sort_in_the_order_they_were_made(tmp_path):
    """A run's files are read in name order (TensorBoard, tbx-top): the twelve files one process
    opens within one second must sort as they were made (``.9`` before ``.10``), so a writer
    reopened after ``close()`` is read after what it wrote first."""
    names = [event_file_name(now=1_700_000_000.0) for _ in range(12)]
    assert sorted(names) == names
    writers = [tbx_tui.SummaryWriter(str(tmp_path)) for _ in range(12)]
    for k, w in enumerate(writers):
        w.add_scalar("a", float(k), 0)
        w.close()
    assert _run(tmp_path).scalars["a"].values.tolist() == [float(k) for k in range(12)]


def test_purge_step_writes_a_restart(tmp_path):
    with tbx_tui.SummaryWriter(str(tmp_path)) as w:
        for i in range(10):
            w.add_scalar("loss", float(i), i)
    with tbx_tui.SummaryWriter(str(tmp_path), purge_step=5) as w:
        for i in range(5, 8):
            w.add_scalar("loss", 100.0 + i, i)
    series = _run(tmp_path).scalars["loss"]
    assert series.steps.tolist() == [0, 1, 2, 3, 4, 5, 6, 7]
    assert series.values.tolist()[5:] == [105.0, 106.0, 107.0]


def test_write_to_disk_false_writes_nothing(tmp_path):
    with tbx_tui.SummaryWriter(str(tmp_path / "none"), write_to_disk=False) as w:
        w.add_scalar("a", 1.0, 1)
        w.add_hparams({"a": 1}, {"m": 1.0})
        w.flush()
    assert not (tmp_path / "none").exists()


def test_use_metadata_and_walltime(writer, tmp_path):
    with writer.use_metadata(global_step=42, walltime=1234.5):
        writer.add_scalar("a", 1.0)
        writer.add_text("t", "x")
    writer.add_scalar("b", 2.0, 3, walltime=99.0)
    writer.close()
    run = _run(tmp_path)
    assert run.scalars["a"].steps.tolist() == [42]
    assert run.scalars["a"].wall_times.tolist() == [1234.5]
    assert run.texts["t/text_summary"][0].step == 42
    assert run.scalars["b"].wall_times.tolist() == [99.0]


# -- bytes --------------------------------------------------------------------------------------


def test_scalar_records_are_what_protobuf_writes(tmp_path):
    w = tbx_tui.SummaryWriter(str(tmp_path))
    cases = [(0, 1.5), (1, -2.0), (127, 3.0), (128, 0.0), (-5, 7.25), (2**40, 1e-3)]
    for _ in range(20):  # enough to go through the numpy path too
        for step, value in cases:
            w.add_scalar("a/b", value, step, walltime=1000.0 + step)
    w.add_scalar("m", 1.0, 1, walltime=5.0, display_name="D", summary_description="S")
    w.close()
    (name,) = os.listdir(tmp_path)
    data = open(tmp_path / name, "rb").read()
    spans = scan(data).spans
    expected = []
    for _ in range(20):
        for step, value in cases:
            value_pb = summary_pb2.Summary.Value(tag="a/b", simple_value=value)
            event = event_pb2.Event(
                wall_time=1000.0 + step, step=step, summary=summary_pb2.Summary(value=[value_pb])
            )
            expected.append(encode_record(event.SerializeToString()))
    meta = summary_pb2.SummaryMetadata(display_name="D", summary_description="S")
    value_pb = summary_pb2.Summary.Value(tag="m", simple_value=1.0, metadata=meta)
    event = event_pb2.Event(wall_time=5.0, step=1, summary=summary_pb2.Summary(value=[value_pb]))
    expected.append(encode_record(event.SerializeToString()))
    first_end = spans[0][0] + spans[0][1] + 4  # after the file_version record
    assert data[first_end:] == b"".join(expected)


# -- values from elsewhere ----------------------------------------------------------------------


class ArrayLike:
    """Anything with ``__array__`` (a JAX-like or user array type)."""

    def __init__(self, values):
        self.values = np.asarray(values)

    def __array__(self, dtype=None, copy=None):
        return self.values if dtype is None else self.values.astype(dtype)


class ItemOnly:
    def __init__(self, v):
        self.v = v

    def item(self):
        return self.v


def test_values_from_numpy_arraylike_and_item(writer, tmp_path):
    writer.add_scalar("np64", np.float64(0.5), 0)
    writer.add_scalar("np0d", np.array(1.5), 0)
    writer.add_scalar("npint", np.int32(7), 0)
    writer.add_scalar("bool", True, 0)
    writer.add_scalar("arraylike", ArrayLike([[2.5]]), 0)
    writer.add_scalar("item", ItemOnly(3.5), 0)
    writer.add_histogram("h", ArrayLike(np.arange(10.0)), 0)
    writer.add_image("i", ArrayLike(np.ones((3, 4, 5))), 0)
    writer.close()
    run = _run(tmp_path)
    got = {t: s.values.tolist() for t, s in run.scalars.items()}
    assert got == {
        "np64": [0.5],
        "np0d": [1.5],
        "npint": [7.0],
        "bool": [1.0],
        "arraylike": [2.5],
        "item": [3.5],
    }
    assert run.histograms["h"][0].data[:, 2].sum() == 10
    assert "i" in run.images


def test_audio_is_wav(writer, tmp_path):
    t = np.linspace(0, 1, 8000)
    writer.add_audio("tone", np.sin(2 * np.pi * 440 * t), 0, sample_rate=8000)
    writer.add_audio("stereo", np.zeros((100, 2)), 1)
    writer.close()
    events = [e for e in _events(tmp_path) if e.summary.value]
    clip = events[0].summary.value[0].audio
    assert clip.content_type == "audio/wav" and clip.length_frames == 8000
    with wave.open(io.BytesIO(clip.encoded_audio_string)) as wav:
        assert (wav.getframerate(), wav.getnchannels(), wav.getsampwidth()) == (8000, 1, 2)
        assert wav.getnframes() == 8000
    assert events[1].summary.value[0].audio.num_channels == 2


def test_video_is_an_animated_gif(writer, tmp_path):
    video = np.random.default_rng(0).random((3, 5, 3, 8, 10))  # N T C H W
    writer.add_video("v", video, 0, fps=10)
    writer.close()
    (event,) = [e for e in _events(tmp_path) if e.summary.value]
    img = event.summary.value[0].image
    gif = Image.open(io.BytesIO(img.encoded_image_string))
    assert gif.format == "GIF" and gif.n_frames == 5
    assert (img.height, img.width) == (2 * 8, 2 * 10)  # 3 videos padded to 4, in a 2x2 grid


def test_custom_scalars_image_boxes_and_graph_errors(writer, tmp_path):
    writer.add_custom_scalars(
        {"cat": {"m": ["Margin", ["a", "lo", "hi"]], "l": ["Multiline", ["a"]]}}
    )
    writer.add_image_with_boxes("boxes", np.zeros((3, 20, 20)), np.array([[2, 2, 10, 10]]), 0)
    with pytest.raises(ImportError, match="onnx"):
        writer.add_onnx_graph("model.onnx")
    writer.close()
    run = _run(tmp_path)
    assert "boxes" in run.images
    assert run.plugins.get("custom_scalars__config__") == "custom_scalars"


# -- device values ------------------------------------------------------------------------------


class SimDeviceTensor:
    """A tensor on a (simulated) accelerator: an array behind the usual tensor methods
    (``device``, ``shape``, ``detach``, ``clone``, ``item``, ``cpu``), remembering which thread
    read it. Reading it is what would wait for a real GPU."""

    def __init__(self, data, reads):
        self.data = np.asarray(data)
        self.reads = reads
        self.device = SimpleNamespace(type="sim")
        self.shape = self.data.shape

    def detach(self):
        return self

    def clone(self):
        return SimDeviceTensor(self.data.copy(), self.reads)

    def item(self):
        self.reads.append(threading.current_thread().name)
        return self.data.item()

    def cpu(self):
        self.reads.append(threading.current_thread().name)
        return self

    def numpy(self):
        return self.data


def test_device_values_are_read_on_the_writer_thread(tmp_path):
    reads: list[str] = []
    w = tbx_tui.SummaryWriter(str(tmp_path))
    running = np.zeros(())
    weights = np.arange(10.0)
    for step in range(5):
        running += 1.0  # changed in place after each call: the call's value must be kept
        w.add_scalar("running", SimDeviceTensor(running, reads), step, walltime=100.0 + step)
    w.add_histogram("weights", SimDeviceTensor(weights, reads), 7)
    weights[:] = 0
    assert reads == []  # nothing read on the calling thread
    with pytest.raises(ValueError, match="'bad'"):
        w.add_scalar("bad", SimDeviceTensor(np.ones(3), reads), 0)  # shape is metadata
    deadline = time.monotonic() + 30
    while len(reads) < 6 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert set(reads) == {"tbx_tui-writer"} and len(reads) == 6
    w.close()
    run = _run(tmp_path)
    series = run.scalars["running"]
    assert series.values.tolist() == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert series.steps.tolist() == [0, 1, 2, 3, 4]
    assert series.wall_times.tolist() == [100.0, 101.0, 102.0, 103.0, 104.0]
    buckets = run.histograms["weights"][0].data
    assert buckets[:, 2].sum() == 10 and buckets[:, 1].max() >= 9  # not the zeroed weights


def test_device_value_errors_surface_at_flush(tmp_path):
    reads: list[str] = []
    w = tbx_tui.SummaryWriter(str(tmp_path))
    w.add_scalar("fine", SimDeviceTensor(np.float32(1.0), reads), 0)
    w.add_scalar("bad", SimDeviceTensor(np.complex64(1 + 1j), reads), 1)
    with pytest.raises(TypeError, match="'bad'"):
        w.flush()
    w.close()
    assert _run(tmp_path).scalars["fine"].values.tolist() == [1.0]


def test_histogram_bytes_are_what_protobuf_writes():
    from tbx_tui.writer import summaries

    for values in (np.arange(10.0), np.array([0.0]), np.array([-3.5, 1e-13, 7.0, np.inf])):
        fields = summaries.histogram_proto("h", values)
        ours = summaries.histogram("h", values)
        mn, mx, num, total, squares, limits, counts = fields
        histo = summary_pb2.HistogramProto(
            min=mn,
            max=mx,
            num=num,
            sum=total,
            sum_squares=squares,
            bucket_limit=limits.tolist(),
            bucket=counts.tolist(),
        )
        ref = summary_pb2.Summary(value=[summary_pb2.Summary.Value(tag="h", histo=histo)])
        assert ours == ref.SerializeToString()
    direct = summaries._count_in(np.array([0.0, 1.0, 1e-12, -1e-12, 5.5]), np.array([-1.0, 0, 1]))
    assert direct.tolist() == np.histogram([0.0, 1.0, 1e-12, -1e-12, 5.5], [-1.0, 0, 1])[0].tolist()
