"""``tbx-top --demo`` removes its temporary folder however it ends: ``q``, SIGHUP (an SSH
session that drops) or SIGTERM. Run for real: the CLI in a subprocess on a pseudo-terminal."""

from __future__ import annotations

import os
import pty
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
