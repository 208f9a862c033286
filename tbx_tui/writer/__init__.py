"""Writing event files: :class:`SummaryWriter`, a fast, durable drop-in for tensorboardX's."""

from __future__ import annotations

from tbx_tui.writer.pipeline import WriterClosedError
from tbx_tui.writer.summary_writer import SummaryWriter

__all__ = ["SummaryWriter", "WriterClosedError"]
