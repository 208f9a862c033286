"""``tbx-top LOGDIR --check RULES``: exit codes and alert lines for every rule kind."""

from __future__ import annotations

import io
import subprocess
import sys
import time

import pytest

from tbx_tui import SummaryWriter
from tbx_tui.cli import main
from tbx_tui.headless.check import RuleError, parse_rule, run_check, split_rules

pytestmark = pytest.mark.unit

HOUR = 3600.0


#: When slow and done last wrote: ten minutes ahead of the clock, so that it stays after the
#: file_version event each writer stamps with the real time, however long after this module's
#: import the fixture runs (xdist on a busy machine: seconds, even minutes).
NOW = time.time() + 600
#: What --check takes for "now" in the stall tests: an hour after slow and done last wrote.
LATER = NOW + HOUR


@pytest.fixture
def logdir(tmp_path):
    """good: finite, fresh; diverged: loss went NaN; slow: an hour silent (at LATER), loss high;
    done: as silent, but tbx-log recorded its end."""
    now = LATER
    with SummaryWriter(str(tmp_path / "good")) as w:
        for step in range(3):
            w.add_scalar("loss", 1.0 / (step + 1), step, walltime=now)
            w.add_scalar("acc", 0.5 + step / 10, step, walltime=now)
    with SummaryWriter(str(tmp_path / "diverged")) as w:
        w.add_scalar("loss", 2.0, 0, walltime=now)
        w.add_scalar("loss", float("nan"), 1, walltime=now)
        w.add_scalar("grad/norm", float("inf"), 1, walltime=now)
        w.add_scalar("acc", 0.1, 1, walltime=now)
    with SummaryWriter(str(tmp_path / "slow")) as w:
        w.add_scalar("loss", 5.0, 10, walltime=NOW)
    with SummaryWriter(str(tmp_path / "done")) as w:
        w.add_scalar("loss", 0.1, 10, walltime=NOW)
        w.add_scalar("process/duration_s", 12.0, 10, walltime=NOW)
    return tmp_path


def check(capsys, logdir, *args):
    code = main([str(logdir), *args])
    captured = capsys.readouterr()
    return code, captured.out.splitlines(), captured.err


def test_nothing_fires_exit_0(capsys, logdir):
    code, lines, _ = check(capsys, logdir, "--check", "nan,loss>10,stalled>2h", "--runs", "good")
    assert (code, lines) == (0, [])


def test_nan_rule(capsys, logdir):
    code, lines, _ = check(capsys, logdir, "--check", "nan")
    assert code == 1
    assert lines == [
        "diverged loss: latest value is nan (step 1)",
        "diverged grad/norm: latest value is inf (step 1)",
    ]


def test_nan_rule_with_filter_and_runs(capsys, logdir):
    code, lines, _ = check(capsys, logdir, "--check", "nan", "--filter", "^grad")
    assert (code, lines) == (1, ["diverged grad/norm: latest value is inf (step 1)"])
    code, lines, _ = check(capsys, logdir, "--check", "nan", "--runs", "^good$")
    assert (code, lines) == (0, [])


def test_above_and_below_rules(capsys, logdir):
    code, lines, _ = check(capsys, logdir, "--check", "loss>1,acc<0.3")
    assert code == 1
    assert lines == [
        "diverged acc: latest value 0.1 < 0.3 (step 1)",
        "slow loss: latest value 5 > 1 (step 10)",
    ]  # diverged's NaN loss is neither above nor below: the nan rule reports it


def test_tag_rule_is_a_regex_over_the_whole_tag(capsys, logdir):
    code, lines, _ = check(capsys, logdir, "--check", "(loss|acc)>0.55", "--runs", "good")
    assert code == 1
    assert lines == ["good acc: latest value 0.7 > 0.55 (step 2)"]  # loss is 0.333
    code, lines, err = check(capsys, logdir, "--check", "los>0")
    assert (code, lines) == (0, [])  # 'los' is not 'loss'
    assert "rule 'los>0' matched no tag" in err


