"""The layers hold: import-linter's contracts (pyproject.toml) pass, a wrong import fails them with
a message naming it, and reading and the headless report load neither textual nor rich."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.unit


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    """Run ``lint-imports`` on the package and contracts under ``root`` (no cache written)."""
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if exe is None:
        pytest.skip("import-linter is not installed (it comes with the dev extra)")
    return subprocess.run(
        [exe, "--no-cache"],
        cwd=root,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_import_contracts_are_kept():
    out = lint_imports(ROOT)
    assert out.returncode == 0, out.stdout + out.stderr
    assert " 0 broken." in out.stdout, out.stdout


@pytest.fixture
def package_copy(tmp_path: Path) -> Path:
    """A copy of the package and its contracts, free to receive a wrong import."""
    shutil.copytree(ROOT / "tbx_tui", tmp_path / "tbx_tui", ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path)
    return tmp_path


#: (module, a wrong import in it, what the report must name); all go in at once, one lint run
WRONG_IMPORTS = [
    # the reader reaching up into the app
    ("read/probe.py", "from tbx_tui.tui import app", "tbx_tui.read.probe -> tbx_tui.tui.app"),
    # the framing layer reaching up into the writer
    ("tfrecord/probe.py", "import tbx_tui.writer.event_file", "tbx_tui.tfrecord.probe -> "),
    # pure drawing logic importing a TUI library
    ("view/probe.py", "import rich.text", "tbx_tui.view.probe -> rich"),
]


def test_wrong_imports_fail_naming_them(package_copy):
    for module, line, _ in WRONG_IMPORTS:
        (package_copy / "tbx_tui" / module).write_text(f'"""probe."""\n\n{line}  # noqa: F401\n')
    out = lint_imports(package_copy)
    assert out.returncode != 0
    assert "BROKEN" in out.stdout, out.stdout
    for _, _, named in WRONG_IMPORTS:
        assert named in out.stdout, (named, out.stdout)


def test_reader_and_report_import_no_tui_library():
    code = (
        "import json, sys, tbx_tui, tbx_tui.read.logdir, tbx_tui.headless.report, tbx_tui.cli\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in"
        " ('textual', 'rich'))))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert json.loads(proc.stdout) == []
