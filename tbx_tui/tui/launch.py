"""What ``tbx-top`` calls to open the app: on a logdir, or on a demo logdir being written."""

from __future__ import annotations

import argparse
import re
import threading


def run_app(
    logdir: str,
    args: argparse.Namespace,
    tag_re: re.Pattern[str] | None,
    run_re: re.Pattern[str] | None,
) -> int:
    from tbx_tui.term.termcaps import ascii_only
    from tbx_tui.term.termgraphics import query_sixel_geometry, resolve, tmux_passthrough
    from tbx_tui.tui.app import create_app

    ascii = bool(getattr(args, "ascii", False)) or ascii_only()  # decided once, here

    # sixel/kitty are detected before the app starts (the terminal is asked only now), and so is
    # the largest sixel image the terminal draws (xterm drops larger ones without a trace)
    requested = getattr(args, "images", "auto")
    images = "ascii" if ascii and requested == "auto" else resolve(requested, interactive=True)
    app = create_app(
        logdir,
        poll=args.poll,
        tag_filter=tag_re,
        run_filter=run_re,
        images=images,
        ascii=ascii,
        sixel_limit=query_sixel_geometry() if images == "sixel" else None,
        tmux_passthrough=tmux_passthrough() if images in ("sixel", "kitty") else None,
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
    when the app ends, by ``q``, SIGHUP or SIGTERM alike (see ``TbxTop._exit_on_hangup``)."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="tbx-top-demo-") as logdir:
        jobs: list = []
        starter = threading.Thread(
            target=_start_demo, args=(logdir, jobs), name="demo-start", daemon=True
        )
        starter.start()
        try:
            return run_app(logdir, args, tag_re, run_re)
        finally:
            starter.join()
            for job in jobs:
                job.stop()


def _start_demo(logdir: str, jobs: list) -> None:
    from tbx_tui.demo.job import DemoJob

    job = DemoJob(logdir)
    job.start()
    jobs.append(job)
