"""The code base stays ruff clean (generated protobuf code excluded in pyproject.toml), and
textual/rich stay inside tbx_tui/tui (ruff's banned-api rule, configured in pyproject.toml)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]


def _ruff() -> list[str]:
    exe = shutil.which("ruff", path=str(Path(sys.executable).parent)) or shutil.which("ruff")
    if exe is None:
        pytest.skip("ruff is not installed (it comes with the test extra)")
    return [exe]


def test_ruff_check_is_clean():
    out = subprocess.run([*_ruff(), "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, out.stdout + out.stderr


def test_textual_outside_tui_is_flagged(tmp_path):
    probe = ROOT / "tbx_tui" / "_lint_probe.py"
    probe.write_text('"""probe."""\n\nimport textual  # noqa: F401\n')
    try:
        out = subprocess.run(
            [*_ruff(), "check", "--select", "TID251", str(probe)],
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
    finally:
        probe.unlink()
    assert out.returncode == 1 and "TID251" in out.stdout
