"""System and GPU metrics: CPU, memory, disk and network rates (psutil), and each NVIDIA GPU's
utilisation, memory, power and temperature (NVML, from nvidia-ml-py), as ``sys/...`` scalars.

The unit is the last part of every tag name (``_percent``, ``_GB``, ``_MBps``, ``_W``, ``_C``) and
is spelt out in the summary description, so TensorBoard and tbx-top both show it. Both libraries
are optional (``pip install 'tbx-tui[sys]'``); without psutil :class:`SystemSampler` raises
:class:`MissingDependency` naming what to install, and without NVML (no library, no driver, no GPU)
it samples the host only.

Used by ``tbx-log --sys`` and by ``SummaryWriter(..., system_metrics=True)`` (on the writer's
thread, see :meth:`~tbx_tui.writer.pipeline.Pipeline.every`).
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

#: Seconds between samples unless told otherwise.
DEFAULT_INTERVAL = 5.0
INSTALL_HINT = "pip install 'tbx-tui[sys]'  (psutil; nvidia-ml-py for NVIDIA GPUs)"

_GB = 1e9
_MB = 1e6


class MissingDependency(RuntimeError):
    """psutil is not installed."""


@dataclass(frozen=True)
class Metric:
    tag: str
    value: float
    description: str


def _load_psutil() -> Any:
    try:
        return importlib.import_module("psutil")
    except ImportError:
        raise MissingDependency(
            f"system metrics need psutil, which is not installed: {INSTALL_HINT}"
        ) from None


def _load_nvml() -> Any | None:
    """NVML initialised, or None (no nvidia-ml-py, no driver, or no device)."""
    try:
        nvml = importlib.import_module("pynvml")
    except ImportError:
        return None
    try:
        nvml.nvmlInit()
    except Exception:  # NVMLError: no driver / library on this machine
        return None
    return nvml


#: Each GPU's readings: tag suffix (the unit last) and description.
GPU_READINGS = (
    ("util_percent", "GPU utilisation (%)"),
    ("mem_used_GB", "GPU memory used (GB)"),
    ("mem_percent", "GPU memory used (%)"),
    ("power_W", "GPU power draw (W)"),
    ("temp_C", "GPU temperature (°C)"),
)


class GpuSampler:
    """Each GPU's utilisation, memory, power and temperature, through an initialised NVML."""

    def __init__(self, nvml: Any) -> None:
        self.nvml = nvml
        self.handles = [
            nvml.nvmlDeviceGetHandleByIndex(i) for i in range(nvml.nvmlDeviceGetCount())
        ]

    def sample(self) -> list[Metric]:
        out: list[Metric] = []
        for i, handle in enumerate(self.handles):
            for suffix, description in GPU_READINGS:
                try:
                    value = self._read(handle, suffix)
                except Exception:  # NVMLError_NotSupported on some boards: skip that reading
                    continue
                out.append(Metric(f"sys/gpu{i}/{suffix}", value, description))
        return out

    def _read(self, handle: Any, suffix: str) -> float:
        nvml = self.nvml
        if suffix == "util_percent":
            return float(nvml.nvmlDeviceGetUtilizationRates(handle).gpu)
        if suffix == "mem_used_GB":
            return nvml.nvmlDeviceGetMemoryInfo(handle).used / _GB
        if suffix == "mem_percent":
            return _percent(nvml.nvmlDeviceGetMemoryInfo(handle))
        if suffix == "power_W":
            return nvml.nvmlDeviceGetPowerUsage(handle) / 1000.0  # milliwatts
        return float(nvml.nvmlDeviceGetTemperature(handle, nvml.NVML_TEMPERATURE_GPU))


def _percent(info: Any) -> float:
    return 100.0 * info.used / info.total if info.total else 0.0


