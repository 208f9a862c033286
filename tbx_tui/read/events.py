"""Event decoding: one serialized ``Event`` into a :class:`~tbx_tui.read.store.Run`.

Handles v1 summaries (simple_value, HistogramProto, Summary.Image, Summary.Audio) and v2 tensor
summaries (scalars of any numeric dtype, ``[k, 3]`` histograms, ``[w, h, png...]`` images, text,
pr_curves ``[6, N]``, hparams), remembering each tag's plugin from its first metadata, and
applies restarts (``SessionLog.START`` discards the run's points at or after its step).
"""

from __future__ import annotations

from typing import cast

import numpy as np
from google.protobuf.message import DecodeError

from tbx_tui.proto import event_pb2, hparams_pb2, summary_pb2, tensor_pb2, types_pb2
from tbx_tui.read.store import BlobRef, ImageInfo, Point, Run, ScalarSeries
from tbx_tui.storage.files import read_range

_DTYPES: dict[int, np.dtype] = {
    types_pb2.DT_FLOAT: np.dtype("<f4"),
    types_pb2.DT_DOUBLE: np.dtype("<f8"),
    types_pb2.DT_INT32: np.dtype("<i4"),
    types_pb2.DT_UINT8: np.dtype("u1"),
    types_pb2.DT_INT16: np.dtype("<i2"),
    types_pb2.DT_INT8: np.dtype("i1"),
    types_pb2.DT_INT64: np.dtype("<i8"),
    types_pb2.DT_BOOL: np.dtype("?"),
    types_pb2.DT_UINT16: np.dtype("<u2"),
    types_pb2.DT_HALF: np.dtype("<f2"),
    types_pb2.DT_UINT32: np.dtype("<u4"),
    types_pb2.DT_UINT64: np.dtype("<u8"),
    types_pb2.DT_BFLOAT16: np.dtype("<u2"),  # widened by hand below
}

_START = event_pb2.SessionLog.START


#: A tensor may store one value for a shape of many (TensorFlow does so for a constant fill);
#: spreading it is allowed up to this many elements. Beyond, the shape is a claim the bytes do
#: not back: nothing is allocated for it.
MAX_BROADCAST = 1 << 16


def claimed_size(t: tensor_pb2.TensorProto) -> int:
    """The element count a tensor's shape claims (Python ints: no overflow; -1 if a dim is)."""
    size = 1
    for d in t.tensor_shape.dim:
        if d.size < 0:
            return -1
        size *= d.size
    return size


def _stored_values(t: tensor_pb2.TensorProto, dtype: np.dtype) -> np.ndarray:
    """The values a numeric tensor actually holds, flat, in their stored dtype."""
    if t.tensor_content:
        if len(t.tensor_content) % dtype.itemsize:
            raise ValueError(f"tensor content of {len(t.tensor_content)} bytes is not whole values")
        return np.frombuffer(t.tensor_content, dtype=dtype)
    if t.dtype in (types_pb2.DT_HALF, types_pb2.DT_BFLOAT16):
        halves = np.asarray(t.half_val, dtype=np.int64)
        if halves.size and (halves.min() < 0 or halves.max() > 0xFFFF):
            raise ValueError("half_val holds a value that is not 16 bits")
        return halves.astype(np.uint16).view(dtype)
    if t.dtype == types_pb2.DT_FLOAT:
        return np.asarray(t.float_val, dtype=np.float32)
    if t.dtype == types_pb2.DT_DOUBLE:
        return np.asarray(t.double_val, dtype=np.float64)
    if t.dtype == types_pb2.DT_INT64:
        return np.asarray(t.int64_val, dtype=np.int64)
    if t.dtype == types_pb2.DT_UINT64:
        return np.asarray(t.uint64_val, dtype=np.uint64)
    if t.dtype == types_pb2.DT_UINT32:
        return np.asarray(t.uint32_val, dtype=np.uint32)
    if t.dtype == types_pb2.DT_BOOL:
        return np.asarray(t.bool_val, dtype=bool)
    return np.asarray(t.int_val, dtype=np.int64)


def tensor_to_array(t: tensor_pb2.TensorProto) -> np.ndarray:
    """A numeric TensorProto as a float64 numpy array of its shape.

    The shape is checked against the values present before anything of its size is allocated:
    a single stored value spreads over at most :data:`MAX_BROADCAST` elements, any other
    mismatch is a ``ValueError``.
    """
    dtype = _DTYPES.get(t.dtype)
    if dtype is None:
        raise ValueError(f"unsupported tensor dtype {types_pb2.DataType.Name(t.dtype)}")
    shape = tuple(d.size for d in t.tensor_shape.dim)
    size = claimed_size(t)
    arr = _stored_values(t, dtype)
    if arr.size != size and not (arr.size == 1 and 0 <= size <= MAX_BROADCAST):
        raise ValueError(f"tensor shape {list(shape)} claims {size} values, {arr.size} present")
    if t.dtype == types_pb2.DT_BFLOAT16:
        arr = (arr.astype(np.uint32) << 16).view(np.float32)
    arr = arr.astype(np.float64)
    if arr.size != size:
        arr = np.full(size, arr[0])  # TF stores a repeated single value once
    return arr.reshape(shape)


