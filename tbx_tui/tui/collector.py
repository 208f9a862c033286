"""When Python's garbage collector runs in tbx-top, and over what.

A full collection walks every tracked object while holding the GIL, so the UI thread (keys,
painting) waits for it however the work is spread over threads. In tbx-top the objects are many:
the modules and widgets (over 100,000 objects once started), and every picture drawn in
half-blocks (a style, two colours and a segment per cell: ~30,000 objects for a photo). Measured
with a photo being drawn while keys come: full collections of 50-400 ms, the keys' slowest
answers; with them out of the way, no key waited more than about 50 ms.

So: no collection at all until the first frame is painted (:func:`pause_for_start`, the
launcher); then what exists (modules, the first frame's widgets) is frozen out of full
collections, and so is what the first load brought (:func:`keep_long_lived`); and full
collections come at most every :data:`FULL_EVERY` young ones instead of Python's 10, each
walking only what was made since. Young collections are unchanged: garbage without cycles is
freed at once anyway (reference counting), and cycles still go within seconds.
"""

from __future__ import annotations

import gc

#: A full collection at most every this many collections of the middle generation.
FULL_EVERY = 100


def pause_for_start() -> None:
    """No collection until :func:`start` (the imports and the first frame's widgets make objects
    by the hundred thousand: a tenth of the CPU to the first frame went into collecting)."""
    gc.disable()


def start() -> tuple[int, int, int]:
    """The first frame is painted: what exists is kept out of full collections, the collector
    runs again, its full collections rarer. Returns the thresholds to give back in :func:`stop`."""
    before = gc.get_threshold()
    gc.freeze()
    gc.enable()
    gc.set_threshold(before[0], before[1], max(before[2], FULL_EVERY))
    return before


def keep_long_lived() -> None:
    """What exists now lives as long as the app (the data read, the views): left out of full
    collections too."""
    gc.freeze()


def ensure_running() -> None:
    """The collector runs (the app may have ended before its first frame)."""
    gc.enable()


def stop(thresholds: tuple[int, int, int]) -> None:
    """The app ends: everything is collectable again, at Python's own pace."""
    gc.unfreeze()
    gc.set_threshold(*thresholds)
