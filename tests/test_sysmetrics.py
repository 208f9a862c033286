"""System metrics: psutil for real, NVML faked (this machine has no NVIDIA GPU: the one place the
team allows a fake), through the sampler, ``tbx-log --sys`` and ``SummaryWriter(system_metrics=)``.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tbx_tui.read.logdir import Logdir

pytest.importorskip("psutil")

pytestmark = pytest.mark.unit

TBX_LOG = [sys.executable, "-m", "tbx_tui.capture.cli"]

#: A stand-in for nvidia-ml-py's ``pynvml`` with two GPUs; the second can't report power.
FAKE_NVML = textwrap.dedent(
    """
    from types import SimpleNamespace
    NVML_TEMPERATURE_GPU = 0
    class NVMLError(Exception):
        pass
    def nvmlInit():
        pass
    def nvmlDeviceGetCount():
        return 2
    def nvmlDeviceGetHandleByIndex(i):
        return i
    def nvmlDeviceGetUtilizationRates(h):
        return SimpleNamespace(gpu=[87, 3][h], memory=10)
    def nvmlDeviceGetMemoryInfo(h):
        return SimpleNamespace(used=[40e9, 1e9][h], total=80e9, free=0)
    def nvmlDeviceGetPowerUsage(h):
        if h == 1:
            raise NVMLError("Not Supported")
        return 312500  # milliwatts
    def nvmlDeviceGetTemperature(h, sensor):
        return [71, 35][h]
    """
)
NO_DRIVER_NVML = "def nvmlInit():\n    raise RuntimeError('NVML Shared Library Not Found')\n"


@pytest.fixture
def fake_nvml(tmp_path, monkeypatch):
    """``pynvml`` importable from a folder put first on sys.path (and on PYTHONPATH for
    subprocesses)."""

    def install(source: str) -> Path:
        folder = tmp_path / "fake_nvml"
        folder.mkdir(exist_ok=True)
        (folder / "pynvml.py").write_text(source)
        monkeypatch.syspath_prepend(str(folder))
        monkeypatch.delitem(sys.modules, "pynvml", raising=False)
        monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(folder), *sys.path]))
        return folder

    yield install
    sys.modules.pop("pynvml", None)  # the fake must not outlive the test


def by_tag(metrics):
    return {m.tag: m for m in metrics}


def test_host_metrics_with_real_psutil_and_rates_from_the_second_sample():
    from tbx_tui.writer.sysmetrics import SystemSampler

    sampler = SystemSampler(pid=os.getpid())
    first = by_tag(sampler.sample())
    assert {"sys/cpu_percent", "sys/mem_used_GB", "sys/mem_percent"} <= set(first)
    assert "sys/disk_read_MBps" not in first  # a rate needs two samples
    assert 0 < first["sys/mem_used_GB"].value < 1e4
    assert first["sys/proc_rss_GB"].value > 0  # this very process
    time.sleep(0.05)
    second = by_tag(sampler.sample())
    for tag in ("sys/disk_read_MBps", "sys/disk_write_MBps", "sys/net_recv_MBps"):
        assert second[tag].value >= 0
    assert "(MB/s)" in second["sys/net_sent_MBps"].description
    assert "(%)" in second["sys/cpu_percent"].description


def test_gpu_metrics_through_nvml(fake_nvml):
    fake_nvml(FAKE_NVML)
    from tbx_tui.writer.sysmetrics import SystemSampler

    sampler = SystemSampler()
    assert sampler.gpu_count == 2
    got = by_tag(sampler.sample())
    assert got["sys/gpu0/util_percent"].value == 87
    assert got["sys/gpu0/mem_used_GB"].value == 40
    assert got["sys/gpu0/mem_percent"].value == 50
    assert got["sys/gpu0/power_W"].value == 312.5
    assert got["sys/gpu0/temp_C"].value == 71
    assert got["sys/gpu0/temp_C"].description == "GPU temperature (°C)"
    assert "sys/gpu1/power_W" not in got  # not supported on that board: skipped, not zero
    assert got["sys/gpu1/temp_C"].value == 35


def test_no_gpu_driver_means_host_metrics_only(fake_nvml):
    fake_nvml(NO_DRIVER_NVML)
    from tbx_tui.writer.sysmetrics import SystemSampler

    sampler = SystemSampler()
    assert sampler.gpu_count == 0
    assert not any("gpu" in m.tag for m in sampler.sample())


def test_without_psutil_it_says_what_to_install(monkeypatch):
    from tbx_tui.writer import sysmetrics

    monkeypatch.setitem(sys.modules, "psutil", None)  # import psutil now raises ImportError
    with pytest.raises(sysmetrics.MissingDependency, match=r"pip install 'tbx-tui\[sys\]'"):
        sysmetrics.SystemSampler()


def _read(logdir: Path, run: str):
    reader = Logdir(str(logdir))
    reader.refresh()
    return reader.runs[run]


def test_tbx_log_sys_with_a_gpu(tmp_path, fake_nvml):
    fake_nvml(FAKE_NVML)
    result = subprocess.run(
        [*TBX_LOG, "-d", str(tmp_path), "-n", "gpu", "--sys", "--sys-interval", "0.1", "--"]
        + [sys.executable, "-c", "import time; print('loss=1'); time.sleep(0.5)"],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == b"loss=1\n"
    run = _read(tmp_path, "gpu")
    assert len(run.scalars["sys/gpu0/util_percent"]) >= 2
    assert set(run.scalars["sys/gpu0/power_W"].values) == {312.5}
    assert len(run.scalars["sys/cpu_percent"]) >= 2
    assert "sys/proc_rss_GB" in run.scalars  # the job's own process tree
    assert "loss" in run.scalars


def test_tbx_log_sys_without_a_gpu(tmp_path, fake_nvml):
    fake_nvml(NO_DRIVER_NVML)
    result = subprocess.run(
        [*TBX_LOG, "-d", str(tmp_path), "-n", "host", "--sys", "--sys-interval", "0.1"]
        + ["--", "sleep", "0.3"],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    run = _read(tmp_path, "host")
    assert len(run.scalars["sys/mem_used_GB"]) >= 2
    assert not any("gpu" in tag for tag in run.scalars)


def test_tbx_log_sys_watches_until_stopped(tmp_path):
    proc = subprocess.Popen(
        [*TBX_LOG, "-d", str(tmp_path), "-n", "watch", "--sys", "--sys-interval", "0.1"],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    assert proc.stderr is not None
    assert b"Ctrl-C stops" in proc.stderr.readline()
    time.sleep(0.5)
    proc.terminate()
    assert proc.wait(timeout=30) == 0
    assert len(_read(tmp_path, "watch").scalars["sys/cpu_percent"]) >= 2


def test_tbx_log_sys_without_psutil_says_what_to_install(tmp_path):
    blocker = tmp_path / "block"
    blocker.mkdir()
    (blocker / "psutil.py").write_text("raise ImportError('No module named psutil')\n")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(blocker), *sys.path]))
    result = subprocess.run(
        [*TBX_LOG, "-d", str(tmp_path), "--sys", "--", "true"],
        capture_output=True,
        timeout=60,
        env=env,
    )
    assert result.returncode == 2
    assert b"pip install 'tbx-tui[sys]'" in result.stderr


def test_summary_writer_system_metrics_on_the_writers_thread(tmp_path, monkeypatch):
    from tbx_tui import SummaryWriter
    from tbx_tui.writer import sysmetrics

    threads: list[str] = []
    real_sample = sysmetrics.SystemSampler.sample

    def watched(self):
        threads.append(threading.current_thread().name)
        return real_sample(self)

    monkeypatch.setattr(sysmetrics.SystemSampler, "sample", watched)
    with SummaryWriter(str(tmp_path / "job"), system_metrics=0.05) as writer:
        writer.add_scalar("loss", 1.0, 0)
        time.sleep(0.4)
    assert len(threads) >= 3 and set(threads) == {"tbx_tui-writer"}
    run = _read(tmp_path, "job")
    assert len(run.scalars["sys/cpu_percent"]) >= 3
    assert list(run.scalars["sys/cpu_percent"].steps[:3]) == [0, 1, 2]
    assert "loss" in run.scalars


def test_a_writer_dropped_without_close_while_sampling_says_nothing(tmp_path):
    """A script that never closes its writer: when the writer is collected mid-sample, the job
    found it gone (ReferenceError) and its finalizer printed that as "Exception ignored", every
    time. Its points are still written."""
    script = textwrap.dedent(
        """
        import gc, sys, time
        from tbx_tui import SummaryWriter
        for i in range(10):
            w = SummaryWriter(sys.argv[1] + f"/r{i}", system_metrics=0.001)
            w.add_scalar("loss", float(i), 0)
            time.sleep(0.02)
            del w
            gc.collect()
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path)], capture_output=True, text=True, timeout=120
    )
    assert (out.returncode, out.stderr) == (0, "")
    for i in range(10):
        assert list(_read(tmp_path, f"r{i}").scalars["loss"].values) == [float(i)]