def tensor_scalar(t: tensor_pb2.TensorProto) -> float:
    """The one value of a scalar tensor (shape ``[]``, ``[1]``, ``[1, 1]``...)."""
    size = claimed_size(t)
    if size != 1:
        raise ValueError(f"scalar tensor of shape {[d.size for d in t.tensor_shape.dim]}")
    return float(tensor_to_array(t).reshape(()))


def histogram_proto_to_buckets(h: summary_pb2.HistogramProto) -> np.ndarray:
    """A v1 histogram as ``[k, 3]`` (left, right, count), the way TensorBoard migrates it.

    Empty buckets at both ends are dropped; the first bucket starts at ``min`` and the last ends
    at ``max``.
    """
    counts = np.asarray(h.bucket, dtype=np.float64)
    nonzero = np.flatnonzero(counts)
    if nonzero.size == 0:
        return np.zeros((0, 3), dtype=np.float64)
    start, end = int(nonzero[0]), int(nonzero[-1])
    limits = np.asarray(h.bucket_limit, dtype=np.float64)
    inner = limits[start:end]
    lefts = np.concatenate(([h.min], inner))
    rights = np.concatenate((inner, [h.max]))
    return np.stack([lefts, rights, counts[start : end + 1]], axis=1)


def _hparam_value(v) -> object:
    kind = v.WhichOneof("kind")
    if kind == "number_value":
        return v.number_value
    if kind == "string_value":
        return v.string_value
    if kind == "bool_value":
        return v.bool_value
    return None


def _decode_hparams(run: Run, content: bytes) -> None:
    try:
        data = hparams_pb2.HParamsPluginData.FromString(content)
    except DecodeError as exc:
        raise ValueError(f"undecodable hparams plugin data: {exc}") from exc
    which = data.WhichOneof("data")
    if which == "session_start_info":
        hparams = data.session_start_info.hparams  # a protobuf map: no stable order
        for name in sorted(hparams):
            run.hparams[name] = _hparam_value(hparams[name])
    elif which == "experiment":
        for m in data.experiment.metric_infos:
            tag = m.name.tag
            if tag and tag not in run.hparam_metrics:
                run.hparam_metrics.append(tag)


def _add_point(bucket: dict[str, list[Point]], tag: str, point: Point) -> None:
    points = bucket.get(tag)
    if points is None:
        bucket[tag] = [point]
    else:
        points.append(point)


def _decode_value(
    run: Run, value: summary_pb2.Summary.Value, step: int, wall: float, ref: BlobRef, index: int
) -> None:
    tag = value.tag or value.node_name
    if value.HasField("metadata"):
        meta = value.metadata
        name = meta.plugin_data.plugin_name
        if name and tag not in run.plugins:
            run.plugins[tag] = name
            run.plugin_content[tag] = meta.plugin_data.content
        if name == "hparams":
            _decode_hparams(run, meta.plugin_data.content)
            return
    kind = value.WhichOneof("value")
    if kind == "simple_value":
        series = run.scalars.get(tag)
        if series is None:
            series = run.scalars[tag] = ScalarSeries()
        series.append(step, wall, value.simple_value)
    elif kind == "histo":
        _add_point(run.histograms, tag, Point(step, wall, histogram_proto_to_buckets(value.histo)))
    elif kind == "image":
        img = value.image
        info = ImageInfo(img.width, img.height, ref, index, 0)
        _add_point(run.images, tag, Point(step, wall, [info]))
    elif kind == "audio":
        a = value.audio
        sound = {
            "sample_rate": a.sample_rate,
            "channels": a.num_channels,
            "frames": a.length_frames,
            "content_type": a.content_type,
        }
        _add_point(run.audio, tag, Point(step, wall, [sound]))
    elif kind == "tensor":
        _decode_tensor(run, tag, value.tensor, step, wall, ref, index)
    elif tag:
        _add_point(run.other, tag, Point(step, wall, None))