class SystemSampler:
    """Samples the host (and, with ``pid``, that process and its children) and the GPUs.

    Rates (disk, network) are per second since the previous sample; the first sample has none.
    """

    def __init__(self, pid: int | None = None, clock: Callable[[], float] = time.monotonic):
        self.psutil = _load_psutil()
        nvml = _load_nvml()
        self.gpus = GpuSampler(nvml) if nvml is not None else None
        self.clock = clock
        self.pid = pid
        self._last_time: float | None = None
        self._last_io: tuple[float, float, float, float] | None = None
        self._procs: dict[int, Any] = {}
        self.psutil.cpu_percent(interval=None)  # primes the CPU counters

    @property
    def gpu_count(self) -> int:
        return len(self.gpus.handles) if self.gpus is not None else 0

    def sample(self) -> list[Metric]:
        ps = self.psutil
        out = [Metric("sys/cpu_percent", ps.cpu_percent(interval=None), "CPU utilisation (%)")]
        mem = ps.virtual_memory()
        out.append(Metric("sys/mem_used_GB", (mem.total - mem.available) / _GB, "memory used (GB)"))
        out.append(Metric("sys/mem_percent", float(mem.percent), "memory used (%)"))
        out.extend(self._rates())
        if self.pid is not None:
            out.extend(self._process())
        if self.gpus is not None:
            out.extend(self.gpus.sample())
        return out

    def _rates(self) -> list[Metric]:
        ps = self.psutil
        disk = ps.disk_io_counters()
        net = ps.net_io_counters()
        now = self.clock()
        io = (
            float(disk.read_bytes) if disk else 0.0,
            float(disk.write_bytes) if disk else 0.0,
            float(net.bytes_recv) if net else 0.0,
            float(net.bytes_sent) if net else 0.0,
        )
        out: list[Metric] = []
        if self._last_io is not None and self._last_time is not None and now > self._last_time:
            dt = now - self._last_time
            names = (
                ("sys/disk_read_MBps", "disk read (MB/s)"),
                ("sys/disk_write_MBps", "disk write (MB/s)"),
                ("sys/net_recv_MBps", "network received (MB/s)"),
                ("sys/net_sent_MBps", "network sent (MB/s)"),
            )
            for (tag, description), new, old in zip(names, io, self._last_io, strict=True):
                out.append(Metric(tag, max(0.0, new - old) / _MB / dt, description))
        self._last_io, self._last_time = io, now
        return out

    def _process(self) -> list[Metric]:
        """CPU and resident memory of the watched process and all its descendants."""
        ps = self.psutil
        try:
            root = ps.Process(self.pid)
            procs = [root, *root.children(recursive=True)]
        except ps.Error:
            return []
        cpu = rss = 0.0
        alive: dict[int, Any] = {}
        for proc in procs:
            proc = self._procs.get(proc.pid, proc)  # the same object keeps its CPU counters
            try:
                cpu += proc.cpu_percent(interval=None)
                rss += proc.memory_info().rss
            except ps.Error:
                continue
            alive[proc.pid] = proc
        self._procs = alive
        return [
            Metric("sys/proc_cpu_percent", cpu, "the job's CPU, all its processes (% of a core)"),
            Metric("sys/proc_rss_GB", rss / _GB, "the job's resident memory (GB)"),
        ]


class SystemLogger:
    """Writes one sample of ``sampler`` per call, as scalars of ``writer`` at steps 0, 1, 2...;
    a tag's unit description goes with its first value only (TensorBoard reads it from there)."""

    def __init__(self, writer: Any, sampler: SystemSampler) -> None:
        self.writer = writer
        self.sampler = sampler
        self.step = 0
        self._described: set[str] = set()

    def __call__(self) -> None:
        for metric in self.sampler.sample():
            if metric.tag in self._described:
                self.writer.add_scalar(metric.tag, metric.value, self.step)
            else:
                self._described.add(metric.tag)
                self.writer.add_scalar(
                    metric.tag, metric.value, self.step, summary_description=metric.description
                )
        self.step += 1
