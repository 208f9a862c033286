"""The loader starts watching the logdir once the first charts are drawn (watchdog's import and
its threads walking every folder would compete with reading and drawing them), and loses
nothing written meanwhile."""

from __future__ import annotations

import threading
import time

import pytest
from watchdog.observers.api import BaseObserver

from tbx_tui import SummaryWriter
from tbx_tui.tui import loader
from tbx_tui.tui.messages import DataChanged

pytestmark = pytest.mark.unit


def watching(path) -> bool:
    return any(
        isinstance(thread, BaseObserver) and any(e.watch.path == str(path) for e in thread.emitters)
        for thread in threading.enumerate()
    )


def test_watching_starts_after_the_first_charts_and_misses_no_write(tmp_path, monkeypatch):
    monkeypatch.setattr(loader, "SAFETY_POLL", 3600.0)  # only notifications wake the loader
    writer = SummaryWriter(str(tmp_path / "run"))
    writer.add_scalar("loss", 1.0, 0)
    writer.flush()
    posted: list[DataChanged] = []
    asked: list[bool] = []  # watching or not, each time the loader asked about the charts
    drawn = threading.Event()

    def first_charts() -> bool:
        asked.append(watching(tmp_path))
        return drawn.is_set()

    def values() -> list[float]:
        runs = posted[-1].runs if posted else {}
        return runs["run"].scalars["loss"].values.tolist() if "run" in runs else []

    def wait_until(condition, seconds: float = 20.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not condition():
            time.sleep(0.02)
        return condition()

    stop = threading.Event()
    thread = threading.Thread(
        target=loader.load_loop, args=(posted.append, str(tmp_path), None, stop, first_charts)
    )
    thread.start()
    try:
        assert wait_until(lambda: len(asked) >= 2)  # the first data posted, charts not drawn
        assert posted[0].first and posted[0].mode == "watching" and values() == [1.0]
        writer.add_scalar("loss", 2.0, 1)  # written before watching begins
        writer.flush()
        drawn.set()
        assert wait_until(lambda: watching(tmp_path))
        assert wait_until(lambda: values() == [1.0, 2.0])  # read once more as watching began
        writer.add_scalar("loss", 3.0, 2)
        writer.flush()
        assert wait_until(lambda: values() == [1.0, 2.0, 3.0])  # a notification woke it
    finally:
        stop.set()
        thread.join(timeout=10)
        writer.close()
    assert not any(asked) and not thread.is_alive() and not watching(tmp_path)
    assert {m.mode for m in posted} == {"watching"}
