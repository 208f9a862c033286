"""What the app's first read and first chart import, after its first frame: the loader, the first
refresh of a logdir of plain scalars (what tensorboardX, torch and our writer write) and the
scalars' drawing. All of it runs under one GIL before the first chart, so modules it does not
need stay out: ``importlib.metadata`` (the ``crc32c`` package's version look-up, plotext's
version in an error message), ``numpy.ma`` (``np.unique``'s first call), Pillow and ``unittest``
(plotext's image functions and test runner). Each is checked in a fresh interpreter."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from tbx_tui import SummaryWriter

pytestmark = pytest.mark.unit

#: Needed by none of the first read and the first chart of plain scalars.
KEPT_OUT = ["importlib.metadata", "numpy.ma", "crc32c", "PIL", "unittest"]


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
    for run in ("a", "b/c"):
        with SummaryWriter(str(tmp_path / run)) as writer:
            for tag in ("loss", "accuracy/top-1"):
                values = rng.normal(size=1000).astype(np.float32)
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
