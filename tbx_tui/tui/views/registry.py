"""The app's views, registered in one place: each is a tab in the main area.

A view is a widget class taking the :class:`~tbx_tui.tui.state.ViewState` and offering
``sync()`` (called after data or options change) and ``open_filter()/close_filter(clear)``.
To add a view (histograms, images, ...), append one ``View`` here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from textual.widget import Widget

from tbx_tui.tui.state import ViewState
from tbx_tui.tui.views.console import ConsoleView
from tbx_tui.tui.views.histograms import HistogramView
from tbx_tui.tui.views.hparams import HParamsView
from tbx_tui.tui.views.images import ImageView
from tbx_tui.tui.views.prcurves import PRCurveView
from tbx_tui.tui.views.scalars import ScalarsView
from tbx_tui.tui.views.text import TextView


@runtime_checkable
class SyncedView(Protocol):
    def sync(self) -> None:
        """Bring the view in line with the state (after data or options changed)."""


@dataclass(frozen=True)
class View:
    id: str
    title: str
    factory: Callable[[ViewState], Widget]


VIEWS: list[View] = [
    View("scalars", "Scalars", ScalarsView),
    View("histograms", "Histograms", HistogramView),
    View("images", "Images", ImageView),
    View("text", "Text", TextView),
    View("hparams", "HParams", HParamsView),
    View("pr", "PR curves", PRCurveView),
    View("console", "Console", ConsoleView),
]
