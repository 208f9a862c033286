"""tensorboardX's ``FileWriter``: protobuf messages into one folder's event file.

``SummaryWriter._get_file_writer()`` (and ``.file_writer``) hand out a view of the writer's main
event file; ``FileWriter(logdir)`` on its own makes a writer of its own. Either way the work is
done by :class:`~tbx_tui.writer.summary_writer.SummaryWriter`: same queue, same background
hand-over, same fsync on ``flush()``, same fork rules.
"""

from __future__ import annotations

import contextlib

from tbx_tui.proto import event_pb2


class FileWriter:
    """Writes ``Event`` and ``Summary`` messages (any library's) to an event file in ``logdir``."""

    def __init__(self, logdir, max_queue: int = 10, flush_secs: int = 120, filename_suffix=""):
        from tbx_tui.writer.summary_writer import SummaryWriter

        self._writer = SummaryWriter(
            str(logdir), max_queue=max_queue, flush_secs=flush_secs, filename_suffix=filename_suffix
        )

    @classmethod
    def view_of(cls, writer) -> FileWriter:
        """The main event file of ``writer`` (a SummaryWriter) as a FileWriter."""
        view = cls.__new__(cls)
        view._writer = writer
        return view

    def get_logdir(self) -> str:
        return self._writer.get_logdir()

    def add_event(self, event, step=None, walltime=None) -> None:
        self._writer.add_event(event, step, walltime)

    def add_summary(self, summary, global_step=None, walltime=None) -> None:
        self._writer.add_summary(summary, global_step, walltime)

    def add_graph(self, graph_profile, walltime=None) -> None:
        """``(GraphDef, RunMetadata)`` messages, as tensorboardX's ``add_graph`` passes them."""
        graph, run_metadata = graph_profile
        self.add_onnx_graph(graph, walltime)
        tagged = event_pb2.TaggedRunMetadata(
            tag="profiler", run_metadata=run_metadata.SerializeToString()
        )
        self.add_event(event_pb2.Event(tagged_run_metadata=tagged), None, walltime)

    def add_onnx_graph(self, graph, walltime=None) -> None:
        """A ``GraphDef`` message."""
        self.add_event(event_pb2.Event(graph_def=graph.SerializeToString()), None, walltime)

    add_openvino_graph = add_onnx_graph

    def flush(self) -> None:
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()

    def reopen(self) -> None:
        """After close(): later events go into a new event file (nothing to do otherwise)."""
        self._writer.reopen()

    @contextlib.contextmanager
    def use_metadata(self, *, global_step=None, walltime=None):
        with self._writer.use_metadata(global_step=global_step, walltime=walltime):
            yield self
