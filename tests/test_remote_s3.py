"""Remote logdirs (issue 13 part 1; issue 10 item 5): a real S3 API (moto's server, on loopback)
written by ``SummaryWriter("s3://...")`` and read by ``tbx-top s3://...`` in every mode."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from tbx_tui import SummaryWriter
from tbx_tui.read.logdir import TAIL_BYTES, Logdir
from tbx_tui.storage.files import RemoteStorage
from tests import eventfiles as ef
from tests.conftest import ROOT, tbx_top

pytestmark = pytest.mark.unit


def _write_runs(base: str) -> None:
    for run, scale in (("a", 1.0), ("b/deep", -2.0)):
        with SummaryWriter(f"{base}/{run}") as w:
            for step in range(25):
                w.add_scalar("loss", scale * step, step, walltime=1000.0 + step)
            w.add_histogram("h", [0.5, 1.5, 2.5], 3, walltime=1003.0)
            w.add_text("note", "hello", 1, walltime=1001.0)


def _objects(url: str) -> list[str]:
    storage = RemoteStorage(url)
    return [
        os.path.basename(f.path)
        for files in storage.scan(lambda n: True).folders.values()
        for f in files
    ]


def test_writer_flush_and_close_put_the_data_in_the_store(s3_bucket, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    w = SummaryWriter(f"{s3_bucket}/run")
    assert len(_objects(s3_bucket)) == 1  # the file-version record, uploaded at once
    for step in range(10):
        w.add_scalar("x", float(step), step)
    w.flush()  # flush() means: in the store
    ld = Logdir(s3_bucket)
    ld.refresh()
    assert ld.runs["run"].scalars["x"].steps.tolist() == list(range(10))
    for step in range(10, 15):
        w.add_scalar("x", float(step), step)
    w.close()  # and so does close()
    ld.refresh()
    assert ld.runs["run"].scalars["x"].steps.tolist() == list(range(15))
    names = _objects(s3_bucket)
    assert len(names) == 3 and names == sorted(names)  # one object per upload, in name order
    assert all(n.endswith((".000000", ".000001", ".000002")) for n in names)
    assert os.listdir(tmp_path) == []  # no local folder named "s3:"


def test_tbx_top_reads_s3_like_a_local_folder_in_every_mode(s3_bucket, s3_server, tmp_path):
    _write_runs(s3_bucket)
    _write_runs(str(tmp_path))
    remote = json.loads(tbx_top("--once", "--json", s3_bucket, env=s3_server, text=True).stdout)
    local = json.loads(tbx_top("--once", "--json", str(tmp_path), env=s3_server, text=True).stdout)
    assert remote["logdir"] == s3_bucket
    assert [r["name"] for r in remote["runs"]] == ["a", "b/deep"]
    assert remote["runs"] == local["runs"]
    text = tbx_top("--once", s3_bucket, "--width", "120", env=s3_server, text=True)
    assert text.returncode == 0, text.stderr
    assert f"{s3_bucket}: 2 runs" in text.stdout and "run b/deep" in text.stdout
    with SummaryWriter(f"{s3_bucket}/c") as w:
        w.add_scalar("loss", float("nan"), 0)
    check = tbx_top(s3_bucket, "--check", "nan", env=s3_server, text=True)
    assert check.returncode == 1 and check.stdout == "c loss: latest value is nan (step 0)\n"
    exported = tbx_top(
        s3_bucket, "--export", "-", "--runs", "^(a|b/deep)$", env=s3_server, text=True
    )
    rows = list(csv.DictReader(io.StringIO(exported.stdout)))
    assert len(rows) == 50
    assert {(r["run"], r["step"], r["value"]) for r in rows if r["step"] == "24"} == {
        ("a", "24", "24.0"),
        ("b/deep", "24", "-48.0"),
    }


def test_images_in_s3_are_read_on_demand(s3_bucket):
    import numpy as np

    from tbx_tui.read.events import image_bytes

    with SummaryWriter(f"{s3_bucket}/img") as w:
        w.add_image("pic", np.zeros((3, 4, 5), dtype=np.uint8), 0)
    ld = Logdir(s3_bucket)
    ld.refresh()
    (point,) = ld.runs["img"].images["pic"]
    assert point.data[0].ref.path.startswith(s3_bucket + "/img/")
    assert image_bytes(point.data[0]).startswith(b"\x89PNG")


def test_tailing_reads_only_the_new_bytes(s3_bucket):
    w = SummaryWriter(f"{s3_bucket}/run")
    w.add_scalar("x", 1.0, 0)
    w.flush()
    ld = Logdir(s3_bucket)
    ld.refresh()
    reads: list[tuple[str, int, int]] = []
    original = ld.storage.read
    ld.storage.read = lambda p, s, e: reads.append((p, s, e)) or original(p, s, e)  # type: ignore[method-assign]
    assert ld.refresh() == set() and reads == []  # idle: one listing, no reads
    w.add_scalar("x", 2.0, 1)
    w.flush()
    ld.refresh()
    ((path, start, end),) = reads
    assert path.endswith(".000002") and start == 0  # only the new object
    assert len(ld.runs["run"].scalars["x"]) == 2
    w.close()
    # a writer that re-uploads one growing object (tensorboardX's way): ranged read of the end
    storage = RemoteStorage(s3_bucket)
    key = f"{storage.root_path}/grown/events.out.tfevents.1.h"

    first = b"".join(ef.scalar("y", i, 1.0) for i in range(3))
    storage.fs.pipe_file(key, first)
    ld.refresh()
    added = ef.scalar("y", 3, 1.0)
    storage.fs.pipe_file(key, first + added)  # a new ETag, the same prefix
    reads.clear()
    assert ld.refresh() == {"grown"}
    assert [(s, e) for _, s, e in reads] == [(len(first) - TAIL_BYTES, len(first) + len(added))]
    assert ld.runs["grown"].scalars["y"].steps.tolist() == [0, 1, 2, 3]


def test_network_errors_are_warnings_that_retry_and_lose_no_run(s3_bucket):
    import s3fs

    _write_runs(s3_bucket)
    ld = Logdir(s3_bucket)
    ld.refresh()
    good = ld.storage.fs
    ld.storage.fs = s3fs.S3FileSystem(  # the same store, unreachable: a port nobody listens on
        endpoint_url="http://127.0.0.1:9",
        retries=1,
        skip_instance_cache=True,
        config_kwargs={"connect_timeout": 1, "retries": {"max_attempts": 1}},
    )
    assert ld.refresh(wait=False) == set()
    assert ld.refresh(wait=False) == set()
    assert list(ld.runs) == ["a", "b/deep"]  # nothing lost meanwhile
    assert len(ld.warnings) == 1 and ld.warnings[0].startswith(f"cannot list {s3_bucket}")
    assert not ld.ok
    assert ld.refresh() == set()  # within the retry delay: not even tried
    ld.storage.fs = good
    with SummaryWriter(f"{s3_bucket}/a") as w:
        w.add_scalar("loss", 99.0, 99)
    assert ld.refresh(wait=False) == {"a"}
    assert ld.ok and ld.runs["a"].scalars["loss"].steps.tolist()[-1] == 99


BLOCKED = "import sys; sys.modules[{mod!r}] = None; "


@pytest.mark.parametrize("missing", ["fsspec", "s3fs"])
def test_url_logdir_without_its_package_is_a_clear_error_never_a_folder(tmp_path, missing):
    code = BLOCKED.format(mod=missing) + (
        "from tbx_tui import SummaryWriter\n"
        "try:\n    SummaryWriter('s3://bucket/run')\n"
        "except ImportError as e:\n    print('ImportError:', e)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert 'pip install "tbx-tui[s3]"' in out.stdout, out.stdout + out.stderr
    assert os.listdir(tmp_path) == []  # no folder "s3:"
    cli = BLOCKED.format(mod=missing) + "from tbx_tui.cli import main; sys.exit(main())"
    top = subprocess.run(
        [sys.executable, "-c", cli, "s3://bucket/run", "--once"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )
    assert top.returncode == 2 and 'pip install "tbx-tui[s3]"' in top.stderr


def test_any_fsspec_protocol_goes_the_same_way():
    pytest.importorskip("fsspec")
    with SummaryWriter("memory://tbx-any/exp/run1") as w:  # fsspec's in-process file system
        for step in range(5):
            w.add_scalar("x", float(step), step)
    ld = Logdir("memory://tbx-any/exp")
    ld.refresh()
    assert ld.remote and ld.runs["run1"].scalars["x"].steps.tolist() == list(range(5))
