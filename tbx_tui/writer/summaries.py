"""Pure builders: numbers and arrays in, serialized ``Summary`` bytes out.

Each builder produces what tensorboardX 2.6.5 writes for the same call (same tags, plugins,
bucket edges, tensor layouts), so TensorBoard and any tensorboardX reader show the same thing.
Inputs are already numpy arrays (see :mod:`tbx_tui.writer.values`); bad input raises
``TypeError``/``ValueError`` naming the tag.
"""

from __future__ import annotations

import io
import math
import struct
import wave

import numpy as np

from tbx_tui.proto import plugins_pb2, summary_pb2, tensor_pb2, types_pb2
from tbx_tui.writer.encode import field_bytes

Summary = summary_pb2.Summary
SummaryMetadata = summary_pb2.SummaryMetadata

_default_edges: np.ndarray | None = None
_pack_d = struct.Struct("<d").pack
_ZERO8 = bytes(8)


def default_bin_edges() -> np.ndarray:
    """TensorFlow's histogram edges: 0 and +/-1e-12 growing by 10% up to 1e20."""
    global _default_edges
    if _default_edges is None:
        positive = []
        edge = 1e-12
        while edge < 1e20:
            positive.append(edge)
            edge *= 1.1  # repeated products, as TensorFlow builds them, not powers
        pos = np.array(positive)
        _default_edges = np.concatenate((-pos[::-1], [0.0], pos))
    return _default_edges


def plugin_metadata(name: str, content: bytes = b"") -> SummaryMetadata:
    return SummaryMetadata(
        plugin_data=SummaryMetadata.PluginData(plugin_name=name, content=content)
    )


def single_value(value: summary_pb2.Summary.Value) -> bytes:
    return Summary(value=[value]).SerializeToString()


# -- histograms ---------------------------------------------------------------------------------


def _merge_bins(counts: np.ndarray, edges: np.ndarray, max_bins: int):
    """Join neighbouring buckets so that at most about ``max_bins`` remain."""
    group = len(counts) // max_bins
    short = (-len(counts)) % group
    if short:
        counts = np.concatenate((counts, np.zeros(short, counts.dtype)))
    counts = counts.reshape(-1, group).sum(axis=1)
    new_edges = np.empty(len(counts) + 1, edges.dtype)
    new_edges[:-1] = edges[:-1:group][: len(counts)]
    new_edges[-1] = edges[-1]
    return counts, new_edges


#: The bin rules ``numpy.histogram`` knows by name.
NUMPY_BIN_RULES = frozenset({"auto", "fd", "doane", "scott", "stone", "rice", "sturges", "sqrt"})


def check_bins(tag: str, bins, max_bins=None) -> None:
    """Refuse, at the call, ``bins`` that ``numpy.histogram`` would refuse at encoding time:
    'tensorflow', a numpy rule name, a positive count, or increasing finite edges."""
    if isinstance(bins, str):
        if bins != "tensorflow" and bins not in NUMPY_BIN_RULES:
            rules = ", ".join(sorted(NUMPY_BIN_RULES))
            raise ValueError(f"{tag!r}: bins {bins!r:.40} is not 'tensorflow' or one of {rules}")
    elif isinstance(bins, bool):
        raise TypeError(f"{tag!r}: bins must be a rule name, a count or edges, got a bool")
    elif isinstance(bins, int | np.integer):
        if bins < 1:
            raise ValueError(f"{tag!r}: bins must be a positive count, got {bins}")
    else:
        try:
            edges = np.asarray(bins, dtype=np.float64)
        except (TypeError, ValueError):
            raise TypeError(
                f"{tag!r}: bins must be a rule name, a count or edges, got {bins!r:.60}"
            ) from None
        if edges.ndim != 1 or edges.size < 2:
            raise ValueError(f"{tag!r}: bin edges must be a 1-D list of at least 2 numbers")
        if not np.isfinite(edges).all() or not (np.diff(edges) > 0).all():
            raise ValueError(f"{tag!r}: bin edges must be finite and increasing")
    if max_bins is not None:
        if isinstance(max_bins, bool) or not isinstance(max_bins, int | np.integer):
            raise TypeError(f"{tag!r}: max_bins must be an int, got {max_bins!r:.40}")
        if max_bins < 1:
            raise ValueError(f"{tag!r}: max_bins must be at least 1, got {max_bins}")


