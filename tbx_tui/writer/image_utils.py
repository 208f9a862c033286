"""tensorboardX's ``utils`` helpers, under their tensorboardX names (published as
:mod:`tbx_tui.utils`): matplotlib figures to arrays, batches tiled into one image, layouts."""

from __future__ import annotations

import numpy as np

from tbx_tui.writer import images

__all__ = ["convert_to_HWC", "convert_to_NTCHW", "figure_to_image", "make_grid"]


def figure_to_image(figures, close: bool = True) -> np.ndarray:
    """A matplotlib figure as ``[3, H, W]`` uint8, or a list of them as ``[N, 3, H, W]``."""
    if isinstance(figures, list):
        return np.stack([images.figure_to_chw(f, close) for f in figures])
    return images.figure_to_chw(figures, close)


def make_grid(I: np.ndarray, ncols: int = 8) -> np.ndarray:  # noqa: E741 (tensorboardX's name)
    """``[N, C, H, W]`` (C 1, 3 or 4) tiled into ``[C', rows*H, cols*W]``; one channel becomes
    three."""
    arr = np.asarray(I)
    if arr.ndim != 4 or arr.shape[1] not in (1, 3, 4):
        raise ValueError(f"make_grid needs [N, C, H, W] with C 1, 3 or 4, got {arr.shape}")
    return images.grid(arr, ncols)


def convert_to_HWC(tensor, input_format: str) -> np.ndarray:  # noqa: N802
    """Any image layout (HW, CHW, HWC, NCHW, ...) as ``[H, W, 3 or 4]``; batches are tiled."""
    return images.to_hwc("image", np.asarray(tensor), input_format)


def convert_to_NTCHW(tensor, input_format: str) -> np.ndarray:  # noqa: N802
    """A video array in any 5-letter layout, transposed to ``[N, T, C, H, W]``."""
    fmt = str(input_format).upper()
    arr = np.asarray(tensor)
    if len(fmt) != 5 or set(fmt) != set("NTCHW") or arr.ndim != 5:
        raise ValueError(
            f"convert_to_NTCHW needs a 5-D array and a layout of N, T, C, H, W, got "
            f"{arr.shape} and {input_format!r}"
        )
    return arr.transpose([fmt.index(k) for k in "NTCHW"])
