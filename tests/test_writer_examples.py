"""The three scripts this project grew from run unchanged with ``import tbx_tui as tensorboardX``;
our reader then sees all three runs. Also: ``import tbx_tui`` stays light."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tbx_tui.read.logdir import Logdir

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    env["MPLBACKEND"] = "Agg"
    return env


def test_origin_scripts_run_and_are_read(tmp_path):
    for name in ("expovariate.py", "histogram.py", "figure.py"):
        subprocess.run([sys.executable, str(EXAMPLES / name)], cwd=tmp_path, env=_env(), check=True)
    logdir = Logdir(str(tmp_path / "runs"))
    logdir.refresh()
    runs = logdir.runs
    assert len(runs) == 3
    scalar_runs = [r for r in runs.values() if "expovariate" in r.scalars]
    assert len(scalar_runs) == 1 and scalar_runs[0].name.startswith("exp-")
    series = scalar_runs[0].scalars["expovariate"]
    assert series.steps.tolist() == list(range(120))
    assert (series.values > 0).all()
    hist = [r for r in runs.values() if "hist-1" in r.histograms]
    assert len(hist) == 1 and [p.step for p in hist[0].histograms["hist-1"]] == list(range(1, 10))
    figs = [r for r in runs.values() if "fig-1" in r.images]
    assert len(figs) == 1 and [p.step for p in figs[0].images["fig-1"]] == list(range(1, 10))


def test_import_is_light(tmp_path):
    code = (
        "import json, sys, numpy as np\n"
        "import tbx_tui\n"
        "w = tbx_tui.SummaryWriter(sys.argv[1])\n"
        "w.add_scalar('a', 1.0, 1)\n"
        "w.add_histogram('h', np.arange(10), 1)\n"
        "w.add_image('i', np.zeros((3, 4, 4)), 1)\n"
        "w.add_text('t', 'x', 1)\n"
        "w.close()\n"
        "print(json.dumps(sorted(m for m in ('textual', 'rich', 'matplotlib', 'torch', 'jax')"
        " if m in sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "run")],
        env=_env(),
        check=True,
        capture_output=True,
        text=True,
    )
    assert json.loads(out.stdout) == []
