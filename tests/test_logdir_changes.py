"""Files and folders that change under the reader (issue 9, items 6, 7, 10, 11, 12): rewrites in
place, replaced files, rsync temp files, unreadable files and folders, symlinked runs."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tbx_tui.read.logdir import Logdir
from tbx_tui.read.runview import take
from tests import eventfiles as ef

pytestmark = pytest.mark.unit

EV = "events.out.tfevents.1.host"


def _points(n: int, value: float, wall: float = 1.0e9) -> list[bytes]:
    return [ef.scalar("loss", i, value, wall=wall) for i in range(n)]


def test_item6_rewritten_in_place_is_reread(tmp_path):
    path = ef.write(tmp_path / "r" / EV, ef.file_version(), *_points(200, 1.0))
    inode = os.stat(path).st_ino
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert len(ld.runs["r"].scalars["loss"]) == 200
    with open(path, "r+b") as f:  # what cp, scp and open('wb') do: same inode, new bytes
        f.truncate(0)
        f.write(b"".join([ef.file_version(), *_points(400, 2.0, wall=2.0e9)]))
    assert os.stat(path).st_ino == inode
    assert "r" in ld.refresh()
    run = ld.runs["r"]
    assert run.scalars["loss"].steps.tolist() == list(range(400))
    assert set(run.scalars["loss"].values.tolist()) == {2.0}
    assert run.warnings == 0


def test_item6_rewritten_to_the_same_size_is_reread(tmp_path):
    path = ef.write(tmp_path / "r" / EV, *_points(50, 1.0))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    before = os.stat(path)
    with open(path, "r+b") as f:
        f.write(b"".join(_points(50, 3.0)))  # same length, other values
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns + 10**9))  # a later write
    assert os.path.getsize(path) == before.st_size
    assert "r" in ld.refresh()
    assert set(ld.runs["r"].scalars["loss"].values.tolist()) == {3.0}


def test_item6_a_file_that_only_grows_is_not_reread(tmp_path):
    path = ef.write(tmp_path / "r" / EV, *_points(10, 1.0))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    run = ld.runs["r"]
    ef.append(path, ef.scalar("loss", 10, 1.0))
    ld.refresh()
    assert ld.runs["r"] is run  # read on, not from scratch
    assert len(run.scalars["loss"]) == 11


def test_item7_replaced_file_makes_newer_versions_and_the_view_follows(tmp_path):
    path = ef.write(tmp_path / "r" / EV, *_points(5, 1.0))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    old_view = take(ld.runs["r"])
    tmp = tmp_path / "tmp"
    ef.write(tmp, *_points(5, 7.0))  # as many points: the series' own counts end up equal
    os.replace(tmp, path)  # rsync's replace-by-rename
    assert "r" in ld.refresh()
    new_view = take(ld.runs["r"], old_view)
    assert new_view.version > old_view.version
    assert new_view.scalars["loss"].version > old_view.scalars["loss"].version
    assert new_view.scalars["loss"].values.tolist() == [7.0] * 5


def test_item7_dot_files_are_not_event_files(tmp_path):
    ef.write(tmp_path / "r" / EV, *_points(5, 1.0))
    # rsync writes the new copy into a dot-named temp file beside the old one
    ef.write(tmp_path / "r" / f".{EV}.Xy12Ab", *_points(5, 1.0))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    assert len(ld.runs["r"].scalars["loss"]) == 5


def test_item10_idle_refresh_reads_nothing(tmp_path, monkeypatch):
    for i in range(300):
        ef.write(tmp_path / "r" / f"events.out.tfevents.{i:04d}.h", ef.scalar("x", i, 1.0))
    ld = Logdir(str(tmp_path))
    ld.refresh()
    reads: list[str] = []
    original = ld.storage.read
    monkeypatch.setattr(ld.storage, "read", lambda p, s, e: reads.append(p) or original(p, s, e))
    assert ld.refresh() == set()
    assert reads == []
    ef.append(tmp_path / "r" / "events.out.tfevents.0123.h", ef.scalar("x", 999, 2.0))
    assert ld.refresh() == {"r"}
    assert {os.path.basename(p) for p in reads} == {"events.out.tfevents.0123.h"}
    assert len(ld.runs["r"].scalars["x"]) == 301


def test_item12_symlinked_run_folders_are_followed_once(tmp_path):
    logdir, outside = tmp_path / "logs", tmp_path / "elsewhere"
    ef.write(logdir / "exp1" / EV, *_points(3, 1.0))
    ef.write(outside / "exp42" / EV, *_points(4, 2.0))
    os.symlink(outside / "exp42", logdir / "latest")  # a run kept elsewhere
    os.symlink(logdir / "exp1", logdir / "alias")  # a second name for a run already here
    os.symlink(logdir, outside / "exp42" / "loop")  # and a loop back to the logdir
    os.symlink(tmp_path / "gone", logdir / "dangling")
    ld = Logdir(str(logdir))
    ld.refresh()
    assert list(ld.runs) == ["exp1", "latest"]
    assert len(ld.runs["latest"].scalars["loss"]) == 4
    assert ld.refresh() == set()


# -- permissions (item 11): run as a process that file modes apply to -------------------------


PROBE = """
import json, sys
from tbx_tui.read.logdir import Logdir
ld = Logdir(sys.argv[1])
for _ in range(3):
    ld.refresh()
