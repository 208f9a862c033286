"""tbx-tui: TensorBoard for the terminal.

``from tbx_tui import SummaryWriter`` for writing; :class:`tbx_tui.read.logdir.Logdir` for reading.
Neither imports textual, rich, matplotlib or torch. tensorboardX's other public names
(``FileWriter``, ``RecordWriter``, ``GlobalSummaryWriter``, ``TorchVis``, the ``summary`` and
``utils`` modules) are here too, so ``sys.modules["tensorboardX"] = tbx_tui`` works for frameworks.
Everything loads on first use: ``import tbx_tui`` itself imports neither numpy nor protobuf.
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

#: public name -> the module that defines it (imported on first access)
_LAZY = {
    "SummaryWriter": "tbx_tui.writer.summary_writer",
    "WriterClosedError": "tbx_tui.writer.pipeline",
    "FileWriter": "tbx_tui.writer.file_writer",
    "RecordWriter": "tbx_tui.writer.record_writer",
    "GlobalSummaryWriter": "tbx_tui.writer.global_writer",
    "TorchVis": "tbx_tui.writer.torchvis",
}
_SUBMODULES = ("summary", "utils")

__all__ = [*_LAZY, "__version__"]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module 'tbx_tui' has no attribute {name!r}")