def _decode_tensor(
    run: Run, tag: str, t: tensor_pb2.TensorProto, step: int, wall: float, ref: BlobRef, index: int
) -> None:
    plugin = run.plugins.get(tag, "")
    if plugin == "scalars":
        value = tensor_scalar(t)
        series = run.scalars.get(tag)
        if series is None:
            series = run.scalars[tag] = ScalarSeries()
        series.append(step, wall, value)
    elif plugin == "histograms":
        arr = tensor_to_array(t)
        if arr.size == 0:
            arr = np.zeros((0, 3))
        if arr.ndim != 2 or arr.shape[1] != 3:
            raise ValueError(f"histogram tensor of shape {arr.shape}")
        _add_point(run.histograms, tag, Point(step, wall, arr))
    elif plugin == "images":
        strings = t.string_val
        images = []
        if len(strings) >= 2:
            w, h = int(strings[0] or 0), int(strings[1] or 0)
            images = [ImageInfo(w, h, ref, index, i) for i in range(len(strings) - 2)]
        _add_point(run.images, tag, Point(step, wall, images))
    elif plugin == "text":
        texts = [s.decode("utf-8", "replace") for s in t.string_val]
        _add_point(run.texts, tag, Point(step, wall, "\n".join(texts)))
    elif plugin == "pr_curves":
        arr = tensor_to_array(t)
        if arr.ndim != 2 or arr.shape[0] != 6:
            raise ValueError(f"pr_curves tensor of shape {list(arr.shape)}, not [6, N]")
        _add_point(run.pr_curves, tag, Point(step, wall, arr))
    elif plugin == "audio":
        _add_point(run.audio, tag, Point(step, wall, [{"clips": max(len(t.string_val), 0)}]))
    else:
        _add_point(run.other, tag, Point(step, wall, None))


def parse_event(payload: bytes | memoryview) -> event_pb2.Event:
    """Parse one record payload. Raises ``ValueError`` on a malformed event."""
    try:
        # protobuf parses a memoryview in place (its stubs say bytes only)
        return event_pb2.Event.FromString(cast(bytes, payload))
    except DecodeError as exc:
        raise ValueError(f"undecodable event: {exc}") from exc


def touches_scalars(event: event_pb2.Event) -> bool:
    """Whether applying ``event`` could change scalar series (a restart, or a scalar value)."""
    which = event.WhichOneof("what")
    if which == "session_log":
        return event.session_log.status == _START
    if which == "summary":
        return any(v.WhichOneof("value") in ("simple_value", "tensor") for v in event.summary.value)
    return False


#: What a well-framed record with lying content raises while it is applied: each is one counted
#: warning for that record, and reading goes on.
DAMAGE = (ValueError, TypeError, IndexError, OverflowError, DecodeError)


def parse_or_warn(
    run: Run, view: memoryview, offset: int, length: int, ctx: tuple[str, int, str]
) -> event_pb2.Event | None:
    """The event of the record ``view[offset:offset + length]``, or None and a warning on
    ``run`` if it does not parse; ``ctx`` is (file path, file offset of ``view``, file name)."""
    _, base, name = ctx
    try:
        return parse_event(view[offset : offset + length])
    except ValueError as exc:
        run.add_warning(f"{name}: record at byte {base + offset - 12}: {exc}")
        return None


def apply_or_warn(
    run: Run, event: event_pb2.Event, offset: int, length: int, ctx: tuple[str, int, str]
) -> None:
    """:func:`apply_event` for the record at ``offset`` (see :func:`parse_or_warn`); damage
    found in its content is a warning on ``run``."""
    path, base, name = ctx
    try:
        apply_event(run, event, BlobRef(path, base + offset, length))
    except DAMAGE as exc:
        run.add_warning(f"{name}: record at byte {base + offset - 12}: {exc}")


def apply_event(run: Run, event: event_pb2.Event, ref: BlobRef) -> None:
    """Apply one parsed event to ``run``. Raises ``ValueError`` on malformed values."""
    wall = event.wall_time
    if wall > run.last_wall_time:
        run.last_wall_time = wall
    which = event.WhichOneof("what")
    if which == "summary":
        step = event.step
        for i, value in enumerate(event.summary.value):
            _decode_value(run, value, step, wall, ref, i)
        run.version += 1
    elif which == "session_log" and event.session_log.status == _START:
        run.purge_from(event.step)


def image_bytes(info: ImageInfo) -> bytes:
    """Read the encoded bytes (PNG, JPEG, GIF...) of one image from its event file (local or
    in an object store)."""
    payload = read_range(info.ref.path, info.ref.offset, info.ref.offset + info.ref.length)
    event = event_pb2.Event.FromString(payload)
    value = event.summary.value[info.value_index]
    if value.WhichOneof("value") == "image":
        return value.image.encoded_image_string
    return value.tensor.string_val[2 + info.image_index]
