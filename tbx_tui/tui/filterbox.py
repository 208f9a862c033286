"""The tag filter box that each view shows: one app-wide filter, mirrored in every view's box."""

from __future__ import annotations

import re

from textual.widget import Widget
from textual.widgets import Input

from tbx_tui.tui.state import ViewState, compile_filter


def mirror_tag_filter(box: Input, state: ViewState) -> None:
    """Show the app-wide tag filter in ``box``: ``/`` in another view may have changed it, and a
    view filtered by a pattern that it does not show looks broken (and esc could not clear it)."""
    if box.has_focus:
        return  # being typed in: the box is the source
    if box.is_attached and box.screen.query("#early-tag-filter"):
        box.display = False  # `/` came before the views: the app's early box is the filter
        return
    pattern = state.tag_re.pattern if state.tag_re is not None else ""
    if box.value != pattern:
        with box.prevent(Input.Changed):
            box.value = pattern
        mark_invalid(box, None)
        box.display = bool(pattern)


def open_tag_filter(view: Widget) -> None:
    """Show ``view``'s tag filter box and give it the keyboard (the app's ``/``)."""
    box = view.query_one("#tag-filter", Input)
    box.display = True
    # at once, not on the next turn of the loop as ``focus()`` does: the keys typed right after
    # `/` (a paste, tmux send-keys) are handled next and must reach the box
    box.screen.set_focus(box)


def close_tag_filter(view: Widget, state: ViewState, clear: bool) -> bool:
    """Hide ``view``'s box unless it holds a pattern; with ``clear`` drop the filter first.
    Returns whether the filter changed (the caller then syncs)."""
    box = view.query_one("#tag-filter", Input)
    changed = False
    if clear:
        box.value = ""
        changed = state.tag_re is not None
        state.tag_re = None
        mark_invalid(box, None)
    box.display = bool(box.value)
    return changed


def apply_tag_filter(state: ViewState, event: Input.Changed) -> bool:
    """Take the pattern being typed as the app-wide tag filter; an invalid one marks the box and
    keeps the last valid filter. Returns whether the filter changed."""
    try:
        state.tag_re = compile_filter(event.value)
    except re.error as error:
        mark_invalid(event.input, error)
        return False
    mark_invalid(event.input, None)
    return True


def mark_invalid(box: Input, error: re.error | None) -> None:
    """Say under ``box`` why its pattern is not a valid regex (None: it is)."""
    box.set_class(error is not None, "-invalid")
    box.border_subtitle = f"invalid regex: {error} (esc clears)" if error is not None else ""
