"""tensorboardX's ``TorchVis``: one set of ``add_*`` calls sent to several writers.

Only the ``'tensorboard'`` target exists here; ``'visdom'`` raises an ``ImportError`` that says
so (tbx_tui writes TensorBoard event files only; tensorboardX with visdom installed does both).
"""

from __future__ import annotations

from tbx_tui.writer.summary_writer import SummaryWriter


class TorchVis:
    def __init__(self, *args: str, **init_kwargs) -> None:
        self.subscribers: dict[str, SummaryWriter] = {}
        self.register(*args, **init_kwargs)

    def register(self, *args: str, **init_kwargs) -> None:
        """Add targets (default ``'tensorboard'``); ``init_kwargs`` go to their writers."""
        for target in args or ("tensorboard",):
            if target == "visdom":
                raise ImportError(
                    "TorchVis('visdom') needs visdom, which tbx_tui does not write to; "
                    "use tensorboardX with the visdom package installed, or the 'tensorboard' "
                    "target"
                )
            if target != "tensorboard":
                raise ValueError(f"TorchVis: unknown target {target!r} (only 'tensorboard')")
            if target not in self.subscribers:
                self.subscribers[target] = SummaryWriter(**init_kwargs)

    def unregister(self, *args: str) -> None:
        for target in args:
            writer = self.subscribers.pop(target, None)
            if writer is not None:
                writer.close()

    def __getattr__(self, name: str):
        if name.startswith("_") or name == "subscribers":
            raise AttributeError(name)

        def call_each(*args, **kwargs) -> None:
            for writer in self.subscribers.values():
                getattr(writer, name)(*args, **kwargs)

        return call_each
