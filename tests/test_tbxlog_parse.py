"""tbx-log's line parser: every format it reads, and the ambiguous values it must leave alone."""

from __future__ import annotations

import math
import re

import pytest

from tbx_tui.capture.parse import LineParser, read_value

pytestmark = pytest.mark.unit


def parse(*lines: str, **kwargs):
    parser = LineParser(**kwargs)
    return [parser.parse(line) for line in lines]


def test_key_value_pairs_several_per_line_with_step():
    (p,) = parse("step=12 loss=0.25 lr = 1e-3 val_loss=-0.5 acc: 0.93\n")
    assert p.step == 12
    assert p.values == {"loss": 0.25, "lr": 1e-3, "val_loss": -0.5, "acc": 0.93}


def test_keras_and_tqdm_lines():
    keras, tqdm = parse(
        "1875/1875 [====] - 3s 1ms/step - loss: 0.2345 - accuracy: 0.9312",
        "100%|████| 10/10 [00:01<00:00, 9.50it/s, loss=0.3]",
    )
    assert keras.values == {"loss": 0.2345, "accuracy": 0.9312}
    assert tqdm.values == {"loss": 0.3}


def test_units_go_into_the_tag_and_the_number_stays():
    (p,) = parse("time=12.5ms acc=95% mem: 3.2GB speed=850it/s io=12MB/s t=3s/it temp=71°C")
    assert p.values == {
        "time_ms": 12.5,
        "acc_pct": 95.0,
        "mem_GB": 3.2,
        "speed_it_per_s": 850.0,
        "io_MB_per_s": 12.0,
        "t_s_per_it": 3.0,
        "temp_C": 71.0,
    }


def test_thousands_separators_are_read():
    (p,) = parse("tokens=1,024 total=1,234,567.5 next=7")
    assert p.values == {"tokens": 1024.0, "total": 1234567.5, "next": 7.0}


@pytest.mark.parametrize(
    "line",
    [
        "x=1,5",  # a decimal comma, or two numbers?
        "x=1,024,5",  # broken grouping
        "version=1.2.3",
        "time=12:30",
        "date=2024-01-02",
        "addr=0x1f",
        "params=1.5M",  # mega or million?
        "name=3abc",
        "flag=nano",
        "x=information",
    ],
)
def test_ambiguous_values_are_left_alone(line):
    (p,) = parse(line)
    assert p.values == {}


def test_coloured_output_is_read_as_the_terminal_shows_it():
    (p,) = parse("\x1b[1m\x1b[32mloss\x1b[0m=\x1b[33m0.25\x1b[0m \x1b]0;title\x07acc: 0.5")
    assert p.values == {"loss": 0.25, "acc": 0.5}


def test_nan_and_infinities_are_kept():
    (p,) = parse("a=nan b=inf c=-inf d=NaN")
    assert math.isnan(p.values["a"]) and math.isnan(p.values["d"])
    assert p.values["b"] == math.inf and p.values["c"] == -math.inf


def test_lines_without_numbers_are_console_only():
    assert [p.values for p in parse("hello world", "loading: done", "")] == [{}, {}, {}]


def test_json_lines_nested_keys_joined_with_slash():
    (p,) = parse('{"step": 7, "train": {"loss": 0.1, "ok": true}, "eval": {"a": {"b": 2}}}')
    assert p.step == 7
    assert p.values == {"train/loss": 0.1, "eval/a/b": 2.0}


def test_csv_with_a_header_line():
    header, row1, row2, prose = parse("epoch,loss,acc", "1,0.5,0.8", "2,0.4,", "a, b c, d")
    assert header.values == {}
    assert (row1.step, row1.values) == (1, {"loss": 0.5, "acc": 0.8})
    assert (row2.step, row2.values) == (2, {"loss": 0.4})
    assert prose.values == {}


def test_prose_with_commas_is_not_a_header():
    text, row = parse("Loading data, please wait", "1,2")
    assert text.values == {} and row.values == {}


def test_step_falls_back_to_last_step_then_line_number():
    a, b, c = parse("loss=1", "iter=5 loss=2", "val=3")
    assert a.step == 1  # line number: no step seen yet
    assert b.step == 5
    assert c.step == 5  # the last step seen


def test_step_key_preference_and_choice():
    (p,) = parse("epoch=2 step=300 loss=1")
    assert p.step == 300 and p.values == {"epoch": 2.0, "loss": 1.0}
    (q,) = parse("epoch=2 step=300 loss=1", step_key="epoch")
    assert q.step == 2 and q.values == {"step": 300.0, "loss": 1.0}


def test_pattern_with_named_groups():
    pattern = re.compile(r"^\[(?P<step>\d+)\] residual (?P<residual>\S+) dt (?P<dt>\S+)")
    (p,) = parse("[40] residual 3.5e-07 dt 12.5ms", patterns=[pattern])
    assert p.step == 40
    assert p.values == {"residual": 3.5e-07, "dt_ms": 12.5}


def test_tag_names_are_sanitised():
    (p,) = parse('{"a b": 1, "\\u001b[31mred": 2}')
    assert set(p.values) == {"a_b", "__31mred"}


def test_read_value_reports_where_the_value_ends():
    assert read_value("12.5ms rest") == (12.5, "ms", 6)
    assert read_value("abc") is None


def test_run_names_look_past_wrappers():
    from tbx_tui.capture.cli import job_name

    assert job_name(["stdbuf", "-oL", "./sim", "-n", "3"]) == "sim"
    assert job_name(["stdbuf", "-o", "L", "./sim"]) == "sim"
    assert job_name(["env", "A=1", "nohup", "julia", "run.jl"]) == "julia"
    assert job_name(["/usr/bin/python3", "train.py"]) == "python3"
    assert job_name(["stdbuf"]) == "stdbuf"
