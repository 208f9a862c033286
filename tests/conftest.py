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
