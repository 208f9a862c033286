"""Turning the records found in a buffer into store updates, in file order."""

from __future__ import annotations

from tbx_tui.events import decode_event
from tbx_tui.store import BlobRef, Run


def decode_spans(
    run: Run, buf: bytes, spans: list[tuple[int, int]], path: str, base: int, name: str
) -> None:
    """Decode the payloads ``buf[offset:offset+length]`` for each span, in order.

    ``base`` is the file offset of ``buf[0]``. An undecodable payload is a counted warning.
    """
    view = memoryview(buf)
    for offset, length in spans:
        try:
            decode_event(run, view[offset : offset + length], BlobRef(path, base + offset, length))
        except (ValueError, TypeError, IndexError) as exc:
            run.add_warning(f"{name}: record at byte {base + offset - 12}: {exc}")