def histogram_input(tag: str, values: np.ndarray) -> np.ndarray:
    """``values`` checked and copied as a flat float64 array. NaN is refused (it would be
    binned nowhere, or become a [nan, nan] bucket); infinities are data."""
    if not np.issubdtype(values.dtype, np.number) and values.dtype != np.bool_:
        raise TypeError(f"{tag!r}: histogram values must be numeric, got {values.dtype}")
    if np.iscomplexobj(values):
        raise TypeError(f"{tag!r}: histogram values must be real, got {values.dtype}")
    if values.size == 0:
        raise ValueError(f"{tag!r}: cannot make a histogram of an empty array")
    flat = np.array(values, dtype=np.float64).reshape(-1)
    nans = int(np.count_nonzero(np.isnan(flat)))
    if nans:
        raise ValueError(
            f"{tag!r}: histogram values contain {nans} NaN of {flat.size}; drop or replace "
            f"them first (e.g. values[~np.isnan(values)])"
        )
    return flat


def histogram_proto(tag: str, values: np.ndarray, bins="tensorflow", max_bins=None) -> tuple:
    """The fields of a ``HistogramProto`` of ``values`` (any shape), binned like tensorboardX:
    (min, max, num, sum, sum_squares, bucket_limit, bucket).

    ``bins`` is ``'tensorflow'`` (TensorFlow's fixed exponential edges), or anything
    ``numpy.histogram`` takes (a rule name such as ``'auto'`` or ``'fd'``, a count, edges).
    The buckets kept run from the one before the first non-empty bucket to the last non-empty one;
    each is stored by its right edge. NaN and infinities count in ``num``/``min``/``max``/``sum``
    but fall in no bucket.
    """
    if not np.issubdtype(values.dtype, np.number) and values.dtype != np.bool_:
        raise TypeError(f"{tag!r}: histogram values must be numeric, got {values.dtype}")
    if np.iscomplexobj(values):
        raise TypeError(f"{tag!r}: histogram values must be real, got {values.dtype}")
    values = values.astype(np.float64, copy=False).reshape(-1)
    if values.size == 0:
        raise ValueError(f"{tag!r}: cannot make a histogram of an empty array")
    finite = values if np.isfinite(values).all() else values[np.isfinite(values)]
    if finite.size == 0:
        counts, edges = np.zeros(1, np.int64), np.array([0.0, 0.0])
    elif isinstance(bins, str) and bins == "tensorflow":
        edges = default_bin_edges()
        counts = _count_in(finite, edges)
    else:
        try:
            counts, edges = np.histogram(finite, bins=bins)
        except (TypeError, ValueError) as exc:
            raise ValueError(f"{tag!r}: bad bins {bins!r:.60}: {exc}") from exc
    if max_bins is not None:
        if int(max_bins) < 1:
            raise ValueError(f"{tag!r}: max_bins must be at least 1, got {max_bins}")
        if len(counts) > int(max_bins):
            counts, edges = _merge_bins(counts, edges, int(max_bins))
    kept: np.ndarray
    nonzero = np.flatnonzero(counts)
    if nonzero.size:
        first, last = int(nonzero[0]), int(nonzero[-1])
        if first > 0:
            kept = counts[first - 1 : last + 1]
        else:
            kept = np.concatenate(([0], counts[: last + 1]))
        limits = edges[first : last + 2]
    else:
        kept, limits = np.zeros(2), np.array([0.0, 0.0])
    return (
        values.min(),
        values.max(),
        values.size,
        values.sum(),
        values.dot(values),
        limits.astype(np.float64),
        kept.astype(np.float64),
    )


def _count_in(x: np.ndarray, edges: np.ndarray) -> np.ndarray:
    """``np.histogram(x, edges)[0]`` for finite ``x``, without sorting ``x``.

    Bucket k holds ``edges[k] <= x < edges[k+1]``, the last one also ``x == edges[-1]``.
    """
    n = len(edges) - 1
    index = np.searchsorted(edges, x, side="right")  # how many edges are <= x
    counts = np.bincount(index, minlength=n + 2)[1 : n + 1]
    counts[-1] += np.count_nonzero(x == edges[-1])
    return counts


def _f64_field(key: int, value: float) -> bytes:
    raw = _pack_d(value)
    return b"" if raw == _ZERO8 else bytes((key,)) + raw  # protobuf omits +0.0


def histogram_proto_bytes(mn, mx, num, total, squares, limits, counts) -> bytes:
    """A serialized ``HistogramProto``, byte for byte what protobuf writes, built directly
    (protobuf's repeated fields cost about 0.1 us per element)."""
    parts = [
        _f64_field(0x09, float(mn)),
        _f64_field(0x11, float(mx)),
        _f64_field(0x19, float(num)),
        _f64_field(0x21, float(total)),
        _f64_field(0x29, float(squares)),
    ]
    if len(limits):
        parts.append(field_bytes(b"\x32", np.asarray(limits, "<f8").tobytes()))
    if len(counts):
        parts.append(field_bytes(b"\x3a", np.asarray(counts, "<f8").tobytes()))
    return b"".join(parts)


