"""plotext, imported without its documentation object.

``import plotext`` builds ``plotext.doc`` (the module ``plotext._doc.doc``), which is most of its
import time (60 ms on a quiet machine, 250 ms on a busy one) and which nothing here reads; a
placeholder stands in for it during the import. Everything else of plotext is the real thing.
"""

from __future__ import annotations

import sys
import types

_DOC = "plotext._doc.doc"


def _load() -> types.ModuleType:
    placeholder = None
    if "plotext" not in sys.modules and _DOC not in sys.modules:
        placeholder = types.ModuleType(_DOC, "stands in for plotext.doc, which tbx-tui never reads")
        placeholder.docs = None  # type: ignore[attr-defined]
        sys.modules[_DOC] = placeholder
    try:
        import plotext
    finally:
        if placeholder is not None and sys.modules.get(_DOC) is placeholder:
            del sys.modules[_DOC]  # a later real import of plotext._doc gets the real module
    return plotext


plotext = _load()
