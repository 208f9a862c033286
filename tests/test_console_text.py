"""The Console view's line store: batches of stdout/stderr put back in print order, read
incrementally as a job prints on, read again when the run was re-read."""

from __future__ import annotations

import pytest

from tbx_tui.read.store import Point
from tbx_tui.tui.views.console import ConsoleText

pytestmark = pytest.mark.unit


def test_streams_interleave_by_step_and_new_batches_append():
    texts = {
        "console/stdout": [Point(1, 10.0, "a\nb"), Point(5, 12.0, "e")],
        "console/stderr": [Point(3, 11.0, "c\x1b[2J\td")],
        "console/tbx-log": [Point(0, 9.0, "[tbx-log] started")],
        "notes": [Point(0, 9.0, "not console")],
    }
    text = ConsoleText()
    text.update(texts)
    # tabs expand as the terminal would have shown them, then escapes are made visible
    assert text.lines == ["[tbx-log] started", "a", "b", "c\\e[2J   d", "e"]
    texts["console/stderr"].append(Point(6, 13.0, "f"))
    texts["console/stdout"].append(Point(7, 14.0, "g"))
    text.update(texts)
    assert text.lines[-2:] == ["f", "g"] and text.generation == 0


def test_an_older_batch_arriving_late_or_a_reread_reads_everything_again():
    texts = {"console/stdout": [Point(5, 10.0, "later")]}
    text = ConsoleText()
    text.update(texts)
    texts["console/stderr"] = [Point(2, 9.0, "earlier")]
    text.update(texts)
    assert text.lines == ["earlier", "later"] and text.generation == 1
    text.update({"console/stdout": [Point(1, 1.0, "after a restart")]})
    assert text.lines == ["after a restart"] and text.generation == 2
