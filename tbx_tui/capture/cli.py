"""The ``tbx-log`` entry point: monitor any job from what it prints.

tbx-log [-d LOGDIR] [-n RUN] [options] -- CMD [ARGS...]   run CMD, log what it prints
CMD | tbx-log [-d LOGDIR] [-n RUN] [options]              the same for a pipe
tbx-log --sys [-d LOGDIR] [-n RUN]                        system metrics until stopped
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import stat
import sys
import threading
import time

from tbx_tui import __version__
from tbx_tui.capture.signals import SignalGate

# The rest of tbx_tui (numpy, whose import starts a thread, with it) is imported in ``main`` once
# the signal gate is open: see tbx_tui.capture.signals.

PROG = "tbx-log"


def build_parser() -> argparse.ArgumentParser:
    from tbx_tui.capture.parse import STEP_KEYS

    p = argparse.ArgumentParser(
        prog=PROG,
        usage="%(prog)s [-d LOGDIR] [-n RUN] [options] [-- CMD [ARGS...]]",
        description="Run CMD (or read stdin), pass its output through unchanged, and log the "
        "numbers it prints (key=value, key: value, JSON lines, CSV) and its console as "
        "TensorBoard event files. Exits with CMD's exit code.",
    )
    p.add_argument("-d", "--logdir", default="runs", help="log directory (default: runs)")
    p.add_argument(
        "-n", "--name", metavar="RUN", help="run name (default: the command's name and the time)"
    )
    p.add_argument(
        "--pattern",
        metavar="REGEX",
        action="append",
        default=[],
        help="a regex with named groups, each a value (a group named like the step key is the "
        "step); tried before the built-in formats; may be repeated",
    )
    p.add_argument(
        "--step-key",
        metavar="KEY",
        help=f"the key holding the step (default: the first of {', '.join(STEP_KEYS)} present, "
        "else the last step seen, else the line number)",
    )
    p.add_argument(
        "--sys",
        action="store_true",
        help="also log CPU, memory, disk, network and GPU metrics (sys/...); with no command "
        "and no pipe, watch the machine until stopped",
    )
    p.add_argument(
        "--sys-interval",
        type=float,
        metavar="SECONDS",
        help="seconds between system samples (default: 5)",
    )
    p.add_argument(
        "--flush-secs",
        type=float,
        default=0.5,
        metavar="SECONDS",
        help="how long a value may wait before it is written (default: 0.5)",
    )
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    p.add_argument("command", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    return p


def _fail(parser: argparse.ArgumentParser, message: str) -> None:
    parser.exit(2, f"{PROG}: error: {message}\n")


def _patterns(parser: argparse.ArgumentParser, texts: list[str]) -> list[re.Pattern[str]]:
    out = []
    for text in texts:
        try:
            pattern = re.compile(text)
        except re.error as exc:
            _fail(parser, f"--pattern {text!r} is not a valid regex: {exc}")
        if not pattern.groupindex:
            _fail(parser, f"--pattern {text!r} has no named group, e.g. (?P<loss>\\S+)")
        out.append(pattern)
    return out


def stdin_is_piped() -> bool:
    """True when stdin is a pipe, socket or file (something to read), not a terminal or
    /dev/null (``tbx-log --sys`` from cron then watches the machine)."""
    try:
        mode = os.fstat(0).st_mode
    except OSError:
        return False
    return stat.S_ISFIFO(mode) or stat.S_ISSOCK(mode) or stat.S_ISREG(mode)


#: Commands that only wrap the job (``stdbuf -oL ./sim``): the run is named after the job.
WRAPPERS = frozenset({"stdbuf", "env", "nohup", "time", "unbuffer"})


def job_name(command: list[str]) -> str:
    """The job's program name, looking past wrappers, their options and ``VAR=value``s."""
    i = 0
    while i < len(command) - 1 and os.path.basename(command[i]) in WRAPPERS:
        wrapper = os.path.basename(command[i])
        i += 1
        while i < len(command) - 1 and (command[i].startswith("-") or "=" in command[i]):
            if wrapper == "stdbuf" and len(command[i]) == 2:
                i += 1  # -o L: the mode is the next word
            i += 1
    return os.path.basename(command[i])


