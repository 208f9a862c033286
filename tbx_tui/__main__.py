"""``python -m tbx_tui``: the same as ``tbx-top``."""

import sys

from tbx_tui.cli import main

sys.exit(main())