def _histogram_summary(tag: str, histo: bytes) -> bytes:
    value = field_bytes(b"\x0a", tag.encode("utf-8")) + field_bytes(b"\x2a", histo)
    return field_bytes(b"\x0a", value)


def histogram(tag: str, values: np.ndarray, bins="tensorflow", max_bins=None) -> bytes:
    return _histogram_summary(
        tag, histogram_proto_bytes(*histogram_proto(tag, values, bins, max_bins))
    )


def histogram_raw(tag, min, max, num, sum, sum_squares, bucket_limits, bucket_counts) -> bytes:  # noqa: A002
    limits = np.asarray(bucket_limits, dtype=np.float64).reshape(-1)
    counts = np.asarray(bucket_counts, dtype=np.float64).reshape(-1)
    if len(limits) != len(counts):
        raise ValueError(
            f"{tag!r}: bucket_limits has {len(limits)} entries but bucket_counts has "
            f"{len(counts)}; give one upper limit per bucket (np.histogram's edges[1:])"
        )
    if len(counts) == 0:
        raise ValueError(f"{tag!r}: a raw histogram needs at least one bucket")
    histo = histogram_proto_bytes(min, max, num, sum, sum_squares, limits, counts)
    return _histogram_summary(tag, histo)


# -- text, pr curves, custom scalars -----------------------------------------------------------


def shape_proto(*dims: int) -> tensor_pb2.TensorShapeProto:
    return tensor_pb2.TensorShapeProto(dim=[tensor_pb2.TensorShapeProto.Dim(size=d) for d in dims])


def text(tag: str, text_string: str) -> bytes:
    if not isinstance(text_string, str):
        raise TypeError(f"{tag!r}: text must be a str, got {type(text_string).__name__}")
    meta = plugin_metadata("text", plugins_pb2.TextPluginData(version=0).SerializeToString())
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING,
        string_val=[text_string.encode("utf-8")],
        tensor_shape=shape_proto(1),
    )
    return single_value(Summary.Value(tag=tag + "/text_summary", metadata=meta, tensor=tensor))


def text_lines(tag: str, lines: list[str]) -> bytes:
    """Lines of text as one rank-1 string tensor (TensorBoard's Text dashboard shows a table,
    one row per line); ``tag`` is kept as given."""
    if not all(isinstance(line, str) for line in lines):
        raise TypeError(f"{tag!r}: text lines must be str")
    meta = plugin_metadata("text", plugins_pb2.TextPluginData(version=0).SerializeToString())
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING,
        string_val=[line.encode("utf-8", "replace") for line in lines],
        tensor_shape=shape_proto(len(lines)),
    )
    return single_value(Summary.Value(tag=tag, metadata=meta, tensor=tensor))


def _pr_summary(tag: str, data: np.ndarray, num_thresholds: int) -> bytes:
    content = plugins_pb2.PrCurvePluginData(version=0, num_thresholds=num_thresholds)
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_FLOAT,
        float_val=data.astype(np.float32).reshape(-1).tolist(),
        tensor_shape=shape_proto(*data.shape),
    )
    meta = plugin_metadata("pr_curves", content.SerializeToString())
    return single_value(Summary.Value(tag=tag, metadata=meta, tensor=tensor))


def pr_curve_data(labels, predictions, num_thresholds: int, weights=None) -> np.ndarray:
    """``[6, num_thresholds]``: TP, FP, TN, FN counts, precision, recall per threshold."""
    labels = np.asarray(labels, dtype=np.float64).reshape(-1)
    predictions = np.asarray(predictions, dtype=np.float64).reshape(-1)
    w: float | np.ndarray = 1.0
    if weights is not None:
        w = np.asarray(weights, dtype=np.float64).reshape(-1)
    index = np.floor(predictions * (num_thresholds - 1))
    inside = (index >= 0) & (index <= num_thresholds - 1)  # out-of-range predictions drop out
    idx = index[inside].astype(np.int64)
    w_in = w[inside] if isinstance(w, np.ndarray) else w
    pos = labels[inside] * w_in
    neg = (1.0 - labels[inside]) * w_in
    tp_bins = np.bincount(idx, weights=pos, minlength=num_thresholds)
    fp_bins = np.bincount(idx, weights=neg, minlength=num_thresholds)
    tp = np.cumsum(tp_bins[::-1])[::-1]
    fp = np.cumsum(fp_bins[::-1])[::-1]
    tn = fp[0] - fp
    fn = tp[0] - tp
    precision = tp / np.maximum(1e-7, tp + fp)
    recall = tp / np.maximum(1e-7, tp + fn)
    return np.stack((tp, fp, tn, fn, precision, recall))


