"""Files for TensorBoard's embedding projector, laid out as tensorboardX lays them out.

``<logdir>/<step:05d>/<tag>/`` gets ``tensors.tsv`` (one row per point), optionally
``metadata.tsv`` (labels, with a header row when there are several columns) and ``sprite.png``
(the label images tiled in a square); ``<logdir>/projector_config.pbtxt`` gets one
``embeddings { ... }`` entry per call.
"""

from __future__ import annotations

import math
import os
import posixpath

import numpy as np

from tbx_tui.storage.location import is_url

#: The largest sprite TensorBoard's projector loads.
MAX_SPRITE_PIXELS = 8192


def _escape_tag(tag: str) -> str:
    return tag.replace("%", "%25").replace("/", "%2f").replace("\\", "%5c")


def _write_sprite(label_img: np.ndarray, path: str, tag: str) -> None:
    from PIL import Image

    from tbx_tui.writer.images import grid

    if label_img.ndim != 4 or label_img.shape[2] != label_img.shape[3]:
        raise ValueError(
            f"{tag!r}: label_img must be [N, C, H, W] with square images, "
            f"got {tuple(label_img.shape)}"
        )
    n, _, side, _ = label_img.shape
    per_row = int(math.ceil(math.sqrt(n * side * side) / side))
    tiled = grid(label_img, ncols=per_row)  # [C, rows*H, per_row*W]
    size = tiled.shape[2]
    if size > MAX_SPRITE_PIXELS:
        raise ValueError(f"{tag!r}: sprite of {size} pixels is over {MAX_SPRITE_PIXELS}")
    square = np.zeros((size, size, 3), dtype=np.float64)
    rgb = tiled.transpose(1, 2, 0)[:, :, :3].astype(np.float64)
    if label_img.dtype == np.uint8:
        rgb = rgb / 255.0
    square[: rgb.shape[0]] = rgb[:size]
    Image.fromarray(np.uint8(np.clip(square * 255, 0, 255))).save(path)


def write_embedding(logdir, mat, metadata, label_img, step: int, tag: str, header) -> None:
    if mat.ndim != 2:
        raise ValueError(f"{tag!r}: embedding matrix must be 2-D [N, D], got {tuple(mat.shape)}")
    n = mat.shape[0]
    if metadata is not None and len(metadata) != n:
        raise ValueError(f"{tag!r}: {len(metadata)} metadata rows for {n} points")
    if label_img is not None and label_img.shape[0] != n:
        raise ValueError(f"{tag!r}: {label_img.shape[0]} label images for {n} points")
    if is_url(logdir):  # never a local folder named "s3:"
        raise ValueError(f"{tag!r}: add_embedding writes projector files into local logdirs only")
    subdir = f"{step:05d}/{_escape_tag(tag)}"
    folder = os.path.join(logdir, subdir)
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, "tensors.tsv"), "w", encoding="utf-8") as f:
        for row in mat.tolist():
            f.write("\t".join(repr(float(x)) if isinstance(x, float) else str(x) for x in row))
            f.write("\n")
    if metadata is not None:
        with open(os.path.join(folder, "metadata.tsv"), "w", encoding="utf-8") as f:
            if header:
                if len(header) != len(metadata[0]):
                    raise ValueError(f"{tag!r}: metadata_header has the wrong number of columns")
                rows = [header, *metadata]
                f.writelines("\t".join(str(c) for c in row) + "\n" for row in rows)
            else:
                f.writelines(str(x) + "\n" for x in metadata)
    if label_img is not None:
        _write_sprite(label_img, os.path.join(folder, "sprite.png"), tag)
    lines = [
        "embeddings {",
        f'tensor_name: "{tag}:{step:05d}"',
        f'tensor_path: "{posixpath.join(subdir, "tensors.tsv")}"',
    ]
    if metadata is not None:
        lines.append(f'metadata_path: "{posixpath.join(subdir, "metadata.tsv")}"')
    if label_img is not None:
        lines += [
            "sprite {",
            f'image_path: "{posixpath.join(subdir, "sprite.png")}"',
            f"single_image_dim: {label_img.shape[3]}",
            f"single_image_dim: {label_img.shape[2]}",
            "}",
        ]
    lines.append("}")
    with open(os.path.join(logdir, "projector_config.pbtxt"), "a", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
