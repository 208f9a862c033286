"""Summaries finished on the writer's thread: callables queued in place of summary bytes."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from tbx_tui.writer.values import Deferred


class DeviceJob:
    """Builds a summary from a device array on the flusher thread."""

    __slots__ = ("deferred", "build")
    on_device = True

    def __init__(self, deferred: Deferred, build: Callable[[np.ndarray], bytes]) -> None:
        self.deferred = deferred
        self.build = build

    def __call__(self) -> bytes:
        return self.build(self.deferred.resolve())


class PreparedJob:
    """Builds a summary from a prepared copy on the flusher thread."""

    __slots__ = ("build", "ready")

    def __init__(self, build: Callable[[np.ndarray], bytes], ready: np.ndarray) -> None:
        self.build = build
        self.ready = ready

    def __call__(self) -> bytes:
        return self.build(self.ready)
