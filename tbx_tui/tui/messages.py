"""Every message the app's widgets and its loader thread send, in one place, as dataclasses.

Textual routes a message to ``on_<snake_case_name>`` methods (``ChartDrawn`` to
``on_chart_drawn``) and to ``@on(MessageClass)`` handlers.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual.message import Message
from textual.strip import Strip

if TYPE_CHECKING:  # the app imports this before its first frame: no numpy yet
    from tbx_tui.read.runview import RunView


@dataclass
class DataChanged(Message):
    """The logdir changed: ``runs`` is every run now, ``changed`` the names that changed. A newer
    one replaces an older one still in the queue."""

    runs: dict[str, RunView]
    changed: set[str]
    mode: str
    first: bool
    #: (bytes read, bytes seen) while a long load is still going on, else None.
    progress: tuple[int, int] | None = None

    def can_replace(self, message: Message) -> bool:
        """Textual asks the *older* queued message ``older.can_replace(newer)`` and delivers
        the newer one: fold what this (older) one said into it."""
        if isinstance(message, DataChanged):
            message.changed = self.changed | message.changed
            message.first = self.first or message.first
            return True
        return False


@dataclass
class LogdirWarning(Message):
    """Something about the logdir itself the user should know once (an unreadable folder, an
    unreachable store): shown as a notification, never coalesced away."""

    text: str


@dataclass
class LoadFailed(Message):
    """Reading failed with ``error`` (the loader starts over on its next round)."""

    error: str


@dataclass
class RunsToggled(Message):
    """Runs were shown or hidden (in the sidebar)."""


@dataclass
class ZoomRequested(Message):
    """A chart card asks to be shown full screen."""

    tag: str


@dataclass
class ConsoleMoved(Message):
    """A console log's scroll position changed: following or scrolled back may have changed."""


@dataclass
class ChartDrawn(Message):
    """A frame from the render thread (``strips``, or the exception that stopped it)."""

    key: tuple
    strips: list[Strip] | Exception
    #: Where the chart's x axis lies in the frame (a ``tbx_tui.view.plot.Frame``), if drawn.
    frame: object | None = None


@dataclass
class FrameReady(Message):
    """A frame drawn on a render thread for the view body it is posted to (the frame, or the
    exception that stopped the drawing); see :class:`tbx_tui.tui.render.Frames`."""

    key: Hashable
    frame: Any


@dataclass
class TabPicked(Message):
    """A tab of the views' tab bar was clicked: its view is to be shown (``pane``: its pane id)."""

    pane: str


@dataclass
class ViewShown(Message):
    """The main area shows another view (picked with its key or its tab)."""
