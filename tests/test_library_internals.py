"""The private parts of Textual and plotext that tbx_tui uses, each behind one adapter, are
still there in the installed versions: an upgrade that moves them fails here, by name, rather
than deep inside a screen update (Textual) or as charts silently twice as slow (plotext)."""

from __future__ import annotations

import pytest
from textual.app import App
from textual.widgets import Footer

from tbx_tui.tui.asciifilter import AsciiFilter
from tbx_tui.tui.textual_compat import check_textual_internals, line_filters
from tbx_tui.view.plot import check_plotext_internals

pytestmark = pytest.mark.unit


def test_textual_internals_are_where_the_adapter_expects_them():
    check_textual_internals()  # raises, naming the Textual version, when they moved
    app = App()
    ascii_filter = AsciiFilter()
    line_filters(app).append(ascii_filter)
    assert ascii_filter in app.get_line_filters()  # Textual's public side sees the filter
    ascii_filter.enabled = False
    assert ascii_filter not in app.get_line_filters()
    assert Footer._bindings_ready is not None  # the reactive descriptor on the class


def test_plotext_internals_are_where_the_adapter_expects_them():
    check_plotext_internals()  # raises, naming the plotext version, when they moved
