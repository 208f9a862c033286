"""tbx-log end to end: a real job in a real subprocess, its output passed through byte for byte,
its numbers and console read back from the event files, its exit code and signals."""

from __future__ import annotations

import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from tbx_tui.read.logdir import Logdir

pytestmark = pytest.mark.unit

TBX_LOG = [sys.executable, "-m", "tbx_tui.capture.cli"]

#: A job printing every format tbx-log reads, to both streams, with bytes that are not UTF-8,
#: escape sequences, a progress bar redrawn with \r, and no newline at the very end.
MIXED_JOB = textwrap.dedent(
    r"""
    import json, sys
    out, err = sys.stdout.buffer, sys.stderr.buffer
    out.write(b"starting: no numbers here\n")
    for i in range(3):
        out.write(f"step={i} loss={1 / (i + 1):.3f} time=12.5ms tokens=1,024\n".encode())
        err.write((json.dumps({"step": i, "val": {"acc": 0.5 + i / 10}}) + "\n").encode())
        out.flush(); err.flush()
    out.write(b"epoch,lr\n1,0.01\n2,0.005\n")
    out.write(b"progress 10%\rprogress 50%\rprogress 100%\n")
    out.write(b"\x1b[31mred\x1b[0m \xff\xfe not utf-8 \x07\n")
    out.write(b"version=1.2.3 x=1,5\n")
    out.write(b"last line without newline")
    out.flush()
    sys.exit(3)
    """
)


def run_log(tmp_path: Path, *args: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*TBX_LOG, "-d", str(tmp_path / "runs"), *args],
        capture_output=True,
        timeout=60,
        cwd=tmp_path,
        **kwargs,
    )


def read_run(tmp_path: Path, name: str):
    logdir = Logdir(str(tmp_path / "runs"))
    logdir.refresh()
    return logdir.runs[name]


def console_text(run) -> str:
    points = []
    for tag, pts in run.texts.items():
        if tag.startswith("console/"):
            points += [(p.step, p.wall_time, p.data) for p in pts]
    return "\n".join(data for _, _, data in sorted(points))


def test_mixed_job_values_console_and_exit_code(tmp_path):
    job = tmp_path / "job.py"
    job.write_text(MIXED_JOB)
    direct = subprocess.run([sys.executable, str(job)], capture_output=True, timeout=30)
    logged = run_log(tmp_path, "-n", "mixed", "--", sys.executable, str(job))
    assert logged.returncode == direct.returncode == 3
    # passed through byte for byte, each stream to its own
    assert logged.stdout == direct.stdout
    assert logged.stderr == direct.stderr

    run = read_run(tmp_path, "mixed")
    loss = run.scalars["loss"]
    assert list(loss.steps) == [0, 1, 2]
    assert list(loss.values) == pytest.approx([1.0, 0.5, 0.333])
    assert list(run.scalars["time_ms"].values) == [12.5] * 3
    assert list(run.scalars["tokens"].values) == [1024.0] * 3
    assert list(run.scalars["val/acc"].values) == pytest.approx([0.5, 0.6, 0.7])
    assert list(run.scalars["lr"].steps) == [1, 2]  # CSV rows, step from the epoch column
    assert "version" not in run.scalars and "x" not in run.scalars  # ambiguous: left alone
    assert list(run.scalars["process/exit_code"].values) == [3.0]
    assert run.scalars["process/duration_s"].values[0] > 0

    console = console_text(run)
    assert "starting: no numbers here" in console
    assert "progress 100%" in console and "progress 10%" not in console  # what a terminal shows
    assert "last line without newline" in console
    assert '{"step": 2, "val": {"acc": 0.7}}' in console  # stderr kept too
    assert "[tbx-log] exited with code 3" in console
    assert "\ufffd" in console  # undecodable bytes kept visibly, never dropped
    assert set(run.texts) >= {"console/stdout", "console/stderr", "console/tbx-log"}


def test_stdout_and_stderr_keep_their_order_in_the_console(tmp_path):
    job = tmp_path / "job.py"
    job.write_text(
        "import sys, time\n"
        "for i in range(4):\n"
        "    s = sys.stdout if i % 2 == 0 else sys.stderr\n"
        "    print(f'line {i}', file=s, flush=True); time.sleep(0.25)\n"
    )
    assert run_log(tmp_path, "-n", "order", "--", sys.executable, str(job)).returncode == 0
    lines = [ln for ln in console_text(read_run(tmp_path, "order")).splitlines() if "line" in ln]
    assert lines == ["line 0", "line 1", "line 2", "line 3"]


