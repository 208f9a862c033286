"""Properties of tbx-log's parser over generated input (hypothesis): printed numbers read back
exactly, thousands separators too, and no line makes it fail."""

from __future__ import annotations

import pytest

from tbx_tui.capture.parse import LineParser

hypothesis = pytest.importorskip("hypothesis")
st = hypothesis.strategies

pytestmark = pytest.mark.unit


def parse(line: str):
    return LineParser().parse(line)


@hypothesis.given(st.floats(allow_nan=False))
def test_any_printed_float_reads_back_exactly(x):
    p = parse(f"k={x!r}")
    assert p.values == {"k": x}


@hypothesis.given(st.integers(min_value=-(2**53), max_value=2**53))
def test_thousands_separated_integers_read_back_exactly(n):
    p = parse(f"n={n:,} m: {n}")
    assert p.values == {"n": float(n), "m": float(n)}


@hypothesis.given(st.text())
def test_no_line_makes_the_parser_fail(line):
    parser = LineParser()
    for part in (line, "a,b", line, "{" + line + "}"):
        result = parser.parse(part)
        assert all(isinstance(v, float) for v in result.values.values())
