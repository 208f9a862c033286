"""The loader: one exclusive worker thread that reads the logdir and posts what changed.

It owns the :class:`~tbx_tui.read.logdir.Logdir` (the reader is synchronous and not thread-safe, so
no other thread touches it), wakes on watchdog notifications or on a poll interval, and posts a
:class:`~tbx_tui.tui.messages.DataChanged` carrying consistent
:class:`~tbx_tui.read.runview.RunView` objects. A newer ``DataChanged`` replaces an older one
still in the queue.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from watchdog.observers.api import BaseObserver

from tbx_tui.read.logdir import REMOTE_POLL, Logdir
from tbx_tui.read.runview import RunView, take
from tbx_tui.tui.messages import DataChanged, LoadFailed, LogdirWarning

#: Without a poll interval given: how often to poll when watchdog is unavailable, and how often
#: to check anyway when it is (network file systems send no notifications).
DEFAULT_POLL = 1.0
SAFETY_POLL = 5.0
#: After a notification, wait this long so that a burst of writes gives one read.
DEBOUNCE = 0.05
#: Bytes read per refresh: a big logdir is read in steps, charts filling in between them (the
#: newest runs first). The first step is small, so that the first charts come at once.
READ_STEP = 32 << 20
FIRST_STEP = 4 << 20
#: While a long load goes on, what was read is posted at most this often (seconds): every post
#: redraws the charts of every run that grew, which on a big logdir costs more than reading and
#: competes with the reading workers for the cores (10M points on 2 cores: posting every second
#: made the load 1.55-1.6x as long as ``--once --json``'s, every 2 s 1.36x).
LOAD_POST_INTERVAL = 2.0
#: After the first step of a long load, how long to wait at most for the first charts to be
#: drawn before reading on: the rest of the load (and its worker processes) would compete with
#: drawing them for the CPU.
FIRST_CHARTS_WAIT = 2.0
_WRITE_EVENTS = {"created", "modified", "moved", "deleted", "closed"}


class Watcher:
    """Wakes the loader: watchdog notifications when available, else a timer.

    Watching begins with :meth:`start`, which the loader calls once the first charts are drawn:
    importing watchdog and watching every folder (its threads walk the logdir) costs ~15 ms of
    CPU, all of it under the GIL that reading and drawing the first charts need. Until then it
    polls, and ``mode`` already says what it will do.
    """

    def __init__(self, path: str, poll: float | None, remote: bool = False) -> None:
        self.path = path
        self.wake = threading.Event()
        self.observer: BaseObserver | None = None
        #: Whether :meth:`start` has watchdog to start.
        self.pending = poll is None and not remote
        if remote:  # object stores send no notifications, and every listing is a request
            self.interval = poll if poll is not None else REMOTE_POLL
            self.mode = f"polling {self.interval:g}s (remote)"
            return
        self.interval = poll if poll is not None else DEFAULT_POLL
        self.mode = "watching" if self.pending else f"polling {self.interval:g}s"

    def start(self) -> None:
        """Start watching, if it is to watch (once). Writes made before are not notified: the
        caller reads once more."""
        if self.pending:
            self.pending = False
            self._start_watchdog(self.path)

    def _start_watchdog(self, path: str) -> None:
        try:
            from watchdog.events import FileSystemEventHandler
            from watchdog.observers import Observer
        except ImportError:  # pragma: no cover
            self.mode = f"polling {self.interval:g}s"
            return
        wake = self.wake

        class Handler(FileSystemEventHandler):
            def on_any_event(self, event) -> None:  # our own reads send opened/closed_no_write
                if event.event_type in _WRITE_EVENTS:
                    wake.set()

        observer = Observer()
        try:
            observer.schedule(Handler(), path, recursive=True)
            observer.start()
        except Exception as exc:  # too many watches, no inotify, ...: fall back to polling
            self.mode = f"polling {self.interval:g}s ({type(exc).__name__})"
            return
        self.observer = observer
        self.interval = SAFETY_POLL
        self.mode = "watching"

    def wait(self, stop: threading.Event) -> None:
        """Block until something may have changed (or ``stop`` is set)."""
        deadline = time.monotonic() + self.interval
        while not stop.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            if self.wake.wait(min(left, 0.25)):
                time.sleep(DEBOUNCE)
                self.wake.clear()
                return

    def close(self) -> None:
        if self.observer is not None:
            self.observer.stop()
            self.observer.join(timeout=2)
            self.observer = None


def _wait_for(ready: Callable[[], bool], stop: threading.Event) -> None:
    deadline = time.monotonic() + FIRST_CHARTS_WAIT
    while time.monotonic() < deadline and not stop.is_set() and not ready():
        time.sleep(0.02)


def load_loop(
    post,
    path: str,
    poll: float | None,
    stop: threading.Event,
    first_charts: Callable[[], bool] | None = None,
) -> None:
    """Read ``path`` until ``stop`` is set, calling ``post(message)`` after each change.

    ``first_charts`` says whether the app has drawn its first charts: a long load waits for
    them (at most ``FIRST_CHARTS_WAIT``) after its first step.

    The reader promises not to raise on bad data; anything it raises all the same (a bug, a
    failing disk) is posted as :class:`LoadFailed`, once per distinct error, and reading goes
    on at the next round: the app stays up and says what failed.
    """
    logdir = Logdir(path)
    watcher = Watcher(path, poll, logdir.remote)
    views: dict[str, RunView] = {}
    first = True
    unsent: set[str] = set()  # runs changed since the last post
    posted_at = 0.0
    last_error = ""
    try:
        while not stop.is_set():
            try:
                step = min(FIRST_STEP, READ_STEP) if first else READ_STEP
                unsent |= logdir.refresh(max_bytes=step)
                for text in logdir.take_warnings():
                    post(LogdirWarning(text))
                progress = None if logdir.complete else (logdir.bytes_read, logdir.bytes_seen)
                due = logdir.complete or time.monotonic() - posted_at >= LOAD_POST_INTERVAL
                if first or (unsent and due):
                    runs = logdir.runs
                    views = {
                        name: views[name]
                        if name in views and name not in unsent
                        else take(run, views.get(name))
                        for name, run in runs.items()
                    }
                    post(DataChanged(dict(views), set(unsent), watcher.mode, first, progress))
                    if first and first_charts is not None:
                        _wait_for(first_charts, stop)  # reading on or watching would compete
                    first, unsent, posted_at = False, set(), time.monotonic()
                if watcher.pending and not first:
                    mode = watcher.mode
                    watcher.start()
                    watcher.wake.set()  # read once more: writes made before watching began
                    if watcher.mode != mode:  # watching failed: say so
                        post(DataChanged(dict(views), set(), watcher.mode, False, progress))
                last_error = ""
            except Exception as exc:  # noqa: BLE001 - reported to the user, never fatal
                error = f"{type(exc).__name__}: {exc}"
                if error != last_error:
                    post(LoadFailed(error))
                last_error = error
                logdir.close()
                logdir = Logdir(path)  # start over: its state may be half updated
                views, first, unsent = {}, True, set()
                watcher.wait(stop)
                continue
            if logdir.complete:
                watcher.wait(stop)
    finally:
        logdir.close()  # worker processes of a first load still going on
        watcher.close()
