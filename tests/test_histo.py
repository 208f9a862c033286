"""Histogram maths and waterfall layout: mass conservation, percentile bands, rendering."""

from __future__ import annotations

import numpy as np
import pytest

from tbx_tui.read.logdir import Logdir
from tbx_tui.view import histo, waterfall
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit


def _buckets(edges, counts):
    e = np.asarray(edges, dtype=float)
    return np.stack([e[:-1], e[1:], np.asarray(counts, dtype=float)], axis=1)


def _random_histograms(n, k, seed=0):
    rng = np.random.default_rng(seed)
    out = []
    for s in range(n):
        e = np.sort(rng.normal(s * 0.1, 1 + s * 0.01, k + 1))
        out.append(_buckets(e, rng.integers(0, 50, k)))
    return out


def test_rebin_conserves_mass_per_step():
    hs = _random_histograms(30, 200)
    for bins in (1, 7, 64, 333):
        mat, edges = histo.rebin(hs, bins)
        assert mat.shape == (30, bins) and len(edges) == bins + 1
        np.testing.assert_allclose(mat.sum(axis=1), [h[:, 2].sum() for h in hs], rtol=1e-12)
        assert (mat >= -1e-9).all()


def test_rebin_spreads_by_overlap_and_zero_width_goes_whole():
    # One bucket [0, 4) with 8 counts onto 4 bins over [0, 4): 2 each.
    mat, _ = histo.rebin([_buckets([0, 4], [8])], 4, 0.0, 4.0)
    np.testing.assert_allclose(mat[0], [2, 2, 2, 2])
    # [0.5, 1.5) with 4 counts: half in bin 0, half in bin 1.
    mat, _ = histo.rebin([np.array([[0.5, 1.5, 4.0]])], 4, 0.0, 4.0)
    np.testing.assert_allclose(mat[0], [2, 2, 0, 0])
    # Zero-width buckets (TF's single-value histograms) go whole to their bin, the top edge too.
    mat, _ = histo.rebin([np.array([[2.5, 2.5, 3.0], [4.0, 4.0, 1.0]])], 4, 0.0, 4.0)
    np.testing.assert_allclose(mat[0], [0, 0, 3, 1])


def test_rebin_empty_single_and_nonfinite():
    empty = np.zeros((0, 3))
    single = np.array([[1.0, 1.0, 5.0]])
    bad = np.array([[np.nan, 1.0, 3.0], [0.0, np.inf, 2.0], [0.0, 1.0, 4.0]])
    mat, edges = histo.rebin([empty, single, bad], 10)
    np.testing.assert_allclose(mat.sum(axis=1), [0, 5, 4])
    assert np.isfinite(edges).all()
    mat, _ = histo.rebin([], 10)
    assert mat.shape == (0, 10)
    mat, _ = histo.rebin([empty], 5)
    assert mat.sum() == 0


def test_percentiles_match_direct_computation():
    rng = np.random.default_rng(1)
    samples = rng.normal(2.0, 3.0, 200_000)
    edges = np.linspace(samples.min(), samples.max(), 2001)
    counts, _ = np.histogram(samples, edges)
    got = histo.percentiles(_buckets(edges, counts))
    want = np.percentile(samples, np.array(histo.BAND_BPS) / 100.0)
    width = edges[1] - edges[0]
    np.testing.assert_allclose(got, want, atol=width)
    assert got[0] == edges[0] and got[-1] == edges[-1]
    assert (np.diff(got) >= 0).all()


def test_percentiles_exact_on_uniform_buckets():
    # Uniform mass on [0, 10]: the p-th percentile is 10 * p.
    h = _buckets(np.arange(11.0), np.ones(10))
    got = histo.percentiles(h, (0, 2500, 5000, 6915, 10000))
    np.testing.assert_allclose(got, [0, 2.5, 5.0, 6.915, 10.0])
    # Empty buckets inside are skipped: mass only in [0,1) and [9,10).
    h = _buckets(np.arange(11.0), [1, 0, 0, 0, 0, 0, 0, 0, 0, 1])
    got = histo.percentiles(h, (0, 2500, 7500, 10000))
    np.testing.assert_allclose(got, [0, 0.5, 9.5, 10])


def test_percentiles_empty_and_single():
    assert np.isnan(histo.percentiles(np.zeros((0, 3)))).all()
    np.testing.assert_allclose(histo.percentiles(np.array([[3.0, 3.0, 7.0]])), [3.0] * 9)
    b = histo.bands([np.zeros((0, 3)), np.array([[0.0, 1.0, 1.0]])])
    assert b.shape == (2, 9) and np.isnan(b[0]).all() and b[1, 4] == 0.5


def test_waterfall_layout_and_newest():
    hs = _random_histograms(50, 100)
    w = waterfall.render(hs, list(range(0, 500, 10)), 80, 24)
    lines = list(w.lines())
    assert len(lines) == 24
    for line in lines:
        assert len("".join(t for t, _, _ in line)) <= 80
    text = w.text()
    assert "490" in text and "\n   0 " in "\n" + text  # first and newest steps labelled
    assert w.steps_shown[0] == 0 and w.steps_shown[-1] == 490
    assert w.newest_row >= 0 and w.newest[w.newest_row].any()
    kinds = {k for line in lines for _, k, _ in line}
    assert waterfall.NEWEST in kinds and waterfall.RIDGE in kinds
    assert set("".join(w.plot)) <= set(waterfall.UNICODE_BLOCKS)


def test_waterfall_ascii_and_edge_cases():
    hs = _random_histograms(5, 20)
    w = waterfall.render(hs, range(5), 60, 15, unicode=False)
    assert set("".join(w.plot)) <= set(waterfall.ASCII_BLOCKS)
    assert w.text().isascii()
    assert waterfall.render([], [], 60, 10).message
    assert "empty" in waterfall.render([np.zeros((0, 3))], [3], 60, 10).text()
    one = waterfall.render([np.array([[1.0, 1.0, 4.0]])], [7], 40, 6)
    assert "7" in one.text() and "█" in one.text()
    tiny = waterfall.render(hs, range(5), 5, 2)
    assert len(list(tiny.lines())) == 2


@pytest.mark.parametrize(
    "folder,run,tag",
    [
        ("tbx/main", ".", "weights/fc1"),
        ("torch/main", ".", "weights/fc1"),
        ("tf/tf2", ".", "act/relu"),
        ("tf/keras", "train", "sequential/dense/kernel/histogram"),
    ],
)
def test_waterfall_on_corpus(folder, run, tag):
    ld = Logdir(f"{CORPUS}/{folder}")
    ld.refresh()
    pts = ld.runs[run].histograms[tag]
    w = waterfall.render([p.data for p in pts], [p.step for p in pts], 100, 30)
    assert w.steps_shown[-1] == pts[-1].step
    mat, _ = histo.rebin([p.data for p in pts], 50)
    np.testing.assert_allclose(mat.sum(axis=1), [p.data[:, 2].sum() for p in pts])
    b = histo.bands([p.data for p in pts])
    assert np.isfinite(b).all() and (np.diff(b, axis=1) >= -1e-9).all()
