"""tbx-tui: TensorBoard for the terminal.

``from tbx_tui import SummaryWriter`` for writing; :class:`tbx_tui.logdir.Logdir` for reading.
Neither imports textual, rich, matplotlib or torch.
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
