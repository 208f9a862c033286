"""Keys typed as soon as ``tbx-top`` is entered, before the app has started, or typed faster
than the app handles them (a paste, ``tmux send-keys``): none is lost or goes to the wrong place.
"""

from __future__ import annotations

import asyncio
import os
import select
import shlex
import shutil
import subprocess
import sys
import time

import pytest
from textual import events

from tests.conftest import CORPUS, ROOT, loaded, make_app, wait_for

pytestmark = pytest.mark.app

DA1 = "\x1b[?62;4;22c"


def test_keys_typed_while_the_terminal_is_asked_are_kept_for_the_app():
    """The launcher asks the terminal what it draws; what it reads back holds the answer and
    whatever was typed before it: the typed part is handed to the app, the answer is not."""
    main, tty = os.openpty()
    probe = (
        "from tbx_tui.term import termgraphics as t\n"
        "import sys\n"
        "print(repr(t.query_device_attributes()), repr(t.take_typed_ahead()),"
        " repr(t.take_typed_ahead()), file=open(int(sys.argv[1]), 'w'))"
    )
    out_read, out_write = os.pipe()
    child = subprocess.Popen(
        [sys.executable, "-c", probe, str(out_write)],
        stdin=tty,
        stdout=tty,
        pass_fds=(out_write,),
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    os.close(out_write)
    try:
        asked = b""
        while not asked.endswith(b"\x1b[c"):  # the query, once the child is listening
            ready, _, _ = select.select([main], [], [], 30)
            assert ready, "the child never asked"
            asked += os.read(main, 64)
        os.write(main, ("/lo\x1b[A" + DA1).encode())
        reply = b""
        while chunk := os.read(out_read, 1024):
            reply += chunk
        assert child.wait(timeout=30) == 0
    finally:
        child.kill()
        os.close(main)
        os.close(tty)
        os.close(out_read)
    assert reply.decode().split() == [repr(DA1), repr("/lo\x1b[A"), "''"]


def test_keys_right_after_slash_or_r_reach_the_box_however_fast():
    """``/`` and ``r`` act before the focused widget sees them: the keys queued right behind
    them go to the box they opened, not to the run tree (where ``a`` shows every run)."""

    async def go() -> None:
        app = make_app(CORPUS)
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)

            def typed(text: str) -> None:
                for char in text:  # all queued at once, as a paste arrives
                    key = {"/": "slash"}.get(char, char)
                    app.post_message(events.Key(key, char))

            typed("/loss")
            assert await wait_for(pilot, lambda: app.state.tag_re is not None)
            await pilot.pause()
            assert app.state.tag_re.pattern == "loss"
            typed("\r")  # enter: back to the cards
            await pilot.press("escape")  # clears it
            assert await wait_for(pilot, lambda: app.state.tag_re is None)
            app.query_one("#run-tree").focus()
            await pilot.pause()
            typed("rmain")
            assert await wait_for(pilot, lambda: app.state.run_re is not None)
            await pilot.pause()
            assert app.state.run_re.pattern == "main"
            assert "/" not in app.query_one("#run-filter").value

    asyncio.run(go())


@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_keys_typed_before_the_app_started_are_its_first_keys(tmp_path):
    """In a real terminal: ``/loss`` typed while the shell still sleeps, before tbx-top runs
    (the terminal holds it, and the launcher's terminal query reads it), filters the tags; a
    ``q`` typed then quits."""
    tmux = ["tmux", "-L", f"tbx-typed-{os.getpid()}"]
    top = shlex.join([sys.executable, "-m", "tbx_tui.cli", str(CORPUS)])
    done = tmp_path / "done"
    script = f"sleep 1; {top}; echo $? > {shlex.quote(str(done))}; sleep 60"
    env = {**os.environ, "TERM": "xterm-256color", "PYTHONPATH": str(ROOT)}
    subprocess.run(
        [*tmux, "new-session", "-d", "-s", "t", "-x", "120", "-y", "30", script],
        env=env,
        check=True,
    )

    def pane() -> str:
        out = subprocess.run([*tmux, "capture-pane", "-p", "-t", "t"], capture_output=True)
        return out.stdout.decode("utf-8", "replace")

    try:
        subprocess.run([*tmux, "send-keys", "-t", "t", "/loss"], check=True)  # during the sleep
        deadline = time.monotonic() + 60  # a cap for slow machines, not a speed check

        def titles() -> list[str]:
            return [line for line in pane().splitlines() if "╭─" in line]

        while time.monotonic() < deadline and not titles():
            time.sleep(0.1)
        assert titles() and all("loss" in line for line in titles()), pane()
        subprocess.run([*tmux, "send-keys", "-t", "t", "Enter"], check=True)
        time.sleep(1.0)  # enter hands the keyboard back to the cards: q is then no character
        subprocess.run([*tmux, "send-keys", "-t", "t", "q"], check=True)
        while time.monotonic() < deadline and not done.exists():
            time.sleep(0.1)
        assert done.exists() and done.read_text().strip() == "0", pane()
    finally:
        subprocess.run([*tmux, "kill-server"], capture_output=True)
