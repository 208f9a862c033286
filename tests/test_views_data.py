"""The hparams table and PR curve extraction, on the corpus and on known data."""

from __future__ import annotations

import math

import numpy as np
import pytest

from tbx_tui.read.logdir import Logdir
from tbx_tui.read.store import Run
from tbx_tui.view import hparams_table, prcurve
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit


def _load(folder):
    ld = Logdir(f"{CORPUS}/{folder}")
    ld.refresh()
    return ld.runs


def test_hparams_table_tbx_and_torch():
    for folder in ("tbx/main", "torch/main"):
        table = hparams_table.build(_load(folder))
        assert len(table.rows) == 1
        assert set(table.hparam_names) == {"lr", "bs", "opt"}
        assert table.metric_names == ["hparam/acc"]
        row = dict(zip(table.columns[1:], table.rows[0][1], strict=True))
        assert row["opt"] == "adam" and math.isclose(row["lr"], 0.1)
        assert row["hparam/acc"] is not None
        lines = hparams_table.render_text(table)
        assert lines[0].startswith("run") and "adam" in lines[2]


def test_hparams_sort_and_sanitise():
    runs = {}
    for name, lr, opt in (("a", 0.1, "sgd"), ("b", 0.01, "adam\x1b[2J"), ("c", None, "x")):
        run = Run(name)
        run.hparams = {"opt": opt} if lr is None else {"lr": lr, "opt": opt}
        run.hparam_metrics = ["acc"]
        runs[name] = run
    runs["a"].scalars["acc"] = s = _series()()
    s.append(1, 0.0, 0.5)
    s.append(2, 0.0, 0.7)
    table = hparams_table.build(runs)
    assert [r[0] for r in table.sorted("lr").rows] == ["b", "a", "c"]
    assert [r[0] for r in table.sorted("lr", descending=True).rows] == ["a", "b", "c"]
    assert [r[0] for r in table.sorted("acc").rows][0] == "a"
    assert table.sorted("acc").rows[0][1][-1] == 0.7
    text = "\n".join(hparams_table.render_text(table))
    assert "\x1b" not in text and "\\e[2J" in text


def _series():
    from tbx_tui.read.store import ScalarSeries

    return ScalarSeries


def test_pr_curve_known_and_corpus():
    # 3 thresholds: all positive, half, none.
    data = np.array(
        [
            [10, 5, 0],
            [10, 2, 0],
            [0, 8, 10],
            [0, 5, 10],
            [0.5, 5 / 7, 0],
            [1.0, 0.5, 0.0],
        ],
        dtype=float,
    )
    c = prcurve.curve(data)
    np.testing.assert_allclose(c.recall, [1.0, 0.5])
    np.testing.assert_allclose(c.precision, [0.5, 5 / 7])
    assert c.positives == 10 and math.isclose(c.auc, 0.5 * (0.5 + 5 / 7) / 2)
    assert math.isnan(prcurve.curve(np.zeros((6, 0))).auc)
    for folder in ("tbx/main", "torch/main"):
        pts = _load(folder)["."].pr_curves["pr"]
        c = prcurve.curve(pts[-1].data)
        assert len(c.recall) > 10 and 0 < c.auc <= 1
        assert ((c.precision >= 0) & (c.precision <= 1)).all()
