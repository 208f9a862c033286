"""Pure builders for torch's tensor-valued summaries: new-style scalars and ``add_tensor``.

They write what ``torch.utils.tensorboard`` writes for the same call: a ``TensorProto`` with the
typed value field torch uses for the dtype (``float_val``, ``double_val``, ``int_val``, ...) under
the ``scalars`` or ``tensor`` plugin.
"""

from __future__ import annotations

import numpy as np

from tbx_tui.proto import summary_pb2, tensor_pb2, types_pb2

Summary = summary_pb2.Summary
SummaryMetadata = summary_pb2.SummaryMetadata

#: numpy dtype kind+size -> (DataType, TensorProto field) as torch maps its dtypes.
_FIELDS = {
    "f2": (types_pb2.DT_HALF, "half_val"),
    "f4": (types_pb2.DT_FLOAT, "float_val"),
    "f8": (types_pb2.DT_DOUBLE, "double_val"),
    "i1": (types_pb2.DT_INT8, "int_val"),
    "u1": (types_pb2.DT_UINT8, "int_val"),
    "i2": (types_pb2.DT_INT16, "int_val"),
    "i4": (types_pb2.DT_INT32, "int_val"),
    "i8": (types_pb2.DT_INT64, "int64_val"),
    "b1": (types_pb2.DT_BOOL, "bool_val"),
}
#: Protobuf's limit on one message.
MAX_TENSOR_BYTES = 1 << 31


def _summary(tag: str, plugin: str, tensor: tensor_pb2.TensorProto) -> bytes:
    meta = SummaryMetadata(plugin_data=SummaryMetadata.PluginData(plugin_name=plugin))
    return Summary(value=[Summary.Value(tag=tag, tensor=tensor, metadata=meta)]).SerializeToString()


def new_style_scalar(tag: str, value: float, double_precision: bool = False) -> bytes:
    """A scalar as a rank-0 tensor of the scalars plugin (torch's ``new_style=True``)."""
    if double_precision:
        tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_DOUBLE, double_val=[value])
    else:
        tensor = tensor_pb2.TensorProto(dtype=types_pb2.DT_FLOAT, float_val=[value])
    return _summary(tag, "scalars", tensor)


def tensor(tag: str, arr: np.ndarray) -> bytes:
    """The whole array, with its shape, under the ``tensor`` plugin (torch's ``add_tensor``)."""
    code = f"{arr.dtype.kind}{arr.dtype.itemsize}"
    if code not in _FIELDS:
        raise TypeError(
            f"{tag!r}: add_tensor supports float16/32/64, int8/16/32/64, uint8 and bool, "
            f"got {arr.dtype}"
        )
    if arr.nbytes >= MAX_TENSOR_BYTES:
        raise ValueError(f"{tag!r}: a tensor of {arr.nbytes} bytes is over protobuf's 2 GB limit")
    dtype, field = _FIELDS[code]
    flat = arr.reshape(-1)
    if field == "half_val":
        values = flat.astype(np.float16).view(np.uint16).tolist()  # float16 bits, as torch
    else:
        values = flat.tolist()
    shape = tensor_pb2.TensorShapeProto(
        dim=[tensor_pb2.TensorShapeProto.Dim(size=int(d)) for d in arr.shape]
    )
    proto = tensor_pb2.TensorProto(dtype=dtype, tensor_shape=shape)
    getattr(proto, field).extend(values)
    return _summary(tag, "tensor", proto)
