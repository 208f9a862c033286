"""Shared fixtures: a private copy of the event-file corpus for every test that needs one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "data" / "corpus"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of tests/data/corpus (tests may grow, damage or replace its files)."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture
def unprivileged() -> list[str]:
    """A command prefix that runs a command without the power to read what its mode forbids.

    Tests often run as root, which reads a ``chmod 000`` file anyway: root then runs the command
    through ``setpriv`` with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped, so file modes
    apply to it like to anyone. Another user needs nothing.
    """
    import os

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): cannot drop read rights")
    drop = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}"]
