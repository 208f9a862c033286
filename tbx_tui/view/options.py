"""The chart options a user changes with keys (smoothing, x axis, log-y, outliers).

Their own module so that the app's state can hold them without importing plotext or numpy
(:mod:`tbx_tui.view.plot` imports both): the app paints its first frame before those load.
"""

from __future__ import annotations

from dataclasses import dataclass

X_MODES = ("step", "relative", "wall")


@dataclass(frozen=True)
class Options:
    smoothing: float = 0.6
    x_mode: str = "step"
    log_y: bool = False
    ignore_outliers: bool = False
