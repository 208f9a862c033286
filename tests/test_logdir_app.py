"""The app says "permission denied: PATH" for an unreadable folder, once (issue 9 item 11).

The app runs in a child process whose file modes apply to it (see the ``unprivileged``
fixture): root reads a ``chmod 000`` folder anyway."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests import eventfiles as ef

pytestmark = pytest.mark.app

ROOT = Path(__file__).resolve().parents[1]

APP = """
import asyncio, json, sys
from tbx_tui.tui.app import create_app
from tests.conftest import loaded, wait_for

async def go():
    app = create_app(sys.argv[1], poll=0.1)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        def toasts():
            return [str(t.render()) for t in app.screen.query("Toast")]

        await loaded(pilot)
        found = await wait_for(pilot, lambda: any("permission denied" in t for t in toasts()))
        for _ in range(10):  # more refreshes: no second notification
            await pilot.pause(0.1)
        print(json.dumps([found, toasts(), sorted(app.state.runs)]))

asyncio.run(go())
"""


def test_item11_app_notifies_permission_denied_once(tmp_path, unprivileged):
    import tempfile

    logdir = Path(tempfile.mkdtemp(prefix="tbx-perm-app-"))
    try:
        logdir.chmod(0o755)
        ef.write(logdir / "ok" / "events.out.tfevents.1.h", ef.scalar("loss", 0, 1.0))
        ef.write(logdir / "locked" / "events.out.tfevents.1.h", ef.scalar("loss", 0, 1.0))
        (logdir / "locked").chmod(0)
        out = subprocess.run(
            [*unprivileged, sys.executable, "-c", APP, str(logdir)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
        assert out.returncode == 0, out.stderr[-2000:]
        found, toasts, runs = json.loads(out.stdout.strip().splitlines()[-1])
        assert found and toasts == [f"permission denied: {logdir / 'locked'}"]
        assert runs == ["ok"]
    finally:
        (logdir / "locked").chmod(0o755)
        import shutil

        shutil.rmtree(logdir)
