"""tensorboardX's ``summary`` module (``from tensorboardX.summary import hparams``): functions
returning ``Summary`` messages for ``add_summary``. A public facade: the code is in
:mod:`tbx_tui.writer.summary_api`."""

from tbx_tui.writer.summary_api import (
    Summary,
    audio,
    custom_scalars,
    histogram,
    histogram_raw,
    hparams,
    image,
    image_boxes,
    mesh,
    pr_curve,
    pr_curve_raw,
    scalar,
    tensor_proto,
    text,
    video,
)

__all__ = [
    "Summary",
    "audio",
    "custom_scalars",
    "histogram",
    "histogram_raw",
    "hparams",
    "image",
    "image_boxes",
    "mesh",
    "pr_curve",
    "pr_curve_raw",
    "scalar",
    "tensor_proto",
    "text",
    "video",
]
