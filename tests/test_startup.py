"""The app paints before the heavy modules load: importing it (what ``tbx-top`` does before its
first frame) pulls in none of plotext, matplotlib, PIL, numpy or the reader; they load on
workers once the first frame is on screen."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

pytestmark = pytest.mark.unit

HEAVY = ["plotext", "matplotlib", "PIL", "numpy", "google.protobuf", "tbx_tui.read.logdir"]
#: Light, but not needed to paint either: loaded when first used (help on ``?``, package
#: metadata for an error message).
DEFERRED = ["tbx_tui.tui.help", "importlib.metadata"]


def modules_after(code: str) -> set[str]:
    probe = f"import sys, json\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(out.stdout.splitlines()[-1]))


def test_the_app_module_imports_nothing_heavy():
    loaded = modules_after(
        "import tbx_tui.cli, tbx_tui.tui.launch, tbx_tui.term.termgraphics\n"
        "from tbx_tui.tui.app import create_app\n"
        "create_app('.')"
    )
    assert "textual" in loaded
    assert not [name for name in HEAVY if name in loaded]
    assert not [name for name in DEFERRED if name in loaded]


def test_plot_imports_plotext_without_its_documentation():
    loaded = modules_after("import tbx_tui.view.plot")
    assert "plotext" in loaded and "plotext._doc.doc" not in loaded


@pytest.mark.parametrize("users", [None, "4"])
def test_tbx_top_asks_for_one_blas_thread_unless_the_user_chose(users):
    """numpy's import starts OpenBLAS's threads, one per core, spinning for work tbx-top never
    gives them; the variable must be set before that import (the app imports numpy after its
    first frame, the headless modes when they read)."""
    from tests.conftest import CORPUS

    env = "" if users is None else f"os.environ['OPENBLAS_NUM_THREADS'] = {users!r}\n"
    probe = (
        "import os, sys\n"
        "os.environ.pop('OPENBLAS_NUM_THREADS', None)\n"
        f"{env}"
        "from tbx_tui import cli\n"
        f"cli.main(['--once', {str(CORPUS / 'tbx')!r}])\n"
        "print('numpy' in sys.modules, os.environ['OPENBLAS_NUM_THREADS'])"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    assert out.stdout.splitlines()[-1] == f"True {users or '1'}"
