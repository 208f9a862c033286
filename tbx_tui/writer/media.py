"""The ``add_*`` methods for pictures, sound, embeddings and graphs (a mixin of SummaryWriter).

They use what :class:`~tbx_tui.writer.plumbing.WriterPlumbing` describes (implemented by
:class:`~tbx_tui.writer.summary_writer.SummaryWriter`).
"""

from __future__ import annotations

import numpy as np

from tbx_tui.writer import images, plugin_summaries, summaries
from tbx_tui.writer.encode import K_GRAPH_DEF, K_TAGGED_RUN_METADATA, field_bytes
from tbx_tui.writer.plumbing import WriterPlumbing
from tbx_tui.writer.values import array_now, check_tag, clean_tag, resolve_array


class MediaMethods(WriterPlumbing):
    def add_image(
        self, tag: str, img_tensor, global_step=None, walltime=None, dataformats: str = "CHW"
    ) -> None:
        """One image: ``uint8`` in [0, 255] or float in [0, 1]; ``dataformats`` CHW, HWC, HW
        (or NCHW/NHWC, tiled in a grid)."""
        name = clean_tag(check_tag(tag))

        def prepare(arr: np.ndarray) -> np.ndarray:
            return images.image_pixels(tag, arr, dataformats)

        def build(pixels: np.ndarray) -> bytes:
            h, w, c = pixels.shape
            return summaries.image(name, h, w, c, images.encode_png(pixels))

        shape = getattr(img_tensor, "shape", None)  # rank checked now, even for device arrays
        if shape is not None and isinstance(dataformats, str) and len(shape) != len(dataformats):
            raise ValueError(
                f"{tag!r}: image of rank {len(shape)} (shape {tuple(shape)}) does not match "
                f"dataformats {dataformats!r}"
            )
        self.put_array(tag, img_tensor, global_step, walltime, build, prepare)

    def add_images(
        self, tag: str, img_tensor, global_step=None, walltime=None, dataformats: str = "NCHW"
    ) -> None:
        """A batch of images tiled into one (up to 8 per row). A list of CHW or HWC images is
        accepted too."""
        check_tag(tag)
        if isinstance(img_tensor, list | tuple):
            fmt = str(dataformats).upper()
            fmt = fmt[1:] if fmt in ("NCHW", "NHWC") else fmt  # each item is one image
            if fmt not in ("CHW", "HWC"):
                raise ValueError(
                    f"{tag!r}: a list of images needs dataformats 'CHW' or 'HWC', got {fmt!r}"
                )
            if not img_tensor:
                raise ValueError(f"{tag!r}: an empty list of images")
            img_tensor = np.stack([resolve_array(x, tag) for x in img_tensor])
            dataformats = "N" + fmt
        self.add_image(tag, img_tensor, global_step, walltime, dataformats)

    def add_image_with_boxes(
        self,
        tag: str,
        img_tensor,
        box_tensor,
        global_step=None,
        walltime=None,
        dataformats: str = "CHW",
        labels=None,
        **kwargs,
    ) -> None:
        """An image with ``[x1, y1, x2, y2]`` boxes (and optional labels) drawn on it."""
        name = clean_tag(check_tag(tag))
        self.ensure_open()
        hwc = images.to_hwc(tag, array_now(img_tensor, tag), dataformats)
        drawn = images.draw_boxes(tag, hwc, array_now(box_tensor, tag), labels)
        data = summaries.image(name, *images.image_png(tag, drawn, "HWC"))
        self.put_summary(data, global_step, walltime, tag, len(data))

    def add_figure(self, tag: str, figure, global_step=None, close: bool = True, walltime=None):
        """A matplotlib figure (or a list of them, tiled) rendered with Agg."""
        check_tag(tag)
        self.ensure_open()
        if isinstance(figure, list):
            if not figure:
                raise ValueError(f"{tag!r}: an empty list of figures")
            batch = np.stack([images.figure_to_chw(f, close) for f in figure])
            self.add_image(tag, batch, global_step, walltime, dataformats="NCHW")
        else:
            if not hasattr(figure, "savefig"):
                raise TypeError(
                    f"{tag!r}: add_figure needs a matplotlib Figure, got {type(figure).__name__}"
                )
            self.add_image(tag, images.figure_to_chw(figure, close), global_step, walltime, "CHW")

    def add_video(
        self, tag: str, vid_tensor, global_step=None, fps=4, walltime=None, dataformats="NTCHW"
    ) -> None:
        """Videos ``[N, T, C, H, W]`` as one animated GIF (several videos tiled in a grid).
        Encoded with Pillow."""
        name = clean_tag(check_tag(tag))
        self.ensure_open()
        try:
            import PIL  # noqa: F401
        except ImportError as exc:
            raise ImportError(
                "add_video encodes GIFs with Pillow: pip install pillow (or tbx-tui's default "
                "dependencies)"
            ) from exc
        if not isinstance(fps, int | float) or not fps > 0:
            raise ValueError(f"{tag!r}: fps must be a positive number, got {fps!r}")
        frames = images.video_frames(tag, array_now(vid_tensor, tag), dataformats)
        gif = images.encode_gif(frames, fps)
        t, h, w, c = frames.shape
        data = summaries.image(name, h, w, c, gif)
        self.put_summary(data, global_step, walltime, tag, len(data))

    def add_audio(
        self, tag: str, snd_tensor, global_step=None, sample_rate=44100, walltime=None
    ) -> None:
        """Sound ``[frames]`` or ``[frames, channels]`` in [-1, 1], stored as 16-bit WAV."""
        check_tag(tag)
        self.put_array(
            tag,
            snd_tensor,
            global_step,
            walltime,
            lambda arr: summaries.audio(tag, arr, sample_rate),
        )

    def add_embedding(
        self,
        mat,
        metadata=None,
        label_img=None,
        global_step=None,
        tag: str = "default",
        metadata_header=None,
    ) -> None:
        """Projector files (tensors.tsv, metadata.tsv, sprite.png, projector_config.pbtxt)
        under ``<logdir>/<step:05d>/<tag>``."""
        from tbx_tui.writer.embedding import write_embedding

        check_tag(tag)
        self.ensure_open()
        label = None if label_img is None else array_now(label_img, tag)
        write_embedding(
            self.logdir,
            array_now(mat, tag),
            metadata,
            label,
            0 if global_step is None else self.resolve_step(global_step, tag),
            tag,
            metadata_header,
        )

    def add_graph(self, model, input_to_model=None, verbose=False, use_strict_trace=True):
        """The graph of a torch ``nn.Module`` traced on ``input_to_model`` (needs torch)."""
        from tbx_tui.writer.graph import torch_graph

        self.ensure_open()
        graph_def, run_metadata = torch_graph(model, input_to_model, verbose, use_strict_trace)
        self.put_raw(field_bytes(K_GRAPH_DEF, graph_def))
        tagged = field_bytes(b"\x0a", b"profiler") + field_bytes(b"\x12", run_metadata)
        self.put_raw(field_bytes(K_TAGGED_RUN_METADATA, tagged))

    def add_onnx_graph(self, onnx_model_file) -> None:
        """The graph of an ONNX model file (needs the ``onnx`` package)."""
        from tbx_tui.writer.graph import onnx_graph

        self.ensure_open()
        self.put_raw(field_bytes(K_GRAPH_DEF, onnx_graph(onnx_model_file)))

    def add_mesh(
        self,
        tag: str,
        vertices,
        colors=None,
        faces=None,
        config_dict=None,
        global_step=None,
        walltime=None,
    ) -> None:
        """A 3-D mesh or point cloud for the mesh dashboard: ``[B, N, 3]`` vertices, optional
        colors and triangle faces, and a three.js ``config_dict``."""
        check_tag(tag)
        self.ensure_open()
        parts = [(1, array_now(vertices, tag))]
        if faces is not None:
            parts.append((2, array_now(faces, tag)))
        if colors is not None:
            parts.append((3, array_now(colors, tag)))
        data = plugin_summaries.mesh(tag, parts, config_dict)
        self.put_summary(data, global_step, walltime, tag, len(data))

    def add_openvino_graph(self, xmlname) -> None:
        raise NotImplementedError("tbx_tui does not read OpenVINO graphs; use tensorboardX")
