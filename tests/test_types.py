"""The package ships ``py.typed``, so its annotations must hold: ``mypy tbx_tui`` (configured in
pyproject.toml's ``[tool.mypy]``) is clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

ROOT = Path(__file__).resolve().parents[1]


def test_mypy_is_clean():
    exe = shutil.which("mypy", path=str(Path(sys.executable).parent)) or shutil.which("mypy")
    if exe is None:
        pytest.skip("mypy is not installed (it comes with the test extra)")
    # the config (files, strictness, the untyped libraries) lives in pyproject.toml; the cache
    # in .mypy_cache makes every run after the first incremental
    out = subprocess.run([exe, "tbx_tui"], cwd=ROOT, capture_output=True, text=True)
    assert out.returncode == 0, f"mypy tbx_tui failed:\n{out.stdout}{out.stderr}"
    assert "Success: no issues found" in out.stdout


def test_py_typed_ships_with_the_package():
    assert (ROOT / "tbx_tui" / "py.typed").is_file()
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["tbx_tui"]
    assert config["tool"]["mypy"]["check_untyped_defs"] is True
