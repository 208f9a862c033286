"""The tag filter box that each view shows: one app-wide filter, mirrored in every view's box."""

from __future__ import annotations

from textual.widgets import Input

from tbx_tui.tui.state import ViewState


def mirror_tag_filter(box: Input, state: ViewState) -> None:
    """Show the app-wide tag filter in ``box``: ``/`` in another view may have changed it, and a
    view filtered by a pattern that it does not show looks broken (and esc could not clear it)."""
    if box.has_focus:
        return  # being typed in: the box is the source
    pattern = state.tag_re.pattern if state.tag_re is not None else ""
    if box.value != pattern:
        with box.prevent(Input.Changed):
            box.value = pattern
        box.remove_class("-invalid")
        box.display = bool(pattern)
