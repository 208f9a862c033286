"""``SummaryWriter``: tensorboardX's writer API, fast and durable.

Same constructor, methods, defaults, run folders and tags as tensorboardX 2.6.5. An ``add_*``
call validates its input, builds what must be built from the caller's data, and queues it; a
background thread encodes and writes in batches, handing them to the OS within about half a
second (see :mod:`tbx_tui.writer.pipeline`). ``flush()`` returns once everything added before it
is written and fsynced; ``close()`` also runs at interpreter exit (or when the writer is garbage
collected). Logging after ``close()`` reopens the writer with a new event file, as tensorboardX
and torch do. torch's keywords (``new_style``, ``double_precision``, ``add_tensor``,
``run_name``, ``hparam_domain_discrete``) are accepted too.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import weakref
from datetime import datetime

from tbx_tui.writer import summaries
from tbx_tui.writer.encode import (
    K_FILE_VERSION,
    K_SESSION_LOG,
    RawTarget,
    ScalarTag,
    SummaryTarget,
    field_bytes,
    metadata_bytes,
)
from tbx_tui.writer.event_file import FILE_VERSION, EventFile, NullFile, open_event_file
from tbx_tui.writer.jobs import DeviceJob, PreparedJob
from tbx_tui.writer.media import MediaMethods
from tbx_tui.writer.pipeline import HIGH_WATER, Pipeline, WriterClosedError
from tbx_tui.writer.plugins import PluginMethods
from tbx_tui.writer.proto_methods import ProtoMethods
from tbx_tui.writer.values import (
    Deferred,
    array_now,
    check_step,
    check_tag,
    clean_tag,
    scalar_now,
    to_array,
    to_scalar,
)

_time = time.time
_INT64_MIN = -(1 << 63)
_INT64_MAX = (1 << 63) - 1
_SESSION_START = b"\x08\x01"  # SessionLog{status: START}


def default_logdir(comment: str = "") -> str:
    stamp = datetime.now().strftime("%b%d_%H-%M-%S")
    return os.path.join("runs", stamp + "_" + socket.gethostname() + comment)


class SummaryWriter(MediaMethods, PluginMethods, ProtoMethods):
    """Writes event files into ``logdir`` (default ``runs/<date>_<host><comment>``).

    Drop-in for ``tensorboardX.SummaryWriter``. Use it as a context manager or call
    :meth:`close`. ``flush_secs`` bounds how long an added point can stay in memory;
    ``max_queue`` is accepted for compatibility (the queue is drained by size and time).
    ``system_metrics=True`` (or a number of seconds) also samples CPU, memory, disk, network and
    GPUs into ``sys/...`` tags on the writer's thread (needs ``pip install 'tbx-tui[sys]'``).
    """

    def __init__(
        self,
        logdir: str | None = None,
        comment: str = "",
        purge_step: int | None = None,
        max_queue: int = 10,
        flush_secs: int = 120,
        filename_suffix: str = "",
        write_to_disk: bool = True,
        log_dir: str | None = None,
        system_metrics: bool | float = False,
        **kwargs,
    ) -> None:
        if log_dir is not None and logdir is None:
            logdir = log_dir
        if not logdir:
            logdir = default_logdir(comment or "")
        self.logdir = os.fspath(logdir) if not isinstance(logdir, str) else logdir
        self.purge_step = purge_step
        self._flush_secs = flush_secs
        self._filename_suffix = filename_suffix or ""
        self._write_to_disk = bool(write_to_disk)
        self.kwargs = kwargs
        self.scalar_dict: dict[str, list] = {}
        self._clock = _time
        self._default_step: int | None = None
        purge = None if purge_step is None else check_step(purge_step, "purge_step")
        self._system_metrics = system_metrics
        self._open()
        if purge is not None:
            now = _time()
            pipe = self._pipe
            pipe.put((self._raw_key, purge, now, field_bytes(K_FILE_VERSION, FILE_VERSION)))
            pipe.put((self._raw_key, purge, now, field_bytes(K_SESSION_LOG, _SESSION_START)))

    # -- plumbing ------------------------------------------------------------------------------

    def _open(self) -> None:
        """A new pipeline and main event file: at construction, and on first use after close().

        (``purge_step`` is written only by the first: a reopened writer must not hide again
        what was logged since.)"""
        self._scalar_tags: dict[str, int] = {}  # tag -> key, for add_scalar's fast path
        self._other_keys: dict[tuple, int] = {}  # tags with metadata, add_scalars' runs
        self._files: dict[str, EventFile | NullFile] = {}
        self._pipe = pipe = Pipeline(self._flush_secs)
        self._finalizer = weakref.finalize(self, pipe.close)
        try:
            self._main = self._file(self.logdir)
        except BaseException:
            self._finalizer()
            raise
        self._summary_key = pipe.register(SummaryTarget(self._main))
        self._raw_key = pipe.register(RawTarget(self._main))
        if self._system_metrics is not False and self._system_metrics is not None:
            self._start_system_metrics(self._system_metrics)

    def ensure_open(self) -> None:
        """Reopen after close(): writing on goes into a new event file (tensorboardX's and
        torch's behaviour; frameworks such as Lightning log after closing)."""
        pipe = self._pipe
        if pipe.closed:
            with pipe.lock:
                if self._pipe is pipe:
                    self._open()

    @property
    def closed(self) -> bool:
        """True after close(), until the next ``add_*`` call reopens the writer."""
        return self._pipe.closed

    def _start_system_metrics(self, setting: bool | float) -> None:
        from tbx_tui.writer import sysmetrics

        if setting is True:
            interval = sysmetrics.DEFAULT_INTERVAL
        elif isinstance(setting, int | float) and not isinstance(setting, bool) and setting > 0:
            interval = float(setting)
        else:
            self._finalizer()
            raise ValueError(
                f"system_metrics must be True/False or a positive number of seconds, "
                f"got {setting!r:.60}"
            )
        try:
            sampler = sysmetrics.SystemSampler(pid=os.getpid())
        except sysmetrics.MissingDependency:
            self._finalizer()
            raise
        self._pipe.every(interval, sysmetrics.SystemLogger(weakref.proxy(self), sampler))

    def _file(self, logdir: str):
        f = self._files.get(logdir)
        if f is None:
            if self._write_to_disk:
                f = open_event_file(logdir, self._filename_suffix, self._pipe.framer)
            else:
                f = NullFile(logdir)
            self._pipe.add_file(f)
            self._files[logdir] = f
        return f

    def resolve_step(self, step, tag: str) -> int:
        if step is None and self._default_step is not None:
            return self._default_step
        return check_step(step, tag)

    def resolve_walltime(self, walltime, tag: str = "") -> float:
        if walltime is None:
            return self._clock()
        if isinstance(walltime, str | bytes):
            raise TypeError(f"{tag!r}: walltime must be a number, got {walltime!r:.60}")
        try:
            return float(walltime)
        except (TypeError, ValueError):
            raise TypeError(f"{tag!r}: walltime must be a number, got {walltime!r:.60}") from None

    @property
    def writes_to_disk(self) -> bool:
        return self._write_to_disk

    def put_summary(self, summary, step, walltime, tag: str, nbytes: int = 0) -> None:
        """Queue a summary: bytes, or a callable making them (run on the flusher thread)."""
        wall = self.resolve_walltime(walltime, tag)
        self._pipe.put((self._summary_key, self.resolve_step(step, tag), wall, summary), nbytes)

    def put_raw(self, body: bytes, step=None, walltime=None) -> None:
        """Queue Event fields after ``wall_time`` and ``step`` (a graph, run metadata) as they
        are."""
        step = self.resolve_step(step, "event")
        wall = self.resolve_walltime(walltime, "event")
        self._pipe.put((self._raw_key, step, wall, body), len(body))

    def write_run_file(self, run: str, records: list[bytes]) -> None:
        """Write serialized Events into a new event file in the folder ``run`` (and close it)."""
        f = open_event_file(run, self._filename_suffix, self._pipe.framer)
        try:
            f.write(b"".join(f.framer.frame(r) for r in records))
            f.fsync()
        finally:
            f.close()

    def put_array(self, tag, values, step, walltime, build, prepare=None) -> None:
        """Queue the summary ``build(prepare(array))`` of ``values``.

        ``prepare`` (validation and a private copy) runs now; ``build`` (binning, compression)
        runs on the flusher thread, in parallel where numpy and zlib let go of the GIL. Device
        arrays are read on the flusher thread too. Without ``prepare``, ``build`` runs now.
        """
        self.ensure_open()
        arr = to_array(values, tag)
        if isinstance(arr, Deferred):
            job = DeviceJob(arr, build if prepare is None else lambda a: build(prepare(a)))
            self.put_summary(job, step, walltime, tag)
        elif prepare is not None:
            ready = prepare(arr)
            self.put_summary(PreparedJob(build, ready), step, walltime, tag, ready.nbytes)
        else:
            data = build(arr)
            self.put_summary(data, step, walltime, tag, len(data))

    # -- scalars -------------------------------------------------------------------------------

    def _new_scalar_tag(self, tag, display_name="", summary_description="") -> int:
        """The key of ``tag``'s ScalarTag (cached unless it carries metadata)."""
        check_tag(tag)
        meta = b""
        if display_name or summary_description:
            meta = metadata_bytes(str(display_name), str(summary_description))
            cache_key = (tag, display_name, summary_description)
            key = self._other_keys.get(cache_key)
            if key is None:
                key = self._pipe.register(ScalarTag(clean_tag(tag), self._main, meta))
                self._other_keys[cache_key] = key
            return key
        key = self._pipe.register(ScalarTag(clean_tag(tag), self._main))
        self._scalar_tags[tag] = key
        return key

    def add_scalar(
        self,
        tag: str,
        scalar_value,
        global_step: int | None = None,
        walltime: float | None = None,
        display_name: str | bool = "",
        summary_description: str | bool = "",
        new_style: bool = False,
        double_precision: bool = False,
    ) -> None:
        """Add one scalar. ``scalar_value``: a number, numpy scalar, or one-element tensor.

        ``new_style`` (torch's keyword) stores it as a tensor of the scalars plugin, float32 or,
        with ``double_precision``, float64."""
        if new_style or display_name.__class__ is bool:
            if display_name.__class__ is bool:  # torch's order: new_style, double_precision
                new_style = new_style or bool(display_name)
                double_precision = double_precision or summary_description is True
                display_name = summary_description = ""
            if new_style:
                return self.add_new_style_scalar(
                    tag, scalar_value, global_step, walltime, bool(double_precision)
                )
        if display_name or summary_description:
            key = self._new_scalar_tag(tag, display_name, summary_description)
        else:
            try:
                key = self._scalar_tags[tag]
            except (KeyError, TypeError):
                key = self._new_scalar_tag(tag)
        cls = scalar_value.__class__
        if cls is float:
            value = scalar_value
        elif cls is int:
            try:
                value = float(scalar_value)
            except OverflowError:
                value = float("inf") if scalar_value > 0 else float("-inf")
        else:
            value = to_scalar(scalar_value, tag)
        if global_step.__class__ is int and _INT64_MIN <= global_step <= _INT64_MAX:
            step = global_step
        else:
            step = self.resolve_step(global_step, tag)
        wall = self._clock() if walltime is None else self.resolve_walltime(walltime, tag)
        pipe = self._pipe
        with pipe.lock:
            if not pipe.closed:
                pending = pipe.pending
                pending.append((key, step, wall, value))
                if len(pending) >= HIGH_WATER:
                    pipe.wake()
                elif value.__class__ is Deferred:
                    pipe.wake_for_device()
                return None
        self.ensure_open()  # closed: reopen, then log into the new file
        return self.add_scalar(
            tag, scalar_value, global_step, walltime, display_name, summary_description
        )

    def add_scalars(
        self,
        main_tag: str,
        tag_scalar_dict: dict,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """One scalar per key, each in its own run ``<logdir>/<main_tag>/<key>``, tagged
        ``main_tag`` (as tensorboardX lays them out)."""
        check_tag(main_tag, "main_tag")
        if not isinstance(tag_scalar_dict, dict):
            raise TypeError(f"{main_tag!r}: tag_scalar_dict must be a dict")
        self.ensure_open()
        wall = self.resolve_walltime(walltime, main_tag)
        step = self.resolve_step(global_step, main_tag)
        items = []
        for key, raw in tag_scalar_dict.items():
            target = self._other_keys.get((main_tag, key))
            if target is None:
                check_tag(key, f"{main_tag!r}: key")
                run = os.path.join(self.logdir, main_tag, key)
                enc = ScalarTag(clean_tag(main_tag), self._file(run))
                target = self._other_keys[(main_tag, key)] = self._pipe.register(enc)
            value = to_scalar(raw, f"{main_tag}/{key}")
            items.append((target, step, wall, value))
            run = os.path.join(self.logdir, main_tag, key)
            shown = value if isinstance(value, float) else None
            self.scalar_dict.setdefault(run, []).append([wall, global_step, shown])
        pipe = self._pipe
        with pipe.lock:
            if pipe.closed:
                raise WriterClosedError("this SummaryWriter is closed")
            pipe.pending.extend(items)
            if any(it[3].__class__ is Deferred for it in items):
                pipe.wake_for_device()

    def export_scalars_to_json(self, path) -> None:
        """Write what :meth:`add_scalars` logged (``{run: [[wall, step, value], ...]}``)."""
        with open(path, "w") as f:
            json.dump(self.scalar_dict, f)
        self.scalar_dict = {}

    # -- histograms, text, curves, layouts -----------------------------------------------------

    def add_histogram(
        self,
        tag: str,
        values,
        global_step: int | None = None,
        bins="tensorflow",
        walltime: float | None = None,
        max_bins=None,
    ) -> None:
        """Histogram of ``values`` (any shape). ``bins``: 'tensorflow' or a numpy bin rule."""
        name = clean_tag(check_tag(tag))
        summaries.check_bins(tag, bins, max_bins)
        self.put_array(
            tag,
            values,
            global_step,
            walltime,
            lambda arr: summaries.histogram(name, arr, bins, max_bins),
            lambda arr: summaries.histogram_input(tag, arr),
        )

    def add_histogram_raw(
        self,
        tag: str,
        min,  # noqa: A002
        max,  # noqa: A002
        num,
        sum,  # noqa: A002
        sum_squares,
        bucket_limits,
        bucket_counts,
        global_step: int | None = None,
        walltime: float | None = None,
    ) -> None:
        """A histogram given as statistics plus one upper limit and one count per bucket."""
        check_tag(tag)
        self.ensure_open()
        limits = array_now(bucket_limits, tag)
        counts = array_now(bucket_counts, tag)
        lo, hi, n, total, squares = (scalar_now(x, tag) for x in (min, max, num, sum, sum_squares))
        data = summaries.histogram_raw(tag, lo, hi, n, total, squares, limits, counts)
        self.put_summary(data, global_step, walltime, tag, len(data))

    # -- lifecycle -----------------------------------------------------------------------------

    def get_logdir(self) -> str:
        return self.logdir

    def reopen(self) -> None:
        """After close(): start a new event file now (any ``add_*`` call does it by itself)."""
        self.ensure_open()

    def flush(self) -> None:
        """Write and fsync everything added so far; raise any write error met since the last
        flush (``OSError``) or any device value that could not be read.

        After ``close()`` there is nothing left to flush and this does nothing, as in
        tensorboardX (frameworks such as Lightning flush after closing)."""
        if self._pipe.closed:
            return
        self._pipe.flush()

    def close(self) -> None:
        """Flush and close every event file; later calls do nothing. Logging after close()
        reopens the writer with a new event file."""
        self._finalizer()
        self._pipe.raise_errors()

    def __enter__(self) -> SummaryWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.close()

    @contextlib.contextmanager
    def use_metadata(self, *, global_step=None, walltime=None):
        """Default ``global_step``/``walltime`` for the ``add_*`` calls inside the block."""
        if global_step is None and walltime is None:
            raise ValueError("use_metadata needs global_step or walltime")
        saved = self._default_step, self._clock
        if global_step is not None:
            self._default_step = check_step(global_step, "use_metadata")
        if walltime is not None:
            fixed = float(walltime)
            self._clock = lambda: fixed
        try:
            yield self
        finally:
            self._default_step, self._clock = saved
