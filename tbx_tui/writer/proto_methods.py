"""The methods that take protobuf messages or build tensor summaries (a mixin of SummaryWriter):
``add_summary``/``add_event`` (what tensorboardX's ``FileWriter`` offers, used by Lightning through
``_get_file_writer()``), torch's ``add_tensor`` and new-style scalars.

Messages may be tbx_tui's own (:mod:`tbx_tui.summary`), tensorboardX's, torch's or TensorFlow's:
all serialize to the same wire format, so they are taken by their bytes. They use what
:class:`~tbx_tui.writer.plumbing.WriterPlumbing` describes.
"""

from __future__ import annotations

from tbx_tui.proto import event_pb2, summary_pb2
from tbx_tui.writer import tensors
from tbx_tui.writer.file_writer import FileWriter
from tbx_tui.writer.plumbing import WriterPlumbing
from tbx_tui.writer.values import check_tag, clean_tag, scalar_now


def message_bytes(message: object, what: str) -> bytes:
    """The wire bytes of a protobuf message (any library's) or of bytes given as they are."""
    if isinstance(message, bytes | bytearray | memoryview):
        return bytes(message)
    serialize = getattr(message, "SerializeToString", None)
    if serialize is None:
        raise TypeError(f"{what} must be a protobuf message, got {type(message).__name__}")
    return serialize()


class ProtoMethods(WriterPlumbing):
    def add_summary(self, summary, global_step=None, walltime=None) -> None:
        """Write a ``Summary`` message (e.g. from :mod:`tbx_tui.summary`) as one event."""
        data = message_bytes(summary, "summary")
        try:
            summary_pb2.Summary.FromString(data)
        except Exception as exc:
            raise ValueError(f"add_summary: not a Summary message: {exc}") from None
        self.ensure_open()
        self.put_summary(data, global_step, walltime, "summary", len(data))

    def add_event(self, event, global_step=None, walltime=None) -> None:
        """Write an ``Event`` message. Its step is kept unless ``global_step`` is given; its wall
        time becomes ``walltime`` or now (as tensorboardX's ``FileWriter.add_event`` does)."""
        try:
            ours = event_pb2.Event.FromString(message_bytes(event, "event"))
        except Exception as exc:
            raise ValueError(f"add_event: not an Event message: {exc}") from None
        step = ours.step if global_step is None and ours.step else global_step
        ours.ClearField("step")
        ours.ClearField("wall_time")
        body = ours.SerializeToString()  # fields after wall_time and step, in number order
        self.ensure_open()
        self.put_raw(body, step, walltime)

    def add_tensor(self, tag: str, tensor, global_step=None, walltime=None) -> None:
        """A whole tensor under the ``tensor`` plugin, as torch's ``add_tensor`` writes it."""
        check_tag(tag)
        self.put_array(tag, tensor, global_step, walltime, lambda arr: tensors.tensor(tag, arr))

    def add_new_style_scalar(
        self, tag, value, global_step=None, walltime=None, double_precision=False
    ) -> None:
        """torch's ``add_scalar(..., new_style=True)``: a tensor of the scalars plugin."""
        check_tag(tag)
        self.ensure_open()
        data = tensors.new_style_scalar(clean_tag(tag), scalar_now(value, tag), double_precision)
        self.put_summary(data, global_step, walltime, tag, len(data))

    def _get_file_writer(self) -> FileWriter:
        """tensorboardX's accessor (Lightning calls it): the writer's main event file, with
        ``add_summary``, ``add_event``, ``add_graph``, ``flush``, ``close``, ``reopen``."""
        self.ensure_open()
        return FileWriter.view_of(self)

    @property
    def file_writer(self) -> FileWriter | None:
        """The main event file as a :class:`FileWriter`; None after close(), as in tensorboardX
        (``_get_file_writer()`` reopens)."""
        return None if self.closed else FileWriter.view_of(self)
