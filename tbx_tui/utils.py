"""tensorboardX's ``utils`` module (``from tensorboardX.utils import figure_to_image``). A public
facade: the code is in :mod:`tbx_tui.writer.image_utils`."""

from tbx_tui.writer.image_utils import convert_to_HWC, convert_to_NTCHW, figure_to_image, make_grid

__all__ = ["convert_to_HWC", "convert_to_NTCHW", "figure_to_image", "make_grid"]
