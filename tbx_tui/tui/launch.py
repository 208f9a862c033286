"""What ``tbx-top`` calls to open the app: on a logdir, or on a demo logdir being written."""

from __future__ import annotations

import argparse
import os
import re
import shutil
import signal
import sys
import tempfile
import threading

#: Seconds a thread holding the GIL runs before it must hand it over to one waiting (Python's
#: default: 0.005). The UI thread takes the GIL back after every wait for input or output, a
#: dozen times for one key; while a render thread draws (pure Python: plotext, picture cells),
#: each of those waited for up to the whole interval.
SWITCH_INTERVAL = 0.001


def run_app(
    logdir: str,
    args: argparse.Namespace,
    tag_re: re.Pattern[str] | None,
    run_re: re.Pattern[str] | None,
    remove_on_hangup: str | None = None,
) -> int:
    end_on_signals(remove_on_hangup)
    from tbx_tui.tui import collector

    collector.pause_for_start()  # until the first frame is painted (see tbx_tui.tui.collector)
    sys.setswitchinterval(SWITCH_INTERVAL)
    try:
        return _run(logdir, args, tag_re, run_re)
    finally:
        collector.ensure_running()


def _run(
    logdir: str,
    args: argparse.Namespace,
    tag_re: re.Pattern[str] | None,
    run_re: re.Pattern[str] | None,
) -> int:
    from tbx_tui.term.termcaps import ascii_only
    from tbx_tui.term.termgraphics import (
        query_sixel_geometry,
        resolve,
        take_typed_ahead,
        tmux_passthrough,
    )
    from tbx_tui.tui.app import create_app

    ascii = bool(getattr(args, "ascii", False)) or ascii_only()  # decided once, here

    # sixel/kitty are detected before the app starts (the terminal is asked only now), and so is
    # the largest sixel image the terminal draws (xterm drops larger ones without a trace)
    requested = getattr(args, "images", "auto")
    images = "ascii" if ascii and requested == "auto" else resolve(requested, interactive=True)
    sixel_limit = query_sixel_geometry() if images == "sixel" else None
    app = create_app(
        logdir,
        poll=args.poll,
        tag_filter=tag_re,
        run_filter=run_re,
        images=images,
        ascii=ascii,
        sixel_limit=sixel_limit,
        tmux_passthrough=tmux_passthrough() if images in ("sixel", "kitty") else None,
        typed_ahead=take_typed_ahead(),  # (asking the terminal read them)
    )
    app.run()
    return app.return_code or 0


def run_demo(
    args: argparse.Namespace,
    tag_re: re.Pattern[str] | None,
    run_re: re.Pattern[str] | None,
) -> int:
    """The app on a temporary folder that a demo job writes into. The job (numpy, the writer)
    loads and starts on a thread while the app paints its first frame; the folder is removed
    when the app ends, by ``q``, SIGHUP or SIGTERM alike (see :func:`end_on_signals`)."""
    end_on_signals()
    with tempfile.TemporaryDirectory(prefix="tbx-top-demo-") as logdir:
        end_on_signals(remove_on_hangup=logdir)  # before the job's thread takes the GIL
        jobs: list = []
        starter = threading.Thread(
            target=_start_demo, args=(logdir, jobs), name="demo-start", daemon=True
        )
        starter.start()
        try:
            return run_app(logdir, args, tag_re, run_re, remove_on_hangup=logdir)
        finally:
            starter.join()
            for job in jobs:
                job.stop()


def _start_demo(logdir: str, jobs: list) -> None:
    from tbx_tui.demo.job import DemoJob

    job = DemoJob(logdir)
    job.start()
    jobs.append(job)


def end_on_signals(remove_on_hangup: str | None = None) -> None:
    """How tbx-top ends on a signal, from before the app starts.

    SIGHUP: the terminal is gone (an SSH session dropped, ``tmux kill-session``), so there is
    nothing on it to restore: remove ``remove_on_hangup`` (the demo's folder) and end at once.
    Textual's orderly exit would write to the dead terminal, and after the SIGCONT that comes with
    a hang-up it restarts its output and then waits on it forever.

    SIGTERM: an orderly exit. Until the app has mounted (and put in its own handler, which exits as
    ``q`` does) it raises ``SystemExit``, so that what the caller does on the way out still runs.
    """

    def hang_up(signum: int, _frame: object) -> None:
        if remove_on_hangup is not None:
            shutil.rmtree(remove_on_hangup, ignore_errors=True)
        os._exit(128 + signum)

    def terminate(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    if hasattr(signal, "SIGHUP"):  # (not on Windows)
        signal.signal(signal.SIGHUP, hang_up)
    signal.signal(signal.SIGTERM, terminate)