print(json.dumps({"warnings": ld.warnings,
                  "runs": {n: [r.warning_messages, r.point_count()] for n, r in ld.runs.items()}}))
"""


def _shared_dir() -> Path:
    """A folder outside pytest's (mode 0700) tmp root, so modes are all that matters."""
    import tempfile

    path = Path(tempfile.mkdtemp(prefix="tbx-perm-"))
    path.chmod(0o755)
    return path


@pytest.fixture
def perm_logdir():
    root = _shared_dir()
    yield root
    for dirpath, dirnames, _ in os.walk(root):
        for d in dirnames:
            os.chmod(os.path.join(dirpath, d), 0o755)
    shutil.rmtree(root)


def _as_unprivileged(prefix: list[str], args: list[str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*prefix, *args], capture_output=True, text=True, timeout=60, cwd=Path(__file__).parents[1]
    )


def test_item11_unreadable_file_and_folder_warn_once(perm_logdir, unprivileged):
    ef.write(perm_logdir / "ok" / EV, *_points(3, 1.0))
    secret_file = ef.write(perm_logdir / "r" / EV, *_points(3, 1.0))
    ef.write(perm_logdir / "r" / "events.out.tfevents.2.host", *_points(2, 1.0))
    ef.write(perm_logdir / "locked" / EV, *_points(3, 1.0))
    secret_file.chmod(0)
    (perm_logdir / "locked").chmod(0)
    out = _as_unprivileged(unprivileged, [sys.executable, "-c", PROBE, str(perm_logdir)])
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert doc["warnings"] == [f"permission denied: {perm_logdir / 'locked'}"]
    assert doc["runs"]["r"] == [[f"permission denied: {secret_file}"], 2]
    assert doc["runs"]["ok"] == [[], 3]
    assert "locked" not in doc["runs"]


def test_item11_once_and_json_say_permission_denied(perm_logdir, unprivileged):
    ef.write(perm_logdir / "ok" / EV, *_points(3, 1.0))
    ef.write(perm_logdir / "locked" / EV, *_points(3, 1.0))
    (perm_logdir / "locked").chmod(0)
    tbx_top = [sys.executable, "-m", "tbx_tui"]
    text = _as_unprivileged(unprivileged, [*tbx_top, "--once", str(perm_logdir)])
    assert text.returncode == 0, text.stderr
    assert f"permission denied: {perm_logdir / 'locked'}" in text.stdout
    js = _as_unprivileged(unprivileged, [*tbx_top, "--once", "--json", str(perm_logdir)])
    doc = json.loads(js.stdout)
    assert doc["warnings"] == [f"permission denied: {perm_logdir / 'locked'}"]
    assert [r["name"] for r in doc["runs"]] == ["ok"]


def test_item11_unreadable_logdir_is_an_error_not_zero_runs(perm_logdir, unprivileged):
    ef.write(perm_logdir / "r" / EV, *_points(3, 1.0))
    perm_logdir.chmod(0)
    tbx_top = [sys.executable, "-m", "tbx_tui"]
    for mode in (["--once"], ["--once", "--json"], ["--export", "-"]):
        out = _as_unprivileged(unprivileged, [*tbx_top, *mode, str(perm_logdir)])
        assert out.returncode != 0, (mode, out.stdout)
        assert f"permission denied: {perm_logdir}" in out.stderr
        assert "0 runs" not in out.stdout


STEPWISE = """
import json, sys
from tbx_tui.read.logdir import Logdir
ld = Logdir(sys.argv[1])
ld.refresh()
print(json.dumps(sorted(ld.runs)), flush=True)
sys.stdin.readline()  # the test makes a folder unreadable meanwhile
ld.refresh()
ld.refresh()
print(json.dumps([sorted(ld.runs), ld.warnings, len(ld.runs["team/a"].scalars["loss"])]))
"""


def test_item11_runs_under_a_folder_that_becomes_unreadable_are_kept(perm_logdir, unprivileged):
    ef.write(perm_logdir / "team" / "a" / EV, *_points(3, 1.0))
    ef.write(perm_logdir / "b" / EV, *_points(3, 1.0))
    proc = subprocess.Popen(
        [*unprivileged, sys.executable, "-c", STEPWISE, str(perm_logdir)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).parents[1],
    )
    assert proc.stdout is not None and proc.stdin is not None
    assert json.loads(proc.stdout.readline()) == ["b", "team/a"]
    (perm_logdir / "team").chmod(0)
    out, _ = proc.communicate("go\n", timeout=60)
    runs, warnings, points = json.loads(out)
    assert runs == ["b", "team/a"] and points == 3
    assert warnings == [f"permission denied: {perm_logdir / 'team'}"]