def test_child_killed_by_a_signal_exits_128_plus_n(tmp_path):
    code = "import os, signal; print('x=1', flush=True); os.kill(os.getpid(), signal.SIGKILL)"
    result = run_log(tmp_path, "-n", "killed", "--", sys.executable, "-c", code)
    assert result.returncode == 128 + signal.SIGKILL
    run = read_run(tmp_path, "killed")
    assert list(run.scalars["x"].values) == [1.0]
    assert list(run.scalars["process/exit_code"].values) == [137.0]


def _start_waiting(tmp_path: Path, name: str, code: str) -> subprocess.Popen:
    proc = subprocess.Popen(
        [*TBX_LOG, "-d", str(tmp_path / "runs"), "-n", name, "--", sys.executable, "-c", code],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline() == b"ready=1\n"  # the child runs and tbx-log passes it on
    return proc


def test_sigterm_is_forwarded_to_the_child(tmp_path):
    code = (
        "import signal, sys, time\n"
        "def bye(n, f): print('got signal', n, flush=True); sys.exit(7)\n"
        "signal.signal(signal.SIGTERM, bye)\n"
        "print('ready=1', flush=True)\n"
        "time.sleep(30)\n"
    )
    proc = _start_waiting(tmp_path, "term", code)
    proc.send_signal(signal.SIGTERM)
    out, _ = proc.communicate(timeout=30)
    assert out == f"got signal {int(signal.SIGTERM)}\n".encode()
    assert proc.returncode == 7  # the child's own exit code, after it handled the signal
    run = read_run(tmp_path, "term")
    assert list(run.scalars["ready"].values) == [1.0]
    assert "got signal" in console_text(run)


def test_sigint_sent_to_tbx_log_reaches_the_child(tmp_path):
    code = "import time\nprint('ready=1', flush=True)\ntime.sleep(30)\n"
    proc = _start_waiting(tmp_path, "int", code)
    t0 = time.monotonic()
    proc.send_signal(signal.SIGINT)
    proc.communicate(timeout=30)
    assert time.monotonic() - t0 < 20
    # the child raised KeyboardInterrupt (its traceback is in the console) and Python ended it
    # by SIGINT: 128 + 2
    assert proc.returncode == 128 + signal.SIGINT
    run = read_run(tmp_path, "int")
    assert "KeyboardInterrupt" in console_text(run)
    assert list(run.scalars["process/exit_code"].values) == [130.0]


def _blocked_signals(task: Path) -> int:
    """The blocked-signal mask of one thread, from ``/proc/PID/task/TID/status``."""
    for line in (task / "status").read_text().splitlines():
        if line.startswith("SigBlk:"):
            return int(line.split()[1], 16)
    raise AssertionError(f"no SigBlk in {task}/status")


@pytest.mark.skipif(not Path("/proc/self/task").is_dir(), reason="needs Linux /proc")
def test_no_thread_but_the_main_one_takes_the_forwarded_signals(tmp_path):
    """A signal sent to tbx-log goes to any thread that does not block it. Taken by a worker
    (the writer's, the pumps', numpy's OpenBLAS one), Python's default action ended tbx-log with
    the child left running, now and then; every thread but the main one must block them (the
    main one takes them with sigtimedwait, which unblocks them while it waits)."""
    proc = _start_waiting(
        tmp_path, "mask", "import time\nprint('ready=1', flush=True)\ntime.sleep(30)\n"
    )
    try:
        tasks = [t for t in Path(f"/proc/{proc.pid}/task").iterdir() if t.name != str(proc.pid)]
        forwarded = sum(1 << (int(s) - 1) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP))
        masks = {t.name: _blocked_signals(t) for t in tasks}
        assert len(masks) >= 4  # the writer's thread, two pumps, the parser, the ticker
        assert {tid: hex(m) for tid, m in masks.items() if m & forwarded != forwarded} == {}
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 128 + signal.SIGTERM


def test_stdin_mode_passes_through_and_logs(tmp_path):
    data = b"a=1\nplain text\r\nb: 2.5 step=4\n\x1b]0;title\x07c=3"
    result = run_log(tmp_path, "-n", "pipe", input=data)
    assert result.returncode == 0
    assert result.stdout == data
    assert result.stderr == b""
    run = read_run(tmp_path, "pipe")
    assert list(run.scalars["a"].values) == [1.0]
    assert (list(run.scalars["b"].steps), list(run.scalars["b"].values)) == ([4], [2.5])
    assert list(run.scalars["c"].steps) == [4]
    assert "plain text" in console_text(run)
    assert "process/exit_code" not in run.scalars


