"""tensorboardX's (and torch's) ``summary`` functions: values in, ``Summary`` messages out.

Frameworks build summaries with them and hand them to ``add_summary`` (Lightning:
``hparams`` then ``_get_file_writer().add_summary``). Each returns a
:class:`tbx_tui.proto.summary_pb2.Summary` holding exactly what the matching ``add_*`` method
writes; ``hparams`` returns the three messages of one session. Published as :mod:`tbx_tui.summary`.
"""

from __future__ import annotations

import io

import numpy as np

from tbx_tui.proto import summary_pb2
from tbx_tui.writer import images, plugin_summaries, summaries, tensors
from tbx_tui.writer.values import array_now, check_tag, clean_tag, scalar_now

Summary = summary_pb2.Summary


def _message(data: bytes) -> summary_pb2.Summary:
    return Summary.FromString(data)


def hparams(hparam_dict=None, metric_dict=None, hparam_domain_discrete=None):
    """(experiment, session_start_info, session_end_info) ``Summary`` messages."""
    hparam_dict = {} if hparam_dict is None else hparam_dict
    metric_dict = {} if metric_dict is None else metric_dict
    if not isinstance(hparam_dict, dict) or not isinstance(metric_dict, dict):
        raise TypeError("hparams: hparam_dict and metric_dict must be dicts")
    blobs = plugin_summaries.hparams(hparam_dict, metric_dict, hparam_domain_discrete)
    return tuple(_message(b) for b in blobs)


def scalar(
    name: str,
    scalar,
    display_name: str = "",
    summary_description: str = "",
    new_style: bool = False,
    double_precision: bool = False,
):
    tag = clean_tag(check_tag(name, "name"))
    value = scalar_now(scalar, name)
    if new_style:
        return _message(tensors.new_style_scalar(tag, value, double_precision))
    if display_name or summary_description:
        meta = summary_pb2.SummaryMetadata(
            display_name=display_name, summary_description=summary_description
        )
        return Summary(value=[Summary.Value(tag=tag, simple_value=value, metadata=meta)])
    return Summary(value=[Summary.Value(tag=tag, simple_value=value)])


def histogram(name: str, values, bins="tensorflow", max_bins=None):
    check_tag(name, "name")
    summaries.check_bins(name, bins, max_bins)
    flat = summaries.histogram_input(name, array_now(values, name))
    return _message(summaries.histogram(clean_tag(name), flat, bins, max_bins))


def histogram_raw(name, min, max, num, sum, sum_squares, bucket_limits, bucket_counts):  # noqa: A002
    check_tag(name, "name")
    lo, hi, n, total, squares = (scalar_now(x, name) for x in (min, max, num, sum, sum_squares))
    limits, counts = array_now(bucket_limits, name), array_now(bucket_counts, name)
    data = summaries.histogram_raw(clean_tag(name), lo, hi, n, total, squares, limits, counts)
    return _message(data)


def _pil_image(tag: str, pixels: np.ndarray, rescale) -> summary_pb2.Summary:
    """As tensorboardX makes it: Pillow's PNG of the (LANCZOS-resized) pixels, with the size
    before resizing (the writer's ``add_image`` uses a faster encoder: same pixels, other bytes)."""
    from PIL import Image

    h, w, c = pixels.shape
    picture = Image.fromarray(np.ascontiguousarray(pixels))
    size = (int(w * rescale), int(h * rescale))
    picture = picture.resize(size, Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, format="PNG")
    return _message(summaries.image(clean_tag(tag), h, w, c, out.getvalue()))


def image(tag: str, tensor, rescale=1, dataformats: str = "CHW"):
    check_tag(tag)
    return _pil_image(tag, images.image_pixels(tag, array_now(tensor, tag), dataformats), rescale)


def image_boxes(tag, tensor_image, tensor_boxes, rescale=1, dataformats="CHW", labels=None):
    check_tag(tag)
    hwc = images.to_hwc(tag, array_now(tensor_image, tag), dataformats)
    drawn = images.draw_boxes(tag, hwc, array_now(tensor_boxes, tag), labels)
    return _pil_image(tag, images.image_pixels(tag, drawn, "HWC"), rescale)


def video(tag: str, tensor, fps=4, dataformats: str = "NTCHW"):
    check_tag(tag)
    frames = images.video_frames(tag, array_now(tensor, tag), dataformats)
    _, h, w, c = frames.shape
    gif = images.encode_gif(frames, fps)
    return _message(summaries.image(clean_tag(tag), h, w, c, gif))


def audio(tag: str, tensor, sample_rate=44100):
    check_tag(tag)
    return _message(summaries.audio(tag, array_now(tensor, tag), sample_rate))


def text(tag: str, text):
    check_tag(tag)
    return _message(summaries.text(tag, text))


def pr_curve(tag: str, labels, predictions, num_thresholds=127, weights=None):
    check_tag(tag)
    w = None if weights is None else array_now(weights, tag)
    data = summaries.pr_curve(
        tag, array_now(labels, tag), array_now(predictions, tag), num_thresholds, w
    )
    return _message(data)


def pr_curve_raw(tag, tp, fp, tn, fn, precision, recall, num_thresholds=127, weights=None):
    check_tag(tag)
    a, b, c, d, e, f = (array_now(x, tag) for x in (tp, fp, tn, fn, precision, recall))
    return _message(summaries.pr_curve_raw(tag, a, b, c, d, e, f, num_thresholds))


def custom_scalars(layout: dict):
    return _message(summaries.custom_scalars(layout))


def mesh(tag: str, vertices, colors, faces, config_dict=None):
    check_tag(tag)
    parts = [(1, array_now(vertices, tag))]
    if faces is not None:
        parts.append((2, array_now(faces, tag)))
    if colors is not None:
        parts.append((3, array_now(colors, tag)))
    return _message(plugin_summaries.mesh(tag, parts, config_dict))


def tensor_proto(tag: str, tensor):
    """torch's name for a whole-tensor summary (``add_tensor``)."""
    check_tag(tag)
    return _message(tensors.tensor(tag, array_now(tensor, tag)))
