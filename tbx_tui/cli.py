"""The ``tbx-top`` entry point: headless modes here, the Textual app imported only when needed."""

from __future__ import annotations

import argparse
import os
import re
import sys

from tbx_tui import __version__

IMAGE_MODES = ("auto", "sixel", "kitty", "halfblock", "ascii", "none")


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="tbx-top",
        description="Watch TensorBoard event files in the terminal: live dashboard or headless.",
    )
    p.add_argument("logdir", nargs="?", default=None, help="log directory (default: current)")
    p.add_argument("--demo", action="store_true", help="write demo runs to a temp dir and watch")
    p.add_argument("--once", action="store_true", help="print a one-shot report and exit")
    p.add_argument("--json", action="store_true", help="with --once: the report as one JSON doc")
    p.add_argument(
        "--export",
        metavar="FILE",
        help="write every scalar point as CSV (run,tag,step,wall_time,value); "
        "'-' for stdout; a .jsonl name writes JSON lines",
    )
    p.add_argument(
        "--check",
        metavar="RULES",
        help="read once and print an alert per problem; exit 1 if any (for cron/CI). RULES: "
        "comma-separated nan, TAG>X, TAG<X (TAG a regex), stalled>DURATION (e.g. 10m)",
    )
    p.add_argument("--filter", metavar="REGEX", help="only tags matching REGEX (re.search)")
    p.add_argument("--runs", metavar="REGEX", help="only runs matching REGEX (re.search)")
    p.add_argument("--width", type=int, metavar="N", help="report width (default: terminal)")
    p.add_argument(
        "--poll", type=float, metavar="SECONDS", help="poll every SECONDS instead of watching"
    )
    p.add_argument(
        "--images", choices=IMAGE_MODES, default="auto", help="how to draw images (default auto)"
    )
    p.add_argument(
        "--ascii",
        action="store_true",
        help="draw ASCII only (default: when the locale or output encoding is not UTF-8)",
    )
    p.add_argument("--version", action="version", version=f"tbx-top {__version__}")
    return p


def _compile(parser: argparse.ArgumentParser, flag: str, pattern: str | None) -> re.Pattern | None:
    if pattern is None:
        return None
    try:
        return re.compile(pattern)
    except re.error as exc:
        parser.exit(2, f"tbx-top: error: {flag} {pattern!r} is not a valid regex: {exc}\n")


def logdir_problem(logdir: str) -> str | None:
    """Why ``logdir`` cannot be watched at all, or None. A URL needs its fsspec backend
    (an empty or missing prefix is fine: runs may appear later); a local folder must exist and
    be readable."""
    from tbx_tui.storage.location import MissingBackend, filesystem, is_url, local_path

    if is_url(logdir):
        try:
            filesystem(logdir)
        except MissingBackend as exc:
            return str(exc)
        return None
    path = local_path(logdir)
    if not os.path.exists(path):
        return f"logdir {logdir!r} does not exist"
    if not os.path.isdir(path):
        return f"logdir {logdir!r} is not a directory"
    try:
        with os.scandir(path):
            pass
    except PermissionError:
        return f"permission denied: {os.path.abspath(path)}"
    return None


def main(argv: list[str] | None = None) -> int:
    # tbx-top does no linear algebra: one BLAS thread. OpenBLAS starts a thread per core when
    # numpy is imported, and they spin for work: numpy's import took 100 ms instead of 50 on 2
    # busy cores, on the way to the app's first chart. A value the user set is kept.
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    parser = build_parser()
    args = parser.parse_args(argv)
    tag_re = _compile(parser, "--filter", args.filter)
    run_re = _compile(parser, "--runs", args.runs)
    if args.poll is not None and args.poll <= 0:
        parser.exit(2, "tbx-top: error: --poll needs a positive number of seconds\n")
    if args.width is not None and args.width < 20:
        parser.exit(2, "tbx-top: error: --width must be at least 20\n")
    if args.once and args.export:
        parser.exit(
            2,
            "tbx-top: error: --once prints a report and --export writes every point; "
            "use one of them at a time\n",
        )
    if args.demo:
        if args.once or args.export or args.json or args.check is not None:
            parser.exit(
                2,
                "tbx-top: error: --demo opens the app; it can't be combined with "
                "--once, --json, --export or --check\n",
            )
        if args.logdir is not None:
            parser.exit(
                2,
                f"tbx-top: error: --demo writes its runs to a temporary folder and watches that; "
                f"drop --demo to watch {args.logdir!r}\n",
            )
        from tbx_tui.tui.launch import run_demo

        return run_demo(args, tag_re, run_re)
    logdir = args.logdir if args.logdir is not None else "."
    problem = logdir_problem(logdir)
    if problem is not None:
        parser.exit(2, f"tbx-top: error: {problem}\n")
    if args.json and not args.once:
        parser.exit(2, "tbx-top: error: --json goes with --once\n")
    if args.check is not None:
        from tbx_tui.headless.check import run_check

        return run_check(logdir, args.check, tag_re, run_re)
    if args.export:
        from tbx_tui.headless.export import export

        return export(logdir, args.export, tag_re, run_re)
    if args.once:
        from tbx_tui.headless.report import report

        return report(logdir, args, tag_re, run_re)
    from tbx_tui.tui.launch import run_app

    return run_app(logdir, args, tag_re, run_re)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
