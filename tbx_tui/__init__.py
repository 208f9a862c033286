"""tbx-tui: TensorBoard for the terminal.

``from tbx_tui import SummaryWriter`` for writing; :class:`tbx_tui.read.logdir.Logdir` for reading.
Neither imports textual, rich, matplotlib or torch.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["SummaryWriter", "__version__"]


def __getattr__(name: str):
    # Lazy, so that ``import tbx_tui`` stays cheap: the writer loads on first use.
    if name == "SummaryWriter":
        from tbx_tui.writer import SummaryWriter

        return SummaryWriter
    raise AttributeError(f"module 'tbx_tui' has no attribute {name!r}")
