"""``tbx-top``'s error paths and exit codes, run for real in a fresh process."""

from __future__ import annotations

import subprocess

import pytest

from tbx_tui.cli import main
from tests.conftest import CORPUS, tbx_top

pytestmark = pytest.mark.unit


def assert_one_line_error(proc: subprocess.CompletedProcess, needle: str) -> None:
    assert proc.returncode == 2
    assert proc.stdout == ""
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("tbx-top: error:") and needle in lines[0]


@pytest.mark.parametrize("extra", [[], ["--json"]])
def test_missing_logdir_exits_2(tmp_path, extra):
    proc = tbx_top(str(tmp_path / "nope"), "--once", *extra, text=True)
    assert_one_line_error(proc, "does not exist")


def test_missing_logdir_for_export_exits_2(tmp_path):
    proc = tbx_top(str(tmp_path / "nope"), "--export", "-", text=True)
    assert_one_line_error(proc, "does not exist")


def test_file_instead_of_logdir_exits_2(tmp_path):
    path = tmp_path / "events.out.tfevents.1.x"
    path.write_bytes(b"")
    proc = tbx_top(str(path), "--once", text=True)
    assert_one_line_error(proc, "is not a directory")


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["--once", "--filter", "("], "--filter"),
        (["--once", "--runs", "[a-"], "--runs"),
        (["--json"], "--json goes with --once"),
        (["--once", "--width", "5"], "--width"),
        (["--once", "--export", "out.csv"], "use one of them"),
        (["--demo"], "--demo writes its runs to a temporary folder"),
    ],
)
def test_bad_arguments_exit_2(args, needle):
    proc = tbx_top(str(CORPUS), *args, text=True)
    assert_one_line_error(proc, needle)


def test_unknown_flag_exits_2():
    proc = tbx_top(str(CORPUS), "--once", "--no-such-flag", text=True)
    assert proc.returncode == 2
    assert "unrecognized arguments" in proc.stderr


def test_empty_logdir_exits_0(tmp_path):
    proc = tbx_top(str(tmp_path), "--once", text=True)
    assert proc.returncode == 0
    assert proc.stderr == ""
    assert proc.stdout == f"{tmp_path}: 0 runs\nno event files found\n"


def test_damaged_logdir_exits_0():
    for run in ("badcrc", "badlen", "garbage", "hugelen", "truncated"):
        proc = tbx_top(str(CORPUS / "edge" / run), "--once", "--width", "200", text=True)
        assert proc.returncode == 0, (run, proc.stderr)
        assert proc.stderr == ""
        if run != "truncated":  # a write in progress is not damage
            assert "1 warning: damaged event data" in proc.stdout, run
        else:
            assert "warning" not in proc.stdout


def test_main_returns_exit_code_in_process(capsys, tmp_path):
    assert main([str(tmp_path), "--once", "--json"]) == 0
    assert capsys.readouterr().out.startswith("{")
    with pytest.raises(SystemExit) as exc:
        main([str(tmp_path / "gone"), "--once"])
    assert exc.value.code == 2
    assert "does not exist" in capsys.readouterr().err


def test_once_on_the_current_directory():
    proc = tbx_top("--once", cwd=CORPUS / "edge" / "deep", text=True)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == ".: 1 run"
    assert "run a/b/c" in proc.stdout
