"""Shared fixtures: a private copy of the event-file corpus for every test that needs one."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CORPUS = Path(__file__).parent / "data" / "corpus"


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of tests/data/corpus (tests may grow, damage or replace its files)."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture
def unprivileged() -> list[str]:
    """A command prefix that runs a command without the power to read what its mode forbids.

    Tests often run as root, which reads a ``chmod 000`` file anyway: root then runs the command
    through ``setpriv`` with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped, so file modes
    apply to it like to anyone. Another user needs nothing.
    """
    import os

    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv (util-linux): cannot drop read rights")
    drop = "-dac_override,-dac_read_search"
    return [setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}"]


@pytest.fixture(scope="session")
def s3_server():
    """A real S3 API (moto's server mode) on loopback, one per test session.

    Sets the standard AWS variables (endpoint, fake keys, region) in this process for the
    session, so ``SummaryWriter("s3://...")``, ``Logdir("s3://...")`` and ``tbx-top`` child
    processes all reach it the way they would reach MinIO. Yields the environment to give to
    subprocesses. Skips when moto or s3fs is not installed (``pip install -e ".[test]"``).
    """
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    pytest.importorskip("moto.server", reason="moto[server] is in the test extra")
    pytest.importorskip("s3fs", reason="s3fs is in the test extra")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(endpoint + "/moto-api/", timeout=1).close()
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError("moto server did not start") from None
            time.sleep(0.1)
    env = {
        "AWS_ENDPOINT_URL": endpoint,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }
    saved = {k: os.environ.get(k) for k in [*env, "AWS_PROFILE", "AWS_SESSION_TOKEN"]}
    os.environ.pop("AWS_PROFILE", None)
    os.environ.pop("AWS_SESSION_TOKEN", None)
    os.environ.update(env)
    try:
        yield {**os.environ}
    finally:
        proc.kill()
        proc.wait(timeout=10)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        import s3fs

        s3fs.S3FileSystem.clear_instance_cache()


@pytest.fixture
def s3_bucket(s3_server, request) -> str:
    """A fresh, empty bucket on the test S3 server: its ``s3://`` URL."""
    import re

    import s3fs

    name = "t-" + re.sub(r"[^a-z0-9]+", "-", request.node.name.lower())[:50].strip("-")
    fs = s3fs.S3FileSystem()
    fs.mkdir(name)
    return f"s3://{name}"
