"""What the app decides once lives in one frozen AppSettings, built by create_app."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest
from textual.app import App

from tbx_tui.tui.app import create_app
from tbx_tui.tui.settings import AppSettings, settings_of

pytestmark = pytest.mark.unit

TBX_TUI = Path(__file__).resolve().parents[1] / "tbx_tui"


def test_create_app_builds_the_settings_from_its_arguments(tmp_path, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.delenv("TMUX", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    app = create_app(tmp_path, ascii=True, sixel_limit=(1000, 855), display_name="job")
    assert app.settings == AppSettings(
        ascii=True,
        images="ascii",
        sixel_limit=(1000, 855),
        tmux=False,
        color=True,
        display_name="job",
    )
    assert app.settings.glyphs.ellipsis == "..."
    with pytest.raises(dataclasses.FrozenInstanceError):
        app.settings.ascii = False  # type: ignore[misc]
    assert settings_of(app) is app.settings


def test_no_color_and_tmux_are_decided_at_creation(tmp_path, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1,0")
    settings = create_app(tmp_path, images="kitty").settings
    assert not settings.color and settings.tmux and settings.images == "kitty"
    assert settings.display_name == str(tmp_path) and settings.glyphs.ellipsis == "…"


def test_a_bare_app_gets_the_defaults_with_textuals_colour_decision(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    assert settings_of(App()) == AppSettings()
    monkeypatch.setenv("NO_COLOR", "1")
    assert settings_of(App()) == AppSettings(color=False)


def test_widgets_read_no_app_attributes_by_name():
    offenders = [
        f"{path.relative_to(TBX_TUI)}:{n}"
        for path in sorted((TBX_TUI / "tui").rglob("*.py"))
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"getattr\(self\.app\b|self\.app\.no_color", line)
    ]
    assert not offenders, offenders