@pytest.mark.parametrize("bad", [0, -1.0, "yes"])
def test_summary_writer_rejects_a_bad_system_metrics_setting(tmp_path, bad):
    from tbx_tui import SummaryWriter

    with pytest.raises(ValueError, match="system_metrics"):
        SummaryWriter(str(tmp_path / "bad"), system_metrics=bad)


def _real_nvml():
    """nvidia-ml-py with a working driver and at least one GPU, or skip."""
    sys.modules.pop("pynvml", None)  # never a fake left behind by another test
    nvml = pytest.importorskip("pynvml")
    try:
        nvml.nvmlInit()
        count = nvml.nvmlDeviceGetCount()
    except Exception as exc:  # no driver: NVMLError
        pytest.skip(f"no NVIDIA driver here: {exc}")
    if count == 0:
        pytest.skip("no NVIDIA GPU here")
    return nvml


def test_real_gpu_readings_where_there_is_one():
    """Runs on a machine with an NVIDIA GPU (skipped elsewhere): NVML for real."""
    _real_nvml()
    from tbx_tui.writer.sysmetrics import SystemSampler

    got = by_tag(SystemSampler().sample())
    assert 0 <= got["sys/gpu0/util_percent"].value <= 100
    assert got["sys/gpu0/mem_used_GB"].value > 0
    assert 0 < got["sys/gpu0/mem_percent"].value <= 100
    assert 10 < got["sys/gpu0/temp_C"].value < 110
    if "sys/gpu0/power_W" in got:
        assert 10 < got["sys/gpu0/power_W"].value < 2000


def test_tbx_log_sys_sees_a_real_gpu_job(tmp_path):
    """A torch job keeps the GPU busy for a few seconds; tbx-log --sys sees it working
    (skipped without a GPU or torch with CUDA)."""
    _real_nvml()
    torch = pytest.importorskip("torch")
    if not torch.cuda.is_available():
        pytest.skip("torch has no CUDA here")
    job = (
        "import time, torch\n"
        "x = torch.randn(8192, 8192, device='cuda')\n"
        "t = time.time()\n"
        "while time.time() - t < 4:\n"
        "    y = x @ x\n"
        "    torch.cuda.synchronize()\n"
        "print('done=1')\n"
    )
    result = subprocess.run(
        [*TBX_LOG, "-d", str(tmp_path), "-n", "gpujob", "--sys", "--sys-interval", "0.5", "--"]
        + [sys.executable, "-c", job],
        capture_output=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    run = _read(tmp_path, "gpujob")
    util = run.scalars["sys/gpu0/util_percent"].values
    power = run.scalars["sys/gpu0/power_W"].values
    print(f"GPU util samples {list(util)}; power W {list(power)}")
    assert max(util) >= 50  # a matmul loop keeps an idle GPU busy
    assert run.scalars["done"].values[0] == 1.0
