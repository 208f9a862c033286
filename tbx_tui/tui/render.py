"""The chart render thread: plotext drawing off the UI thread, newest request per card first.

plotext keeps one global figure, so exactly one thread draws scalar charts: this one (other
plotext users hold :data:`tbx_tui.view.plot.PLOTEXT_LOCK`). A card submits a job (a function that
draws from a snapshot of immutable inputs, and one that hands the result back by posting a
message); a newer job of the same card replaces one still queued, so a burst of key presses
draws only the last state. Jobs are served in the order their cards first asked.

The thread is started on the first job and starts with an empty context (no active app), so
results find their app through the widget tree; it is a daemon and idles on a condition.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any


class ChartRenderer:
    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._jobs: dict[Hashable, tuple[Callable[[], Any], Callable[[Any], object]]] = {}
        self._busy = False
        self._thread: threading.Thread | None = None
        #: Jobs drawn since start (tests read it to see that hidden cards cost nothing).
        self.drawn = 0

    def submit(
        self, owner: Hashable, draw: Callable[[], Any], deliver: Callable[[Any], object]
    ) -> None:
        """Queue ``deliver(draw())`` for ``owner``, replacing its job still waiting, if any."""
        with self._cond:
            self._jobs[owner] = (draw, deliver)  # an existing key keeps its place in the queue
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="tbx-charts", daemon=True)
                self._thread.start()
            self._cond.notify()

    def cancel(self, owner: Hashable) -> None:
        with self._cond:
            self._jobs.pop(owner, None)

    def idle(self) -> bool:
        with self._cond:
            return not self._jobs and not self._busy

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._jobs:
                    self._cond.wait()
                owner = next(iter(self._jobs))
                draw, deliver = self._jobs.pop(owner)
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


#: The one render thread of the process (plotext's figure is global to the process).
RENDERER = ChartRenderer()