def pr_curve(tag: str, labels, predictions, num_thresholds=127, weights=None) -> bytes:
    num_thresholds = min(int(num_thresholds), 127)
    if num_thresholds < 1:
        raise ValueError(f"{tag!r}: num_thresholds must be at least 1")
    labels = np.asarray(labels)
    predictions = np.asarray(predictions)
    if labels.size != predictions.size:
        raise ValueError(
            f"{tag!r}: {labels.size} labels but {predictions.size} predictions; they must match"
        )
    return _pr_summary(
        tag, pr_curve_data(labels, predictions, num_thresholds, weights), num_thresholds
    )


def pr_curve_raw(tag: str, tp, fp, tn, fn, precision, recall, num_thresholds=127) -> bytes:
    rows = [
        np.asarray(x, dtype=np.float64).reshape(-1) for x in (tp, fp, tn, fn, precision, recall)
    ]
    if len({len(r) for r in rows}) != 1:
        lengths = [len(r) for r in rows]
        raise ValueError(f"{tag!r}: the six pr-curve arrays must have equal lengths, got {lengths}")
    return _pr_summary(tag, np.stack(rows), min(int(num_thresholds), 127))


def custom_scalars(layout: dict) -> bytes:
    """The custom-scalars layout: ``{category: {chart: ['Multiline'|'Margin', [tags]]}}``."""
    if not isinstance(layout, dict):
        raise TypeError(f"custom scalars layout must be a dict, got {type(layout).__name__}")
    categories = []
    for category, charts in layout.items():
        chart_protos = []
        for title, spec in charts.items():
            kind, tags = spec[0], list(spec[1])
            if kind == "Margin":
                if len(tags) != 3:
                    raise ValueError(
                        f"custom scalars chart {title!r}: a Margin chart needs 3 tags "
                        f"(value, lower, upper), got {len(tags)}"
                    )
                series = plugins_pb2.MarginChartContent.Series(
                    value=tags[0], lower=tags[1], upper=tags[2]
                )
                chart = plugins_pb2.Chart(
                    title=title, margin=plugins_pb2.MarginChartContent(series=[series])
                )
            else:
                content = plugins_pb2.MultilineChartContent(tag=tags)
                chart = plugins_pb2.Chart(title=title, multiline=content)
            chart_protos.append(chart)
        categories.append(plugins_pb2.Category(title=category, chart=chart_protos))
    payload = plugins_pb2.Layout(category=categories).SerializeToString()
    tensor = tensor_pb2.TensorProto(
        dtype=types_pb2.DT_STRING, string_val=[payload], tensor_shape=tensor_pb2.TensorShapeProto()
    )
    return single_value(
        Summary.Value(
            tag="custom_scalars__config__",
            tensor=tensor,
            metadata=plugin_metadata("custom_scalars"),
        )
    )


# -- audio -------------------------------------------------------------------------------------


def audio(tag: str, samples: np.ndarray, sample_rate=44100) -> bytes:
    """16-bit PCM WAV of ``samples`` shaped ``[frames]`` or ``[frames, channels]`` in [-1, 1]."""
    if not np.issubdtype(samples.dtype, np.number):
        raise TypeError(f"{tag!r}: audio samples must be numeric, got {samples.dtype}")
    if samples.ndim == 1:
        samples = samples[:, None]
    if samples.ndim != 2 or samples.shape[1] not in (1, 2):
        raise ValueError(
            f"{tag!r}: audio must be shaped [frames] or [frames, 1 or 2 channels], "
            f"got {tuple(samples.shape)}"
        )
    rate = float(sample_rate)
    if not math.isfinite(rate) or rate <= 0 or rate != int(rate):
        raise ValueError(f"{tag!r}: sample_rate must be a positive whole number, got {sample_rate}")
    frames, channels = samples.shape
    pcm = np.clip(np.nan_to_num(samples.astype(np.float64)), -1.0, 1.0)
    pcm = np.round(pcm * 32767.0).astype("<i2")
    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(2)
        wav.setframerate(int(rate))
        wav.writeframes(pcm.tobytes())
    clip = Summary.Audio(
        sample_rate=rate,
        num_channels=channels,
        length_frames=frames,
        encoded_audio_string=buf.getvalue(),
        content_type="audio/wav",
    )
    return single_value(Summary.Value(tag=tag, audio=clip))


def image(tag: str, height: int, width: int, channels: int, encoded: bytes) -> bytes:
    img = Summary.Image(
        height=height, width=width, colorspace=channels, encoded_image_string=encoded
    )
    return single_value(Summary.Value(tag=tag, image=img))
