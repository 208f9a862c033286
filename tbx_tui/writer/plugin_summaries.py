"""Pure builders for the hparams and mesh plugins: Python values in, ``Summary`` bytes out
(tensorboardX's tags and layouts)."""

from __future__ import annotations

from typing import cast

import numpy as np

from tbx_tui.proto import hparams_pb2, tensor_pb2, types_pb2
from tbx_tui.writer.summaries import Summary, plugin_metadata, shape_proto, single_value

# -- hparams----------------------------------------------------------------------------------


def _hparams_summary(tag: str, data: hparams_pb2.HParamsPluginData) -> bytes:
    return single_value(
        Summary.Value(tag=tag, metadata=plugin_metadata("hparams", data.SerializeToString()))
    )


def hparams(hparam_dict: dict, metric_dict: dict) -> tuple[bytes, bytes, bytes]:
    """The experiment, session-start and session-end summaries of one hparams session."""
    start = hparams_pb2.SessionStartInfo()
    infos = []
    for name, value in hparam_dict.items():
        if not isinstance(name, str):
            raise TypeError(f"hparam names must be str, got {type(name).__name__}")
        if value is None:
            continue
        if isinstance(value, str):
            start.hparams[name].string_value = value
            kind = hparams_pb2.DATA_TYPE_STRING
        elif isinstance(value, bool | np.bool_):
            start.hparams[name].bool_value = bool(value)
            kind = hparams_pb2.DATA_TYPE_BOOL
        elif isinstance(value, int | float | np.number):
            start.hparams[name].number_value = float(value)
            kind = hparams_pb2.DATA_TYPE_FLOAT64
        elif callable(value):
            start.hparams[name].string_value = getattr(value, "__name__", str(value))
            kind = hparams_pb2.DATA_TYPE_STRING
        else:
            kind = hparams_pb2.DATA_TYPE_UNSET
        infos.append(hparams_pb2.HParamInfo(name=name, type=kind))
    metrics = [hparams_pb2.MetricInfo(name=hparams_pb2.MetricName(tag=k)) for k in metric_dict]
    experiment = hparams_pb2.Experiment(hparam_infos=infos, metric_infos=metrics)
    end = hparams_pb2.SessionEndInfo(status=hparams_pb2.STATUS_SUCCESS)
    return (
        _hparams_summary(
            "_hparams_/experiment", hparams_pb2.HParamsPluginData(version=0, experiment=experiment)
        ),
        _hparams_summary(
            "_hparams_/session_start_info",
            hparams_pb2.HParamsPluginData(version=0, session_start_info=start),
        ),
        _hparams_summary(
            "_hparams_/session_end_info",
            hparams_pb2.HParamsPluginData(version=0, session_end_info=end),
        ),
    )


def mesh(tag: str, parts: list[tuple[int, np.ndarray]], config_dict) -> bytes:
    """Mesh plugin values ``<tag>_<kind>`` for (kind, ``[B, N, 3]`` array) pairs, kind 1
    vertices, 2 faces, 3 colors."""
    import json

    from tbx_tui.proto import mesh_pb2

    config = json.dumps(config_dict, sort_keys=True)
    values = []
    for kind, arr in parts:
        if arr.ndim != 3 or arr.shape[2] != 3:
            raise ValueError(f"{tag!r}: mesh arrays must be shaped [B, N, 3], got {arr.shape}")
        content = mesh_pb2.MeshPluginData(
            version=0,
            name=tag,
            content_type=cast("mesh_pb2.MeshPluginData.ContentType", kind),
            json_config=config,
            shape=list(arr.shape),
        )
        tensor = tensor_pb2.TensorProto(
            dtype=types_pb2.DT_FLOAT,
            float_val=arr.astype(np.float32).reshape(-1).tolist(),
            tensor_shape=shape_proto(*arr.shape),
        )
        meta = plugin_metadata("mesh", content.SerializeToString())
        values.append(Summary.Value(tag=f"{tag}_{kind}", tensor=tensor, metadata=meta))
    return Summary(value=values).SerializeToString()
