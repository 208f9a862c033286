"""Giving memory back to the operating system after a big read.

A first read allocates and frees buffers of many megabytes next to the columns that stay; the C
allocator keeps the freed pages in its heaps, so the process's resident size creeps up by tens of
MB over a big logdir. glibc's ``malloc_trim`` returns every free page; elsewhere this is a no-op.
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable


def _load_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        # the symbols already loaded, the C library's among them (finding its file by name,
        # ctypes.util.find_library, would run ldconfig in a subprocess: ~3 ms at every start)
        return ctypes.CDLL(None).malloc_trim  # glibc only (musl has none)
    except (OSError, AttributeError):
        return None


_TRIM = _load_trim()


def give_back() -> None:
    """Return the pages freed memory holds to the operating system, where the C library can."""
    if _TRIM is not None:
        _TRIM(0)
