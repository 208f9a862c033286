"""Building real event files byte by byte for reader tests (with our protos and framing)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from tbx_tui.proto import event_pb2, summary_pb2, tensor_pb2, types_pb2
from tbx_tui.tfrecord.record import encode_record


def scalar(tag: str, step: int, value: float, wall: float = 1.0e9) -> bytes:
    ev = event_pb2.Event(wall_time=wall + step, step=step)
    ev.summary.value.add(tag=tag, simple_value=value)
    return encode_record(ev.SerializeToString())


def tensor_scalar(tag: str, step: int, arr: np.ndarray, dtype: int, first: bool) -> bytes:
    ev = event_pb2.Event(wall_time=1.0e9, step=step)
    v = ev.summary.value.add(tag=tag)
    if first:
        v.metadata.plugin_data.plugin_name = "scalars"
    v.tensor.dtype = dtype
    v.tensor.tensor_content = arr.tobytes()
    return encode_record(ev.SerializeToString())


def start(step: int) -> bytes:
    ev = event_pb2.Event(wall_time=1.0e9, step=step)
    ev.session_log.status = event_pb2.SessionLog.START
    return encode_record(ev.SerializeToString())


def histogram(tag: str, step: int, values: np.ndarray) -> bytes:
    counts, edges = np.histogram(values, bins=10)
    h = summary_pb2.HistogramProto(
        min=float(values.min()),
        max=float(values.max()),
        num=len(values),
        sum=float(values.sum()),
        sum_squares=float((values**2).sum()),
        bucket_limit=edges[1:].tolist(),
        bucket=counts.astype(float).tolist(),
    )
    ev = event_pb2.Event(wall_time=1.0e9, step=step)
    ev.summary.value.add(tag=tag, histo=h)
    return encode_record(ev.SerializeToString())


def file_version() -> bytes:
    return encode_record(
        event_pb2.Event(wall_time=1.0e9, file_version="brain.Event:2").SerializeToString()
    )


def write(path: Path, *records: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"".join(records))
    return path


def append(path: Path, data: bytes) -> None:
    with open(path, "ab") as f:
        f.write(data)


__all__ = [
    "scalar",
    "tensor_scalar",
    "start",
    "histogram",
    "file_version",
    "write",
    "append",
    "tensor_pb2",
    "summary_pb2",
    "types_pb2",
]
