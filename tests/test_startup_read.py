"""What the app's first read and first chart import, after its first frame: the loader, the first
refresh of a logdir of plain scalars (what tensorboardX, torch and our writer write) and the
scalars' drawing. All of it runs under one GIL before the first chart, so modules it does not
need stay out: ``importlib.metadata`` (the ``crc32c`` package's version look-up, plotext's
version in an error message), ``numpy.ma`` (``np.unique``'s first call), protobuf (the
vectorised path reads plain scalars and version events itself), Pillow and ``unittest``
(plotext's image functions and test runner), ``multiprocessing`` (worker processes for big
logdirs) and ``ctypes.util``. Each is checked in a fresh interpreter."""

from __future__ import annotations

import json
import math
import struct
import subprocess
import sys

import numpy as np
import pytest

from tbx_tui import SummaryWriter
from tbx_tui.read import decode, logdir
from tbx_tui.tfrecord.record import encode_record
from tests import eventfiles as ef

pytestmark = pytest.mark.unit

#: Needed by none of the first read and the first chart of plain scalars.
KEPT_OUT = [
    "importlib.metadata",
    "numpy.ma",
    "crc32c",
    "google.protobuf",
    "PIL",
    "unittest",
    "multiprocessing",  # (worker processes read big logdirs)
    "ctypes.util",  # (finding the C library by name runs ldconfig)
]


def run_fresh(code: str) -> dict:
    """Run ``code`` in a fresh interpreter; it sets ``out`` (a dict), returned with the modules
    loaded at its end under ``"modules"``."""
    probe = f"import sys, json\nout = {{}}\n{code}\nout['modules'] = sorted(sys.modules)\n"
    probe += "print(json.dumps(out))"
    command = [sys.executable, "-c", probe]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.splitlines()[-1])


def test_the_first_read_and_chart_of_plain_scalars_import_nothing_they_do_not_need(tmp_path):
    rng = np.random.default_rng(3)
    expected = {}
    for run, points in (("a", 1000), ("b/c", 200)):  # files of ~100 and ~20 KiB
        with SummaryWriter(str(tmp_path / run)) as writer:
            for tag in ("loss", "accuracy/top-1"):
                values = rng.normal(size=points).astype(np.float32)
                for step, value in enumerate(values.tolist()):
                    writer.add_scalar(tag, value, step)
                expected[f"{run} {tag}"] = values.tolist()
    out = run_fresh(
        "import tbx_tui.tui.loader\n"
        "from tbx_tui.read.logdir import Logdir\n"
        "from tbx_tui.read.runview import take\n"
        f"logdir = Logdir({str(tmp_path)!r})\n"
        "logdir.refresh(max_bytes=4 << 20)\n"
        "views = [take(run, None) for run in logdir.runs.values()]\n"
        "for name, view in zip(logdir.runs, views):\n"
        "    for tag, series in view.scalars.items():\n"
        "        out[f'{name} {tag}'] = series.values.tolist()\n"
        "from tbx_tui.view import plot\n"
        "plot.check_plotext_internals()\n"
        "series, opts = views[0].scalars['loss'], plot.Options()\n"
        "line = plot.prepare(series.steps, series.wall_times, series.values, opts, 40)\n"
        "out['chart'] = plot.render([(line, (0, 0, 255))], 40, 10, opts)\n"
    )
    loaded = set(out.pop("modules"))
    chart = out.pop("chart")
    assert out == expected  # every point read, exactly
    assert any("\u2801" <= ch <= "\u28ff" for ch in chart)  # braille dots drawn
    assert "tbx_tui.read.fastframe" in loaded and "plotext" in loaded
    assert [name for name in KEPT_OUT if name in loaded] == []


