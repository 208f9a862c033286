"""The quick look at a local logdir that lists the runs in the app's first frame."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tbx_tui.read.logdir import Logdir
from tbx_tui.read.runnames import quick_run_names
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit


def test_it_finds_the_runs_the_reader_finds_in_the_corpus():
    reader = Logdir(str(CORPUS))
    try:
        reader.refresh()
        assert quick_run_names(str(CORPUS), max_seconds=60) == sorted(reader.runs)
    finally:
        reader.close()


def test_a_url_is_left_to_the_reader():
    assert quick_run_names("s3://bucket/logs") == []


def test_links_are_not_followed_and_unreadable_or_missing_folders_give_nothing(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "events.out.tfevents.1.host").write_bytes(b"")
    (tmp_path / "real" / ".events.out.tfevents.2.host").write_bytes(b"")  # an rsync temp
    (tmp_path / "stub").mkdir()
    (tmp_path / "stub" / "events.out.tfevents.3.host.profile-empty").write_bytes(b"")
    os.symlink(tmp_path / "real", tmp_path / "link")
    assert quick_run_names(str(tmp_path), max_seconds=60) == ["real"]
    assert quick_run_names(str(tmp_path / "missing")) == []


def test_it_stops_after_its_folder_budget(tmp_path):
    for i in range(6):
        run = tmp_path / f"run{i}"
        run.mkdir()
        (run / "events.out.tfevents.1.host").write_bytes(b"")
    assert len(quick_run_names(str(tmp_path), max_folders=3, max_seconds=60)) == 2  # root + 2
    assert len(quick_run_names(str(tmp_path), max_seconds=60)) == 6


def test_it_loads_neither_numpy_nor_protobuf():
    """It runs before the first frame, when the reader (numpy, protobuf) is not loaded yet."""
    code = (
        "import sys; from tbx_tui.read.runnames import quick_run_names; "
        f"assert quick_run_names({str(CORPUS)!r}); "
        "print(sorted(m for m in ('numpy', 'google.protobuf') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
