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


def _hparam_value(name: str, value):
    """(kind, field, value) of one hyperparameter; a one-element array or tensor is a number."""
    if isinstance(value, str):
        return hparams_pb2.DATA_TYPE_STRING, "string_value", value
    if isinstance(value, bool | np.bool_):
        return hparams_pb2.DATA_TYPE_BOOL, "bool_value", bool(value)
    if isinstance(value, int | float | np.number):
        return hparams_pb2.DATA_TYPE_FLOAT64, "number_value", float(value)
    if hasattr(value, "__array__"):  # one-element numpy arrays and CPU tensors
        try:
            arr = np.asarray(value)
        except (TypeError, ValueError, RuntimeError):
            arr = None
        if arr is not None and arr.size == 1 and arr.dtype.kind in "biuf":
            return _hparam_value(name, arr.reshape(-1)[0].item())
    if callable(value):
        return hparams_pb2.DATA_TYPE_STRING, "string_value", getattr(value, "__name__", str(value))
    return hparams_pb2.DATA_TYPE_UNSET, None, None


def check_domains(hparam_dict: dict, domains) -> dict:
    """torch's ``hparam_domain_discrete``: ``{name: [every value it can take]}``, each list of
    the type of the hparam's own value."""
    if domains is None:
        return {}
    if not isinstance(domains, dict):
        raise TypeError(f"hparam_domain_discrete must be a dict, got {type(domains).__name__}")
    for name, values in domains.items():
        if name not in hparam_dict:
            raise ValueError(f"hparam_domain_discrete names {name!r}, which is not an hparam")
        kind = type(hparam_dict[name])
        if not isinstance(values, list) or not all(isinstance(v, kind) for v in values):
            raise TypeError(
                f"hparam_domain_discrete[{name!r}] must be a list of {kind.__name__} "
                f"(the type of the hparam's value), got {values!r:.80}"
            )
    return domains


def hparams(hparam_dict: dict, metric_dict: dict, domains: dict | None = None):
    """The experiment, session-start and session-end summaries of one hparams session.

    A value of ``None`` is refused (tensorboardX drops it silently): give a value or a string."""
    domains = check_domains(hparam_dict, domains)
    start = hparams_pb2.SessionStartInfo()
    infos = []
    for name, value in hparam_dict.items():
        if not isinstance(name, str):
            raise TypeError(f"hparam names must be str, got {type(name).__name__}")
        if value is None:
            raise ValueError(
                f"hparam {name!r} is None: give it a value, or str(None) to show 'None'"
            )
        kind, field, shown = _hparam_value(name, value)
        if field is not None:
            setattr(start.hparams[name], field, shown)
        info = hparams_pb2.HParamInfo(name=name, type=kind)
        if name in domains:
            for v in domains[name]:
                _, vfield, vshown = _hparam_value(name, v)
                if vfield is not None:
                    setattr(info.domain_discrete.values.add(), vfield, vshown)
        infos.append(info)
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