def test_what_plotext_loads_without_is_the_real_thing_when_asked_for_later():
    """Pillow, plotext's test runner and its documentation, left out while plotext loads, load
    as usual afterwards; nothing of the way plotext was loaded stays behind."""
    out = run_fresh(
        "meta_path = list(sys.meta_path)\n"
        "from tbx_tui.view.plotextload import plotext\n"
        "out['meta_path_kept'] = sys.meta_path == meta_path\n"
        "out['before'] = [m for m in ('PIL', 'unittest', 'plotext._doc.doc') if m in sys.modules]\n"
        "from PIL import Image\n"
        "out['image'] = Image.new('RGB', (2, 1)).size\n"
        "import plotext._tests.run\n"
        "out['runner'] = callable(plotext._tests.run.test) and 'unittest' in sys.modules\n"
        "import plotext._doc.doc\n"
        "out['docs'] = plotext._doc.doc.docs is not None\n"
        "out['test'] = callable(plotext.test)\n"
    )
    del out["modules"]
    assert out == {
        "meta_path_kept": True,
        "before": [],
        "image": [2, 1],
        "runner": True,
        "docs": True,
        "test": True,
    }


def _version_event(wall: float, version: bytes, step: bytes = b"", tail: bytes = b"") -> bytes:
    """An event record built byte by byte: wall time, [step varint], a file_version of raw
    bytes (UTF-8 or not), [more fields]."""
    payload = b"\x09" + struct.pack("<d", wall) + (b"\x10" + step if step else b"")
    return encode_record(payload + b"\x1a" + bytes([len(version)]) + version + tail)


def _read(path, monkeypatch, fast_bytes: int, fast_records: int) -> dict:
    monkeypatch.setattr(logdir, "FAST_MIN_BYTES", fast_bytes)
    monkeypatch.setattr(decode, "FAST_MIN_RECORDS", fast_records)
    reader = logdir.Logdir(str(path))
    reader.refresh()
    return {
        name: (
            {
                tag: (s.steps.tolist(), s.wall_times.tolist(), s.values.tolist())
                for tag, s in run.scalars.items()
            },
            run.last_wall_time,
            run.warning_messages,
            run.version > 0,
        )
        for name, run in reader.runs.items()
    }


def test_version_events_and_scalars_ending_a_buffer_read_the_same_without_protobuf(
    tmp_path, monkeypatch
):
    """The vectorised path reads file version events (every file's first record) and the plain
    scalars up to the buffer's last byte itself; what it leaves to protobuf (a version string
    that is not ASCII, more fields) and everything else come out as record by record."""
    summary = ef.summary_pb2.Summary(value=[{"tag": "late", "simple_value": 2.0}])  # ASCII bytes
    summary = summary.SerializeToString()
    headers = {
        "plain": _version_event(5.0, b"brain.Event:2"),
        "step": _version_event(7.5, b"brain.Event:2", step=b"\x03"),
        "negative step": _version_event(8.0, b"v", step=b"\xff" * 9 + b"\x01"),
        "empty": _version_event(6.0, b""),
        "nan": _version_event(math.nan, b"x"),
        "utf-8": _version_event(3.0e9, "versión".encode()),
        "not utf-8": _version_event(4.0e9, b"\xff\xfe"),
        "more fields": _version_event(3.5e9, b"v", tail=b"\x10\x05"),
        "then a summary": _version_event(
            1.5e9, b"v", tail=b"\x2a" + bytes([len(summary)]) + summary
        ),
        "latest": _version_event(2.5e9, b"brain.Event:2"),
    }
    for name, header in headers.items():
        records = [header, *(ef.scalar("loss", i, i / 3, wall=1.0e9) for i in range(20))]
        records.insert(7, headers["latest"])  # the latest wall time in the middle of the file
        records.append(ef.scalar("a", -1, 2.0))  # a short record with a 10-byte step
        step_only = b"\x09" + struct.pack("<d", 1.0) + b"\x10" + b"\xff" * 9 + b"\x01"
        records.append(encode_record(step_only))  # the checks would look past the buffer's end
        ef.write(tmp_path / name.replace(" ", "_") / "events.out.tfevents.1.x", *records)
    one_by_one = _read(tmp_path, monkeypatch, 1 << 40, 1 << 40)
    assert one_by_one["not_utf-8"][2] and not one_by_one["plain"][2]  # a warning, none
    assert one_by_one["utf-8"][1] == 3.0e9 and one_by_one["plain"][1] == 2.5e9
    assert "late" in one_by_one["then_a_summary"][0]  # the last of a oneof's fields wins
    assert _read(tmp_path, monkeypatch, 0, 0) == one_by_one
    assert _read(tmp_path, monkeypatch, 0, decode.FAST_MIN_RECORDS) == one_by_one
