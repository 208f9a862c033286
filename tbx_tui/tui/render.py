"""Render threads: drawing off the UI thread, newest request per widget first.

plotext keeps one global figure, so exactly one thread draws scalar charts: this one (other
plotext users hold :data:`tbx_tui.view.plot.PLOTEXT_LOCK`). A card submits a job (a function that
draws from a snapshot of immutable inputs, and one that hands the result back by posting a
message); a newer job of the same card replaces one still queued, so a burst of key presses
draws only the last state. Jobs are served by their ``place`` (a card's position on screen: the
top left first, as one reads), then in the order their cards first asked.

The thread is started on the first job and starts with an empty context (no active app), so
results find their app through the widget tree; it is a daemon and idles on a condition.

:data:`VIEWS_RENDERER` is a second such thread for the other views (image decoding, half-block
cells, sixel/kitty encoding, PR curves, histograms), so a slow image never delays a chart; a
widget keeps its frames in a :class:`Frames` and is told of a new one by :class:`FrameReady`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any, Generic, TypeVar

from rich.text import Text
from textual.widget import Widget

from tbx_tui.tui.messages import FrameReady

T = TypeVar("T")


class ChartRenderer:
    def __init__(self, name: str = "tbx-charts") -> None:
        self.name = name
        self._cond = threading.Condition()
        self._jobs: dict[Hashable, tuple[Callable[[], Any], Callable[[Any], object]]] = {}
        self._places: dict[Hashable, tuple[int, ...]] = {}
        self._busy = False
        self._thread: threading.Thread | None = None
        #: Jobs drawn since start (tests read it to see that hidden cards cost nothing).
        self.drawn = 0

    def submit(
        self,
        owner: Hashable,
        draw: Callable[[], Any],
        deliver: Callable[[Any], object],
        place: tuple[int, ...] = (),
        wake: bool = True,
    ) -> None:
        """Queue ``deliver(draw())`` for ``owner``, replacing its job still waiting, if any;
        queued jobs with a smaller ``place`` are served first. With ``wake=False`` an idle
        thread waits for :meth:`wake`: the cards of one repaint ask one by one, the bottom right
        first, and the thread would start on whichever came first."""
        with self._cond:
            self._jobs[owner] = (draw, deliver)  # an existing key keeps its place in the queue
            self._places[owner] = place
        if wake:
            self.wake()

    def wake(self) -> None:
        """Serve the jobs queued (starting the thread on the first call)."""
        with self._cond:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
                self._thread.start()
            self._cond.notify()

    def cancel(self, owner: Hashable) -> None:
        with self._cond:
            self._jobs.pop(owner, None)
            self._places.pop(owner, None)

    def idle(self) -> bool:
        with self._cond:
            return not self._jobs and not self._busy

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._jobs:
                    self._cond.wait()
                places = self._places
                owner = min(self._jobs, key=lambda o: places.get(o, ()))  # the first of equals
                draw, deliver = self._jobs.pop(owner)
                places.pop(owner, None)
                self._busy = True
            try:
                try:
                    result = draw()
                except Exception as error:  # shown in the card, never kills the thread
                    result = error
                self.drawn += 1
                try:
                    deliver(result)
                except Exception:  # the card or its app went away meanwhile
                    pass
            finally:
                with self._cond:
                    self._busy = False


#: The render thread of the scalar charts (plotext's figure is global to the process).
RENDERER = ChartRenderer()
#: The render thread of the other views (plotext users among them hold PLOTEXT_LOCK).
VIEWS_RENDERER = ChartRenderer("tbx-views")


class Frames(Generic[T]):
    """One widget's latest frame, drawn on :data:`VIEWS_RENDERER`, keyed by its inputs.

    :meth:`get` answers at once: the frame for ``key`` if it is there, else the previous frame
    (or None) while the new one is drawn; only the newest key asked for is drawn. The widget
    passes each :class:`FrameReady` it receives to :meth:`deliver` and refreshes when it says so.
    An exception raised while drawing is handed over as the frame.
    """

    def __init__(self, widget: Widget, renderer: ChartRenderer = VIEWS_RENDERER) -> None:
        self.widget = widget
        self.renderer = renderer
        self.key: Hashable | None = None
        self.frame: T | Exception | None = None
        self.wanted: Hashable | None = None

    def get(self, key: Hashable, draw: Callable[[], T]) -> T | Exception | None:
        if key == self.key:  # back to the frame shown: whatever is on its way is stale
            if self.wanted != key:
                self.wanted = key
                self.renderer.cancel(self.widget)
            return self.frame
        if key != self.wanted:
            self.wanted = key
            widget = self.widget
            self.renderer.submit(
                widget, draw, lambda frame: widget.post_message(FrameReady(key, frame))
            )
        return self.frame

    @property
    def pending(self) -> bool:
        """A frame was asked for and is not there yet."""
        return self.wanted is not None and self.wanted != self.key

    def deliver(self, message: FrameReady) -> bool:
        """Keep the frame if it is the newest asked for; True when the widget should refresh."""
        message.stop()
        if message.key != self.wanted:
            return False  # stale: a newer frame is on its way
        self.key, self.frame = message.key, message.frame
        return True

    def cancel(self) -> None:
        self.renderer.cancel(self.widget)


class FramedBody(Widget):
    """A view's body whose picture is drawn on :data:`VIEWS_RENDERER` through :attr:`frames`
    (the previous picture stays until the new one is ready)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.frames: Frames[Any] = Frames(self)

    @staticmethod
    def shown(frame: Text | Exception | None, what: str) -> Text:
        """The frame, or what to show while it is drawn or when drawing it failed."""
        if frame is None:
            return Text("drawing…", style="dim")
        if isinstance(frame, Exception):
            return Text(f"cannot draw {what}: {frame!r}", style="red")
        return frame

    def on_frame_ready(self, message: FrameReady) -> None:
        if self.frames.deliver(message):
            self.refresh()

    def on_unmount(self) -> None:
        self.frames.cancel()
