"""Fault tier, generated: files cut, bit-flipped, spliced and salted with stray headers.

Properties, for the careful scanner and the vectorised one alike (they must agree exactly):
nothing raises, every record whose bytes are untouched is found, and nothing is found that was
not written (no invented value). Example counts are bounded so the tier runs in seconds.
"""

from __future__ import annotations

import os
import random

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tbx_tui.read.logdir import Logdir
from tbx_tui.tfrecord import record
from tests import hostile as h
from tests.test_fault_records import both_ways

pytestmark = pytest.mark.fault

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def records(seed: int, n: int, tag: str) -> list[bytes]:
    """``n`` records of mixed kinds and sizes (scalars, short and long texts)."""
    rng = random.Random(seed)
    out = []
    for i in range(n):
        kind = rng.random()
        if kind < 0.7:
            out.append(h.scalar(tag, i, rng.random()))
        else:
            out.append(h.text(tag + "/t", i, "x" * rng.randrange(0, 3000 if kind > 0.95 else 200)))
    return out


def spans_at(data: bytes, recs: list[bytes], offset: int = 0) -> dict[int, bytes]:
    """Payload offset -> record, for ``recs`` laid out in ``data`` from ``offset``."""
    out, pos = {}, offset
    for rec in recs:
        out[pos + record.HEADER_SIZE] = rec
        pos += len(rec)
    return out


def found(result: record.ScanResult) -> set[int]:
    return {o for o, _ in result.spans}


@FUZZ
@given(seed=st.integers(0, 2**16), n=st.integers(1, 60), cut=st.integers(0, 10**6))
def test_fault_cut_anywhere_is_a_write_in_progress(seed, n, cut):
    recs = records(seed, n, "a")
    whole = b"".join(recs)
    cut %= len(whole) + 1
    result = both_ways(whole[:cut])
    want = {o for o, rec in spans_at(whole, recs).items() if o - 12 + len(rec) <= cut}
    assert found(result) == want
    assert result.warnings == []


@FUZZ
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(2, 60),
    flips=st.lists(st.integers(0, 10**7), min_size=1, max_size=6),
)
def test_fault_bit_flips_lose_only_the_records_they_hit(seed, n, flips):
    recs = records(seed, n, "a")
    data = bytearray(b"".join(recs))
    hit = set()
    for f in flips:
        byte = f % len(data)
        data[byte] ^= 1 << (f % 8)
        hit.add(byte)
    result = both_ways(bytes(data))
    layout = spans_at(bytes(data), recs)
    intact = {
        o for o, rec in layout.items() if not any(o - 12 <= b < o - 12 + len(rec) for b in hit)
    }
    assert intact <= found(result)
    assert found(result) <= set(layout)  # nothing invented
    assert len(result.warnings) <= len(flips)
    assert result.warnings or found(result) == set(layout)


@FUZZ
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(1, 40),
    m=st.integers(1, 40),
    cut=st.integers(0, 10**6),
)
def test_fault_splice_keeps_every_record_after_the_tear(seed, n, m, cut):
    """A file cut anywhere, then another writer's records appended (a torn record's header
    claims a length that runs over them)."""
    first, second = records(seed, n, "a"), records(seed + 1, m, "b")
    a = b"".join(first)
    cut %= len(a) + 1
    data = a[:cut] + b"".join(second)
    result = both_ways(data)
    after = set(spans_at(data, second, cut))
    assert after <= found(result)
    before = {o for o, rec in spans_at(a, first).items() if o - 12 + len(rec) <= cut}
    assert found(result) == before | after
    assert len(result.warnings) <= 1


@FUZZ
@given(
    seed=st.integers(0, 2**16),
    n=st.integers(2, 60),
    where=st.integers(0, 10**6),
    claimed=st.integers(0, record.MAX_RECORD_BYTES),
)
def test_fault_stray_header_between_records_hides_nothing(seed, n, where, claimed):
    recs = records(seed, n, "a")
    at = where % (n + 1)
    stray = h.stray_header(claimed)
    data = b"".join(recs[:at]) + stray + b"".join(recs[at:])
    result = both_ways(data)
    lay = spans_at(data, recs[:at])
    lay.update(spans_at(data, recs[at:], len(b"".join(recs[:at])) + len(stray)))
    assert found(result) == set(lay)
    if at == n:  # the stray header is the last thing: a record still being written
        assert result.warnings == [] and result.consumed == len(data) - len(stray)
    else:
        assert len(result.warnings) == 1 and result.consumed == len(data)


@settings(max_examples=25, deadline=None, derandomize=True)
@given(seed=st.integers(0, 2**16), cut=st.integers(0, 10**6), chunks=st.integers(1, 40))
def test_fault_splice_read_while_it_grows(tmp_path_factory, seed, cut, chunks):
    """The same splice, tailed by the reader as it is written in pieces: nothing after the tear
    is lost, and the damage is counted once."""
    first, second = records(seed, 30, "a"), records(seed + 1, 30, "b")
    a = b"".join(first)
    cut %= len(a) + 1
    data = a[:cut] + b"".join(second)
    root = tmp_path_factory.mktemp("grow")
    path = h.write(root / "r" / h.EV, b"")
    ld = Logdir(str(root))
    rng = random.Random(seed)
    marks = sorted(rng.randrange(len(data) + 1) for _ in range(chunks)) + [len(data)]
    done = 0
    with open(path, "ab") as f:
        for mark in marks:
            f.write(data[done:mark])
            f.flush()
            os.fsync(f.fileno())
            done = mark
            ld.refresh()
    run = ld.runs["r"]
    got_b = len(run.scalars.get("b", ())) + len(run.texts.get("b/t", ()))
    assert got_b == 30
    assert run.warnings <= 1
