"""Hand-built protobuf wire bytes for events, and TFRecord framing of many records at once.

Scalars are the hot path: for each tag the bytes of the summary around the 4-byte float are
fixed, so :class:`ScalarTag` builds them once and an event is then ``wall_time``, ``step``,
the tag's prefix, the float and the tag's suffix. The bytes are what protobuf itself would emit
for the same ``Event`` (fields in number order, defaults omitted), so any reader reads them.
"""

from __future__ import annotations

import math
import struct

from tbx_tui.proto import summary_pb2
from tbx_tui.tfrecord.record import masked_crc32c

_pack_d = struct.Struct("<d").pack
_pack_f = struct.Struct("<f").pack
_pack_q = struct.Struct("<Q").pack
_pack_i = struct.Struct("<I").pack
_U64 = (1 << 64) - 1

# Event field keys: wall_time (1, fixed64), step (2, varint), file_version (3, bytes),
# graph_def (4), summary (5), session_log (7), tagged_run_metadata (8).
K_WALL = b"\x09"
K_STEP = b"\x10"
K_FILE_VERSION = b"\x1a"
K_GRAPH_DEF = b"\x22"
K_SUMMARY = b"\x2a"
K_SESSION_LOG = b"\x3a"
K_TAGGED_RUN_METADATA = b"\x42"

_SMALL = [bytes((i,)) for i in range(128)]


def varint(n: int) -> bytes:
    """Protobuf base-128 varint; negative numbers as their 64-bit two's complement."""
    if 0 <= n < 128:
        return _SMALL[n]
    n &= _U64
    out = bytearray()
    while n >= 0x80:
        out.append((n & 0x7F) | 0x80)
        n >>= 7
    out.append(n)
    return bytes(out)


def field_bytes(key: bytes, payload: bytes) -> bytes:
    """A length-delimited field."""
    return key + varint(len(payload)) + payload


def f32(value: float) -> bytes:
    """``value`` as a little-endian float32, out-of-range finite values becoming +/-inf."""
    try:
        return _pack_f(value)
    except OverflowError:
        return _pack_f(math.copysign(math.inf, value))


class ScalarTag:
    """The fixed bytes of a ``simple_value`` summary for one tag (and its metadata)."""

    __slots__ = ("prefix", "suffix", "out", "tag", "key")
    key: int  # given by Pipeline.register

    def __init__(self, tag: str, file, metadata: bytes = b"") -> None:
        self.tag = tag
        self.out = file.chunks.append
        tag_field = field_bytes(b"\x0a", tag.encode("utf-8"))
        meta_field = field_bytes(b"\x4a", metadata) if metadata else b""
        value_len = len(tag_field) + 5 + len(meta_field)  # + simple_value key and float
        value_field_head = b"\x0a" + varint(value_len)
        summary_len = len(value_field_head) + value_len
        self.prefix = K_SUMMARY + varint(summary_len) + value_field_head + tag_field + b"\x15"
        self.suffix = meta_field


class SummaryTarget:
    """Where non-scalar events of one file go; their value is a serialized ``Summary``.

    The value may also be a callable returning one (work finished on the background thread).
    """

    __slots__ = ("out", "tag", "key")
    raw = False

    def __init__(self, file, tag: str = "") -> None:
        self.out = file.chunks.append
        self.tag = tag


class RawTarget(SummaryTarget):
    """Events whose value is the serialized event body after ``wall_time`` and ``step``."""

    __slots__ = ()
    raw = True


def event_head(step: int, wall: float) -> bytes:
    """The ``wall_time`` and ``step`` fields of an event (zeros omitted, as protobuf does)."""
    head = K_WALL + _pack_d(wall) if wall != 0.0 or math.copysign(1.0, wall) < 0 else b""
    if step:
        head += K_STEP + varint(step)
    return head


def summary_event(step: int, wall: float, summary: bytes) -> bytes:
    """An ``Event`` holding a serialized ``Summary``."""
    return event_head(step, wall) + field_bytes(K_SUMMARY, summary)


def metadata_bytes(display_name: str = "", description: str = "") -> bytes:
    meta = summary_pb2.SummaryMetadata(display_name=display_name, summary_description=description)
    return meta.SerializeToString()


class Framer:
    """Frames payloads as TFRecord records; caches the 12-byte header per payload length."""

    __slots__ = ("headers",)

    def __init__(self) -> None:
        #: payload length -> its framed header (read directly by the writer's scalar loop)
        self.headers: dict[int, bytes] = {}

    def header(self, n: int) -> bytes:
        h = self.headers.get(n)
        if h is None:
            length = _pack_q(n)
            h = length + _pack_i(masked_crc32c(length))
            if len(self.headers) < 65536:
                self.headers[n] = h
        return h

    def frame(self, data: bytes) -> bytes:
        """One framed record."""
        return b"".join((self.header(len(data)), data, _pack_i(masked_crc32c(data))))
