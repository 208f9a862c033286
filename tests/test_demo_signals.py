"""``tbx-top --demo`` removes its temporary folder however it ends: ``q``, SIGHUP (an SSH
session that drops) or SIGTERM, and a terminal that goes away (``tmux kill-session``) ends it
at any moment, also while it starts. Run for real: the CLI in a subprocess on a
pseudo-terminal, or in a real tmux."""

from __future__ import annotations

import os
import pty
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.fault

ROOT = Path(__file__).resolve().parent.parent


def _drain(fd: int) -> None:
    """Read what the app draws, so that it never blocks on a full terminal."""
    try:
        while os.read(fd, 65536):
            pass
    except OSError:  # the terminal side was closed
        pass


def _demo_folders(tmp: Path) -> list[Path]:
    return [p for p in tmp.glob("tbx-top-demo-*") if p.is_dir()]


def _has_event_files(folder: Path) -> bool:
    return any("tfevents" in p.name for p in folder.rglob("*"))


@pytest.mark.parametrize("how", ["SIGHUP", "SIGTERM", "q"])
def test_demo_removes_its_folder(tmp_path, how):
    main, tty = pty.openpty()
    env = {**os.environ, "TMPDIR": str(tmp_path), "TERM": "xterm-256color"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "tbx_tui.cli", "--demo", "--images", "halfblock"],
        stdin=tty,
        stdout=tty,
        stderr=tty,
        env=env,
        cwd=ROOT,
        start_new_session=True,
    )
    os.close(tty)
    reader = threading.Thread(target=_drain, args=(main,), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60  # a cap for slow machines, not a speed check
        while time.monotonic() < deadline:
            folders = _demo_folders(tmp_path)
            if folders and _has_event_files(folders[0]):
                break
            time.sleep(0.1)
        assert folders and _has_event_files(folders[0]), "the demo never wrote"
        time.sleep(1.0)  # the app is up and reading
        if how == "q":
            os.write(main, b"q")
        else:
            proc.send_signal(getattr(signal, how))
        assert proc.wait(timeout=60) is not None
        assert not folders[0].exists(), f"{folders[0]} left behind after {how}"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(main)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
@pytest.mark.parametrize("when", ["starting", "running"])
def test_demo_ends_when_its_terminal_goes_away(tmp_path, when):
    """``tmux kill-session`` hangs the terminal up (SIGHUP, then SIGCONT). Before: Textual
    restarted its terminal output on that SIGCONT and its exit then waited forever (the process
    stayed, the demo writing into its folder); and a SIGHUP before the app had mounted killed the
    process before it removed its folder."""
    server = f"tbx-hup-{os.getpid()}-{when}"
    command = shlex.join([sys.executable, "-m", "tbx_tui.cli", "--demo", "--images", "halfblock"])
    env = {**os.environ, "TMPDIR": str(tmp_path), "TERM": "xterm-256color"}
    tmux = ["tmux", "-L", server]
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "demo", "-x", "160", "-y", "48", f"exec {command}"],
        env=env,
        cwd=ROOT,
        check=True,
    )
    try:
        shown = subprocess.run(
            [*tmux, "display-message", "-p", "-t", "demo", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        )
        pid = int(shown.stdout)
        deadline = time.monotonic() + 60  # a cap for slow machines, not a speed check
        while time.monotonic() < deadline:
            folders = _demo_folders(tmp_path)
            if folders and (when == "starting" or _has_event_files(folders[0])):
                break
            time.sleep(0.05)
        assert folders, "the demo never made its folder"
        if when == "running":
            time.sleep(1.5)  # the app is up, drawing what the demo writes
        subprocess.run([*tmux, "kill-session", "-t", "demo"], check=True)
        deadline = time.monotonic() + 30
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not _alive(pid), "tbx-top --demo still runs after its terminal went away"
        assert not folders[0].exists(), f"{folders[0]} left behind"
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
        if "pid" in locals() and _alive(pid):
            os.kill(pid, signal.SIGKILL)
