"""The Textual internals tbx-top relies on, each behind one function.

Textual has no public way to add a line filter to an app, to ask a footer whether it has
built its key widgets yet, to make a footer key (a class it does not export) as compact as
its footer before it is mounted, nor to turn what a terminal sent into key events.
:func:`check_textual_internals` says when an upgrade of Textual moved them
(``tests/test_textual_compat.py`` runs it), so that failure names the library and version
instead of surfacing as an ``AttributeError`` deep inside a screen update.
"""

from __future__ import annotations

import inspect

from textual._xterm_parser import XTermParser
from textual.app import App
from textual.filter import LineFilter
from textual.message import Message
from textual.reactive import Reactive
from textual.widget import Widget
from textual.widgets import Footer
from textual.widgets._footer import FooterKey


def line_filters(app: App) -> list[LineFilter]:
    """The app's line filters (Textual 8 keeps them in ``App._filters``): the list itself, so
    a filter appended runs on every line drawn from then on."""
    return app._filters


def footer_bindings_ready(footer: Footer) -> bool:
    """Whether ``footer`` has built its key widgets (Textual 8: ``Footer._bindings_ready``)."""
    return bool(footer._bindings_ready)


def start_footer_key(key: Widget, compact: bool) -> None:
    """Make a footer key (Textual 8: ``FooterKey``, ``compact`` true by default and bound to its
    footer's) start as ``compact`` as its footer, without its watcher restyling it."""
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)


def terminal_input_events(data: str) -> list[Message]:
    """The events (keys, mostly) that Textual makes of ``data`` read from the terminal, as its
    driver would (Textual 8: ``XTermParser``; the end of the data ends a lone escape)."""
    if not data:
        return []
    parser = XTermParser()
    return [*parser.feed(data), *parser.feed("")]


def check_textual_internals() -> None:
    """Raise ``RuntimeError`` naming the installed Textual if the internals above moved."""
    problems = []
    if not isinstance(getattr(App(), "_filters", None), list):
        problems.append("App._filters (a list of LineFilter) is gone")
    if not isinstance(inspect.getattr_static(Footer, "_bindings_ready", None), Reactive):
        problems.append("Footer._bindings_ready (a reactive bool) is gone")
    if not isinstance(inspect.getattr_static(FooterKey, "compact", None), Reactive):
        problems.append("FooterKey.compact (a reactive bool) is gone")
    if [getattr(e, "key", None) for e in terminal_input_events("/q\x1b[A")] != [
        "slash",
        "q",
        "up",
    ]:
        problems.append("XTermParser no longer turns terminal input into Key events")
    if problems:
        from importlib.metadata import version  # (email, zipfile: not on the start-up path)

        raise RuntimeError(
            f"textual {version('textual')} changed internals tbx_tui.tui.textual_compat uses: "
            + "; ".join(problems)
        )
