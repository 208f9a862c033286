"""The app's views, registered in one place: each is a tab in the main area.

A view is a widget class taking the :class:`~tbx_tui.tui.state.ViewState` and offering
``sync()`` (called after data or options change) and ``open_filter()/close_filter(clear)``.
To add a view (histograms, images, ...), append one ``View`` here.

Views are named here by module, not imported: their modules pull in plotext, numpy and PIL,
which the app loads on a worker after its first frame (see :meth:`View.load`).
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from textual.widget import Widget

    from tbx_tui.tui.state import ViewState


@runtime_checkable
class SyncedView(Protocol):
    def sync(self) -> None:
        """Bring the view in line with the state (after data or options changed)."""


@dataclass(frozen=True)
class View:
    id: str
    title: str
    #: Short title for narrow terminals (the tab bar of an 80-column screen).
    short: str
    module: str  # under tbx_tui.tui.views
    class_name: str

    def load(self) -> Callable[[ViewState], Widget]:
        """The view's widget class (imports its module: call it off the UI thread)."""
        module = importlib.import_module(f"tbx_tui.tui.views.{self.module}")
        return getattr(module, self.class_name)


VIEWS: list[View] = [
    View("scalars", "Scalars", "Scal", "scalars", "ScalarsView"),
    View("histograms", "Histograms", "Hist", "histograms", "HistogramView"),
    View("images", "Images", "Img", "images", "ImageView"),
    View("text", "Text", "Text", "text", "TextView"),
    View("hparams", "HParams", "HP", "hparams", "HParamsView"),
    View("pr", "PR curves", "PR", "prcurves", "PRCurveView"),
    View("console", "Console", "Cons", "console", "ConsoleView"),
]