def test_stalled_rule(logdir):
    out, err = io.StringIO(), io.StringIO()
    code = run_check(str(logdir), "stalled>10m", None, None, out, err, clock=lambda: LATER + 60)
    assert code == 1
    lines = out.getvalue().splitlines()
    assert len(lines) == 1 and lines[0].startswith("slow -: nothing written for 1h0")
    assert "limit 10m00s" in lines[0]  # 'done' finished: not stalled
    code = run_check(str(logdir), "stalled>2h", None, None, out, err, clock=lambda: LATER + 60)
    assert code == 0


@pytest.mark.parametrize(
    "rules, why",
    [
        ("nope", "unknown rule"),
        ("loss>>3", "use one '>' or '<'"),
        ("loss>=3", "use one '>' or '<'"),
        ("loss>abc", "'abc' is not a number"),
        ("loss>nan", "can't be NaN"),
        ("(los>3", "not a valid regex"),
        ("stalled>10x", "not a duration"),
        ("stalled<10m", "stalled takes '>'"),
        ("nan,,loss>1", "empty rule"),
    ],
)
def test_bad_rules_exit_2_saying_why(capsys, logdir, rules, why):
    code, lines, err = check(capsys, logdir, "--check", rules)
    assert code == 2 and lines == []
    assert why in err


def test_rules_split_at_commas_outside_brackets():
    assert split_rules("nan, a{1,3}>2 ,stalled>5m") == ["nan", "a{1,3}>2", "stalled>5m"]
    assert parse_rule("stalled>1.5h").threshold == 5400
    with pytest.raises(RuleError):
        parse_rule("")


def test_alert_lines_are_sanitised(capsys, tmp_path):
    with SummaryWriter(str(tmp_path / "evil\x1b[2Jrun")) as w:
        w.add_scalar("loss", float("nan"), 0)
    code, lines, _ = check(capsys, tmp_path, "--check", "nan")
    assert code == 1 and lines == ["evil\\e[2Jrun loss: latest value is nan (step 0)"]


def test_check_from_a_shell_as_cron_would(logdir):
    result = subprocess.run(
        [sys.executable, "-m", "tbx_tui", str(logdir), "--check", "nan,stalled>1d"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stdout.count("\n") == 2


def test_app_state_marks_runs_stalled_only_after_seeing_them_grow():
    """The sidebar's 'stalled': a run watched growing, then silent for STALL_SECONDS, not
    finished; one silent since before the app started is just old."""
    from tbx_tui.read.runview import take
    from tbx_tui.read.store import Run, ScalarSeries
    from tbx_tui.tui.state import STALL_SECONDS, ViewState

    now = [1000.0]
    state = ViewState(clock=lambda: now[0])

    def run(name: str, last: float, finished: bool = False) -> Run:
        r = Run(name)
        r.scalars["loss"] = ScalarSeries()
        r.scalars["loss"].append(0, last, 1.0)
        if finished:
            r.scalars["process/duration_s"] = ScalarSeries()
            r.scalars["process/duration_s"].append(0, last, 5.0)
        r.last_wall_time = last
        return r

    state.update({n: take(run(n, 900.0)) for n in ("live", "old", "done")})
    state.update(
        {
            "live": take(run("live", 1000.0)),
            "old": take(run("old", 900.0)),
            "done": take(run("done", 1000.0, finished=True)),
        }
    )
    assert not any(state.stalled(n) for n in ("live", "old", "done"))
    now[0] = 1000.0 + STALL_SECONDS + 1
    assert state.stalled("live")
    assert not state.stalled("old")  # never seen growing
    assert not state.stalled("done")  # tbx-log recorded its end


def test_check_does_not_go_with_demo(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["--demo", "--check", "nan"])
    assert exc.value.code == 2
    assert "--check" in capsys.readouterr().err
