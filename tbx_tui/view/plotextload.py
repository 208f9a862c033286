"""plotext, imported without the parts of it that tbx-tui never uses.

``import plotext`` builds ``plotext.doc`` (the module ``plotext._doc.doc``), which is most of its
import time (60 ms on a quiet machine, 250 ms on a busy one); it imports its own test runner
(``plotext._tests.run``, which imports ``unittest``: ~3 ms); and it imports Pillow for its image
and video functions (``plotext._settings.system``: ~10 ms). tbx-tui reads none of them: it draws
images itself, with Pillow imported by the Images view when that loads. So during the import,
placeholders stand in for the two modules, and Pillow looks absent to plotext (only to the thread
importing plotext: others import Pillow as usual). Everything else of plotext is the real thing;
``plotext.doc`` is None, ``plotext.test`` imports the runner when called, and plotext's image
functions say Pillow is missing.
"""

from __future__ import annotations

import sys
import threading
import types


def run_plotext_tests() -> object:
    """``plotext.test`` here: plotext's own test runner, imported when called."""
    from plotext._tests.run import test as run_tests

    return run_tests()


#: plotext's modules that tbx-tui never reads, and what each placeholder offers in their place.
PLACEHOLDERS: dict[str, dict[str, object]] = {
    "plotext._doc.doc": {"docs": None},
    "plotext._tests.run": {"test": run_plotext_tests},
}
_PILLOW = "PIL"


class _PillowHidden:
    """A ``sys.meta_path`` finder that makes Pillow look absent to one thread (the one importing
    plotext); it passes on every other name and thread."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if threading.get_ident() == self.thread and name.partition(".")[0] == _PILLOW:
            raise ModuleNotFoundError("Pillow is left out of plotext in tbx-tui", name=name)
        return None


def _load() -> types.ModuleType:
    if "plotext" in sys.modules:
        import plotext

        return plotext
    placeholders = {}
    for name, attributes in PLACEHOLDERS.items():
        if name not in sys.modules:
            module = types.ModuleType(name, "stands in for a plotext module tbx-tui never reads")
            module.__dict__.update(attributes)
            placeholders[name] = sys.modules[name] = module
    hide = _PillowHidden() if _PILLOW not in sys.modules else None
    if hide is not None:
        sys.meta_path.insert(0, hide)
    try:
        import plotext
    finally:
        if hide is not None:
            sys.meta_path.remove(hide)
        for name, module in placeholders.items():
            if sys.modules.get(name) is module:
                del sys.modules[name]  # a later real import gets the real module
    return plotext


plotext = _load()
