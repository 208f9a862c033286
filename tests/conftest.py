"""Shared fixtures and helpers: the corpus, the CLI in a subprocess, the app under Pilot.

Every test module sets ``pytestmark`` to one tier (see ``TIERS``); collection fails naming any
module that does not, so ``-m "not oracle"`` can be trusted to leave out exactly the oracles.
Paths are absolute: the tests pass from any working directory.
"""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
#: The event-file corpus, read only (the ``corpus`` fixture gives a writable copy).
CORPUS = ROOT / "tests" / "data" / "corpus"
#: A little after the corpus was written: "2m ago" labels stay fixed.
FROZEN_NOW = 1795783600.0
TIERS = ("unit", "app", "snapshot", "oracle", "fault")


#: Tiers whose tests boot the app, start big libraries or subprocesses: they run first, so that
#: pytest-xdist's workers end on short unit tests together instead of one of them alone on a
#: long app test (a stable sort: modules stay whole and in their order within a rank).
FIRST_TIERS = ("app", "snapshot", "fault", "oracle")
#: Unit modules that run a whole tool over the package (mypy's first run in a fresh checkout is
#: the longest single test of the fast tier): before everything else.
FIRST_MODULES = ("test_types.py",)


def tier_of(item) -> str | None:
    return next((tier for tier in TIERS if item.get_closest_marker(tier)), None)


def pytest_collection_modifyitems(config, items) -> None:
    untiered = sorted({item.nodeid.split("::")[0] for item in items if tier_of(item) is None})
    if untiered:
        raise pytest.UsageError(
            f"test modules without a tier marker (pytestmark = pytest.mark.<{'|'.join(TIERS)}>): "
            + ", ".join(untiered)
        )
    items.sort(
        key=lambda item: (item.path.name not in FIRST_MODULES, tier_of(item) not in FIRST_TIERS)
    )


def pytest_collection_finish(session) -> None:
    freeze_survivors()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    yield
    freeze_survivors()


def freeze_survivors() -> None:
    """Collect the garbage of the test just ended (its finalizers run, under pytest's watch for
    unraisable exceptions), then move what survives out of the garbage collector's sight.

    What survives a test (imported modules, Textual's and Rich's caches, session fixtures) is
    long lived; left in the oldest generation, every full collection walks all of it again:
    hundreds of thousands of objects by the end of a worker's share, a third of a second a
    walk, a quarter of the fast tier's CPU time. Frozen, a collection walks only what the tests
    since the last freeze made. Objects are still freed when their last reference goes; a cycle
    among frozen objects that dies later is left to the end of the process.
    """
    gc.collect()
    gc.freeze()


#: pytest-xdist workers per CPU core when ``-n`` is not given: many app tests wait on timers and
#: polls, so two workers a core keep the cores busy.
WORKERS_PER_CORE = 2


@pytest.hookimpl(tryfirst=True)
def pytest_cmdline_main(config) -> None:
    """Parallel by default: without ``-n``, ``python -m pytest`` runs on ``WORKERS_PER_CORE``
    pytest-xdist workers a core, except for one test named by its node id (``FILE::TEST``),
    with ``--pdb``, ``--collect-only``, or without xdist (``-p no:xdist``). ``-n N`` always
    wins (``-n 0``: everything in this process)."""
    option = config.option
    if hasattr(config, "workerinput") or "PYTEST_XDIST_WORKER" in os.environ:
        return  # an xdist worker (or a pytest started by a test in one): never spawn workers
    if not config.pluginmanager.hasplugin("xdist") or option.numprocesses is not None:
        return
    if option.usepdb or option.collectonly:
        return
    args = [arg for arg in config.args if not arg.startswith("-")]
    if len(args) == 1 and "::" in args[0]:
        return
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    option.numprocesses = WORKERS_PER_CORE * (cores or 1)


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A writable copy of tests/data/corpus (tests may grow, damage or replace its files)."""
    dest = tmp_path / "corpus"
    shutil.copytree(CORPUS, dest)
    return dest


@pytest.fixture
def utc(monkeypatch):
    """Local time is UTC (clock labels in snapshots)."""
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


# ---------------------------------------------------------------- the CLI in a fresh process


def cli_env(**extra: str) -> dict[str, str]:
    """The environment for a CLI subprocess: UTF-8 output, no colour, this checkout importable."""
    path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH")) if p)
    return {**os.environ, "PYTHONIOENCODING": "utf-8", "NO_COLOR": "1", "PYTHONPATH": path, **extra}


def tbx_top(
    *args: str, env: dict[str, str] | None = None, text: bool = False, cwd: Path = ROOT
) -> subprocess.CompletedProcess:
    """Run ``tbx-top ARGS`` for real, in a fresh process, with its output captured through pipes."""
    return subprocess.run(
        [sys.executable, "-m", "tbx_tui.cli", *args],
        capture_output=True,
        text=text,
        env=cli_env(**(env or {})),
        cwd=cwd,
        timeout=120,
    )


# ---------------------------------------------------------------- the app under Pilot


def make_app(path, *, poll: float | None = 0.2, display_name: str | None = "corpus", **kwargs):
    """The app as the CLI builds it, polling, with the clock frozen at ``FROZEN_NOW``."""
    from tbx_tui.tui.app import create_app

    kwargs.setdefault("clock", lambda: FROZEN_NOW)
    return create_app(path, poll=poll, display_name=display_name, **kwargs)


def screen_text(app) -> str:
    return "\n".join(strip.text for strip in app.screen._compositor.render_strips())


async def wait_for(pilot, condition: Callable[[], bool], cap: int = 400) -> bool:
    """Pause until ``condition()`` holds; ``cap`` pauses at most (generous: slow CI machines)."""
    for _ in range(cap):
        if condition():
            return True
        await pilot.pause(0.05)
    return condition()


def charts_settled(app) -> bool:
    """Every chart card in view shows the frame of the state now (cards draw off the UI thread)."""
    from tbx_tui.tui.views.scalars import ChartCard

    screen = app.screen
    return all(c.up_to_date for c in screen.query(ChartCard) if screen.can_view_partial(c))


async def settled(pilot) -> None:
    """Pause until the charts in view are drawn, then once more for the screen to show them."""
    await pilot.pause()
    assert await wait_for(pilot, lambda: charts_settled(pilot.app))
    await pilot.pause()


async def steady_screen(pilot, cap: int = 200) -> str:
    """The screen's text once the charts are drawn and two looks in a row agree."""
    app = pilot.app
    await settled(pilot)
    text = screen_text(app)
    for _ in range(cap):
        await pilot.pause(0.05)
        now = screen_text(app)
        if now == text and charts_settled(app):
            break
        text = now
    return text


async def loaded(pilot) -> None:
    app = pilot.app
    assert await wait_for(pilot, lambda: app.state.loaded)
    await settled(pilot)


# ---------------------------------------------------------------- files and servers


@pytest.fixture
def unprivileged() -> list[str]:
    """A command prefix that runs a command without the power to read what its mode forbids.

    Tests often run as root, which reads a ``chmod 000`` file anyway: root then runs the command
    through ``setpriv`` with CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH dropped, so file modes
    apply to it like to anyone. Another user needs nothing.
    """
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
    import socket
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