def default_run_name(command: list[str], watching: bool) -> str:
    stamp = time.strftime("%Y%m%d-%H%M%S")
    if command:
        base = job_name(command) or "job"
    else:
        base = "sys" if watching else "stdin"
    base = re.sub(r"[^\w.\-]", "_", base).lstrip(".") or "job"
    return f"{base}_{stamp}"


def main(argv: list[str] | None = None) -> int:
    gate = SignalGate()
    try:
        return _main(argv, gate)
    finally:
        gate.close()


def _main(argv: list[str] | None, gate: SignalGate) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    command = list(args.command)
    if command and command[0] == "--":
        command = command[1:]
    if command and command[0].startswith("-"):
        _fail(parser, f"unknown option {command[0]!r} (put the command after --)")
    patterns = _patterns(parser, args.pattern)
    if args.sys_interval is not None and not args.sys_interval > 0:
        _fail(parser, "--sys-interval needs a positive number of seconds")
    if args.sys_interval is not None and not args.sys:
        _fail(parser, "--sys-interval goes with --sys")
    if not args.flush_secs > 0:
        _fail(parser, "--flush-secs needs a positive number of seconds")
    if command and shutil.which(command[0]) is None:
        print(f"{PROG}: {command[0]}: command not found", file=sys.stderr)
        return 127
    watching = args.sys and not command and not stdin_is_piped()
    from tbx_tui.capture import process
    from tbx_tui.capture.console import Recorder
    from tbx_tui.capture.parse import LineParser

    sampler = None
    if args.sys:
        from tbx_tui.writer.sysmetrics import MissingDependency, SystemSampler

        try:
            sampler = SystemSampler()
        except MissingDependency as exc:
            _fail(parser, f"--sys: {exc}")
    name = args.name or default_run_name(command, watching)
    logdir = os.path.join(args.logdir, name)

    from tbx_tui.writer.summary_writer import SummaryWriter

    try:
        writer = SummaryWriter(logdir, flush_secs=args.flush_secs)
    except OSError as exc:
        _fail(parser, f"can't write the run {logdir!r}: {exc}")
    recorder = Recorder(writer, LineParser(patterns, args.step_key))
    stop = threading.Event()
    sys_thread: threading.Thread | None = None

    def start_sys(pid: int | None) -> None:
        nonlocal sys_thread
        if sampler is not None:
            sampler.pid = pid
            interval = args.sys_interval or _default_interval()
            sys_thread = threading.Thread(
                target=_sample_loop, args=(writer, sampler, interval, stop), daemon=True
            )
            sys_thread.start()

    try:
        if command:
            recorder.note("[tbx-log] started: " + " ".join(command))
            code = process.run_command(command, recorder, gate, on_start=start_sys)
        elif watching:
            print(f"{PROG}: logging system metrics to {logdir}; Ctrl-C stops", file=sys.stderr)
            start_sys(None)
            process.wait_for_signal(gate)
            code = 0
        else:
            if sys.stdin.isatty():
                print(
                    f"{PROG}: reading stdin (pipe a command into it, or give one after --)",
                    file=sys.stderr,
                )
            start_sys(None)
            code = process.run_stdin(recorder, gate)
    finally:
        stop.set()
        if sys_thread is not None:
            sys_thread.join()
        try:
            writer.close()
        except OSError as exc:  # already said by process.finish when it came from there
            process.warn(f"closing the run: {exc}")
    return code


def _default_interval() -> float:
    from tbx_tui.writer.sysmetrics import DEFAULT_INTERVAL

    return DEFAULT_INTERVAL


def _sample_loop(writer, sampler, interval: float, stop: threading.Event) -> None:
    from tbx_tui.capture.process import warn
    from tbx_tui.writer.sysmetrics import SystemLogger

    log = SystemLogger(writer, sampler)
    while True:
        try:
            log()
        except Exception as exc:  # psutil or NVML failing mid-run: say so, keep the job going
            warn(f"system metrics stopped: {exc}")
            return
        if stop.wait(interval):
            return


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
