"""Every Textual message of the app is a dataclass in tbx_tui/tui/messages.py."""

from __future__ import annotations

import dataclasses
import inspect
import re
from pathlib import Path

import pytest
from textual.message import Message

from tbx_tui.tui import messages

pytestmark = pytest.mark.unit

TUI = Path(__file__).resolve().parents[1] / "tbx_tui" / "tui"


def test_messages_are_dataclasses_with_the_handler_names_the_widgets_define():
    classes = {
        name: cls
        for name, cls in vars(messages).items()
        if inspect.isclass(cls) and issubclass(cls, Message) and cls is not Message
    }
    assert set(classes) == {
        "DataChanged",
        "LoadFailed",
        "LogdirWarning",
        "ConsoleMoved",
        "RunsToggled",
        "ZoomRequested",
        "ChartDrawn",
        "FrameReady",
        "TabPicked",
        "ViewShown",
    }
    assert all(dataclasses.is_dataclass(cls) for cls in classes.values())
    assert messages.ChartDrawn.handler_name == "on_chart_drawn"  # ChartCard.on_chart_drawn
    assert messages.FrameReady.handler_name == "on_frame_ready"  # the view bodies
    drawn = messages.ChartDrawn(("key",), [])
    assert drawn.key == ("key",) and drawn.time > 0  # Textual's own fields initialised too


def test_no_message_class_outside_messages_py():
    offenders = [
        f"{path.relative_to(TUI)}: {line.strip()}"
        for path in sorted(TUI.rglob("*.py"))
        if path.name != "messages.py"
        for line in path.read_text().splitlines()
        if re.match(r"\s*class \w+\((\w+\.)?Message\b", line)
    ]
    assert not offenders, offenders


def test_a_newer_data_changed_replaces_an_older_one_and_keeps_what_it_said():
    older = messages.DataChanged({}, {"a"}, "watching", first=True)
    newer = messages.DataChanged({}, {"b"}, "watching", first=False)
    assert older.can_replace(newer)  # Textual asks the older one, then delivers the newer
    assert newer.changed == {"a", "b"} and newer.first
    assert not newer.can_replace(messages.LoadFailed("boom"))
