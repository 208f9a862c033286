"""What the app decides once, at start: :class:`AppSettings`, built by
:func:`tbx_tui.tui.app.create_app` and read by the widgets through :func:`settings_of`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from textual.app import App

from tbx_tui.term import termcaps


@dataclass(frozen=True)
class AppSettings:
    #: ASCII only (a non-UTF-8 terminal, or --ascii): ASCII borders, chart markers and glyphs
    ascii: bool = False
    #: how images are drawn: auto (half-blocks in the app), halfblock, ascii, sixel or kitty
    images: str = "auto"
    #: the largest sixel image the terminal draws (pixels), when it said so
    sixel_limit: tuple[int, int] | None = None
    #: inside tmux: graphics go through its passthrough
    tmux: bool = False
    #: whether that tmux passes graphics through (its allow-passthrough; None: not asked)
    tmux_passthrough: bool | None = None
    #: colours on (off with NO_COLOR: runs are then told apart by their markers)
    color: bool = True
    #: what the status bar calls the logdir
    display_name: str = ""

    @property
    def glyphs(self) -> termcaps.Glyphs:
        return termcaps.glyphs(self.ascii)


@runtime_checkable
class Configured(Protocol):
    """An app that carries its settings (``TbxTop``; a test harness may too)."""

    settings: AppSettings


def settings_of(app: App) -> AppSettings:
    """The settings of the app running a widget; the defaults for an app without any (a bare
    Textual app hosting one view in a test), its colours as Textual decided them."""
    if isinstance(app, Configured):
        return app.settings
    return AppSettings(color=not app.no_color)
