"""Hostile records for the fault tier: well framed (valid CRCs), but lying in their content.

Each builder returns one framed record. They are what an adversarial file, a buggy writer or a
plain mistake (``add_text(..., walltime=time.time_ns())``) puts on disk.
"""

from __future__ import annotations

import struct
from pathlib import Path

from tbx_tui.proto import event_pb2, types_pb2
from tbx_tui.tfrecord.record import encode_record, masked_crc32c

EV = "events.out.tfevents.1.host"


def event(wall: float = 1.0e9, step: int = 0) -> event_pb2.Event:
    return event_pb2.Event(wall_time=wall, step=step)


def frame(ev: event_pb2.Event) -> bytes:
    return encode_record(ev.SerializeToString())


def text(tag: str, step: int, body: str | bytes, wall: float = 1.0e9) -> bytes:
    """A v2 text summary (a string tensor, plugin ``text``)."""
    ev = event(wall, step)
    v = ev.summary.value.add(tag=tag)
    v.metadata.plugin_data.plugin_name = "text"
    v.tensor.dtype = types_pb2.DT_STRING
    v.tensor.string_val.append(body.encode() if isinstance(body, str) else body)
    return frame(ev)


def scalar(tag: str, step: int, value: float, wall: float = 1.0e9) -> bytes:
    ev = event(wall, step)
    ev.summary.value.add(tag=tag, simple_value=value)
    return frame(ev)


def plugin_content(tag: str, plugin: str, content: bytes, step: int = 0) -> bytes:
    """A value whose plugin metadata carries ``content`` (garbage for ``hparams``)."""
    ev = event(step=step)
    v = ev.summary.value.add(tag=tag)
    v.metadata.plugin_data.plugin_name = plugin
    v.metadata.plugin_data.content = content
    return frame(ev)


def tensor(
    tag: str,
    plugin: str,
    shape: list[int],
    *,
    float_val: list[float] | None = None,
    content: bytes = b"",
    dtype: int = types_pb2.DT_FLOAT,
    step: int = 0,
) -> bytes:
    """A v2 tensor summary claiming ``shape`` while holding only the values given."""
    ev = event(step=step)
    v = ev.summary.value.add(tag=tag)
    v.metadata.plugin_data.plugin_name = plugin
    v.tensor.dtype = dtype
    for size in shape:
        v.tensor.tensor_shape.dim.add(size=size)
    if content:
        v.tensor.tensor_content = content
    if float_val is not None:
        v.tensor.float_val.extend(float_val)
    return frame(ev)


def stray_header(length: int) -> bytes:
    """A record header with a valid length CRC and no record behind it."""
    head = struct.pack("<Q", length)
    return head + struct.pack("<I", masked_crc32c(head))


def write(path: Path, *records: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(records))
    return path
