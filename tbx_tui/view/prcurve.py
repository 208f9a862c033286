"""PR curve data: the ``[6, N]`` arrays TensorBoard's pr_curves plugin stores (rows TP, FP, TN, FN,
precision, recall over N thresholds from 0 to 1) as recall/precision points and a summary."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

TP, FP, TN, FN, PRECISION, RECALL = range(6)


@dataclass(frozen=True)
class PRCurve:
    recall: np.ndarray
    precision: np.ndarray
    thresholds: np.ndarray
    #: Area under the curve (trapezoids over recall), NaN when there is no point.
    auc: float
    #: Positives (TP + FN at the lowest threshold).
    positives: float


def curve(data: np.ndarray) -> PRCurve:
    """Recall and precision of one PR curve point, thresholds where nothing was predicted positive
    (TP + FP = 0: precision undefined) left out."""
    a = np.asarray(data, dtype=np.float64)
    if a.ndim != 2 or a.shape[0] < 6 or a.shape[1] == 0:
        empty = np.zeros(0)
        return PRCurve(empty, empty, empty, float("nan"), 0.0)
    n = a.shape[1]
    thresholds = np.linspace(0.0, 1.0, n) if n > 1 else np.zeros(1)
    keep = (a[TP] + a[FP]) > 0
    keep &= np.isfinite(a[PRECISION]) & np.isfinite(a[RECALL])
    r, p, t = a[RECALL][keep], a[PRECISION][keep], thresholds[keep]
    if len(r) >= 2:
        order = np.argsort(r, kind="stable")
        rs, ps = r[order], p[order]
        auc = float(np.sum(np.diff(rs) * (ps[1:] + ps[:-1]) / 2))
    else:
        auc = float("nan")
    return PRCurve(r, p, t, auc, float(a[TP, 0] + a[FN, 0]))