def test_default_run_name_is_the_command_and_a_timestamp(tmp_path):
    assert run_log(tmp_path, "--", "echo", "loss=1").returncode == 0
    (name,) = os.listdir(tmp_path / "runs")
    assert name.startswith("echo_") and len(name) == len("echo_20260101-120000")


def test_command_not_found_is_127(tmp_path):
    result = run_log(tmp_path, "--", "no-such-command-tbx")
    assert result.returncode == 127
    assert b"no-such-command-tbx: command not found" in result.stderr


@pytest.mark.parametrize(
    "args, message",
    [
        (["--pattern", "(unclosed"], b"is not a valid regex"),
        (["--pattern", r"loss=(\S+)"], b"has no named group"),
        (["--sys-interval", "1"], b"--sys-interval goes with --sys"),
        (["--sys", "--sys-interval", "0"], b"positive number"),
    ],
)
def test_bad_arguments_exit_2_saying_why(tmp_path, args, message):
    result = run_log(tmp_path, *args, "--", "true")
    assert result.returncode == 2
    assert message in result.stderr


def test_pattern_option_end_to_end(tmp_path):
    result = run_log(
        tmp_path,
        "-n",
        "pat",
        "--pattern",
        r"it (?P<step>\d+) res (?P<residual>\S+)",
        "--",
        "printf",
        "it 1 res 0.5\nit 2 res 0.25\n",
    )
    assert result.returncode == 0
    series = read_run(tmp_path, "pat").scalars["residual"]
    assert (list(series.steps), list(series.values)) == ([1, 2], [0.5, 0.25])


def test_nan_printed_is_nan_logged(tmp_path):
    assert run_log(tmp_path, "-n", "nan", "--", "echo", "loss=nan").returncode == 0
    assert math.isnan(read_run(tmp_path, "nan").scalars["loss"].values[0])


def test_unwritable_logdir_exits_2_before_running_the_job(tmp_path):
    marker = tmp_path / "ran"
    result = run_log(tmp_path, "-d", "/dev/null", "--", "touch", str(marker))
    assert result.returncode == 2
    assert b"can't write the run '/dev/null/" in result.stderr
    assert not marker.exists()


def test_a_logging_failure_never_blocks_the_job(tmp_path):
    """Once recording fails (here: the run folder became a file, so the closed writer can't
    reopen), the parse worker keeps draining its queue, so the pass-through never waits on a
    full queue; the error is kept."""
    import shutil

    from tbx_tui import SummaryWriter
    from tbx_tui.capture.console import Recorder
    from tbx_tui.capture.parse import LineParser
    from tbx_tui.capture.process import QUEUE_CHUNKS, ParseWorker

    run = tmp_path / "run"
    writer = SummaryWriter(str(run))
    worker = ParseWorker(Recorder(writer, LineParser()))
    writer.close()
    shutil.rmtree(run)
    run.write_text("not a folder")
    for i in range(QUEUE_CHUNKS * 2):  # more than the queue holds: would block if not drained
        worker.put("stdout", b"x=%d\n" % i)
    worker.close(timeout=30)
    assert not worker.thread.is_alive()
    assert isinstance(worker.error, OSError)


def test_ctrl_c_in_a_terminal_reaches_the_child_once(tmp_path):
    """Under a real terminal (a pty), Ctrl-C makes the kernel signal the whole foreground
    group: tbx-log and its child. tbx-log must not send the child a second SIGINT."""
    import pty

    count = tmp_path / "count"
    # the job takes SIGINTs one by one (blocked, then waited for), so two are never merged into
    # one as Python's own handler would do, and counts what arrives within a second of the first
    job = (
        "import signal, sys, time\n"
        "signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})\n"
        "print('ready=1', flush=True)\n"
        "signal.sigwaitinfo({signal.SIGINT})\n"
        "n, end = 1, time.time() + 1.0\n"
        "while time.time() < end:\n"
        "    if signal.sigtimedwait({signal.SIGINT}, 0.05) is not None:\n"
        "        n += 1\n"
        f"open({str(count)!r}, 'w').write(str(n))\n"
        "sys.exit(n)\n"
    )
    argv = [*TBX_LOG, "-d", str(tmp_path / "runs"), "-n", "tty", "--", sys.executable, "-c", job]
    pid, fd = pty.fork()
    if pid == 0:  # the child: a new session with the pty as its terminal
        os.execv(sys.executable, argv)
    output = b""
    try:
        while b"ready=1" not in output:
            output += os.read(fd, 1024)
        os.write(fd, b"\x03")  # Ctrl-C
        _, status = os.waitpid(pid, 0)
    finally:
        os.close(fd)
    assert os.waitstatus_to_exitcode(status) == 1
    assert count.read_text() == "1"
