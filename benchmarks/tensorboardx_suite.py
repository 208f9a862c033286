"""Run tensorboardX 2.6.5's own test suite against tbx_tui (aliased as ``tensorboardX``).

    python benchmarks/tensorboardx_suite.py           # about a minute; needs the package index

The sdist (which holds ``tests/``) is fetched with ``pip download --no-deps --no-binary :all:``
into a temporary folder, never into this repository. A ``conftest.py`` written beside the tests
sets ``sys.modules["tensorboardX"] = tbx_tui`` before they are imported, then pytest runs them.

Every test must pass except those listed in :data:`NOT_PUBLIC_API` (they reach into tensorboardX's
internals, need packages that are not installed, or pin tensorboardX behaviour tbx_tui replaces
on purpose; the README lists them with the same reasons). Exit status 0 when that holds, 1 when a
test outside the list fails or a listed one stops failing (the list is then out of date).
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VERSION = "2.6.5"

_INTERNALS = "uses tensorboardX internals"
_WRAPS = (
    "pins tensorboardX's uint8 wrap-around of float pixels outside [0, 1] "
    "(510 becomes 254); tbx_tui clips to 255"
)
#: test id (or module, for modules that cannot be imported) -> why it is not expected to pass
NOT_PUBLIC_API = {
    "tests/event_file_writer_test.py": f"{_INTERNALS} (tensorboardX.event_file_writer)",
    "tests/record_writer_test.py": "S3/GCS record writers: needs boto3 and moto",
    "tests/test_chainer_np.py": f"{_INTERNALS} (tensorboardX.x2num) and needs chainer",
    "tests/test_crc32c.py": f"{_INTERNALS} (tensorboardX.crc32c)",
    "tests/test_embedding.py": "needs boto3 at import (fails with real tensorboardX too)",
    "tests/test_numpy.py": f"{_INTERNALS} (tensorboardX.x2num)",
    "tests/test_pytorch_np.py": f"{_INTERNALS} (tensorboardX.x2num)",
    "tests/test_record_writer.py": "needs boto3 at import (fails with real tensorboardX too)",
    "tests/test_utils.py": f"{_INTERNALS} (private tensorboardX.utils._prepare_video)",
    "tests/test_lint.py::test_linting": "runs flake8 over tensorboardX's own sources",
    "tests/test_multiprocess_write.py::GlobalWriterTest::test_flush": (
        f"{_INTERNALS} (file_writer.event_writer._ev_writer._file_name)"
    ),
    "tests/test_multiprocess_write.py::GlobalWriterTest::test_flush_after_close": (
        f"{_INTERNALS} (file_writer.event_writer._ev_writer._file_name)"
    ),
    "tests/test_multiprocess_write.py::GlobalWriterTest::test_writer": (
        f"{_INTERNALS} (file_writer.event_writer._ev_writer._file_name)"
    ),
    "tests/test_writer.py::WriterTest::test_flush": (
        f"{_INTERNALS} (file_writer.event_writer._ev_writer._file_name)"
    ),
    "tests/test_writer.py::WriterTest::test_flush_after_close": (
        f"{_INTERNALS} (file_writer.event_writer._ev_writer._file_name)"
    ),
    "tests/test_writer.py::WriterTest::test_writer_with_default_metadata": (
        f"{_INTERNALS} (patches tensorboardX.event_file_writer)"
    ),
    "tests/test_onnx_graph.py::ONNXGraphTest::test_onnx_graph": "needs the onnx package",
    "tests/test_openvino_graph.py::OPENVINOGraphTest::test_openvino_graph": (
        "OpenVINO graphs are not supported by tbx_tui (NotImplementedError)"
    ),
    "tests/test_summary.py::SummaryTest::test_list_input": (
        "expects summary.histogram to refuse a plain list; tbx_tui takes lists"
    ),
    "tests/test_summary.py::SummaryTest::test_float32_image": _WRAPS,
    "tests/test_summary.py::SummaryTest::test_image_with_3_channel_batched": _WRAPS,
    "tests/test_summary.py::SummaryTest::test_image_with_boxes": _WRAPS,
    "tests/test_summary.py::SummaryTest::test_image_with_four_channel": _WRAPS,
    "tests/test_summary.py::SummaryTest::test_image_with_four_channel_batched": _WRAPS,
    "tests/test_summary.py::SummaryTest::test_image_with_one_channel": _WRAPS,
    "tests/test_summary.py::SummaryTest::test_image_with_one_channel_batched": _WRAPS,
    "tests/test_summary.py::SummaryTest::test_image_without_channel": _WRAPS,
}

CONFTEST = 'import sys\n\nimport tbx_tui\n\nsys.modules["tensorboardX"] = tbx_tui\n'


def fetch_tests(workdir: Path) -> Path:
    """tensorboardX's ``tests/`` from its sdist, unpacked under ``workdir``."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "-q",
            "--no-deps",
            "--no-binary",
            ":all:",
            f"tensorboardX=={VERSION}",
            "-d",
            str(workdir),
        ],
        check=True,
    )
    (archive,) = workdir.glob("tensorboard*-*.tar.gz")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/tests/" in m.name and m.isfile()]
        tar.extractall(workdir, members=members, filter="data")
    (tests,) = workdir.glob("*/tests")
    (tests.parent / "conftest.py").write_text(CONFTEST)
    return tests.parent


def run(suite: Path) -> dict[str, str]:
    """{test id or module: 'passed' | 'failed' | 'error' | 'skipped'} from pytest's report."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "tests",
            "-p",
            "no:cacheprovider",
            "-rA",
            "-q",
            "--continue-on-collection-errors",
        ],
        cwd=suite,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    outcomes: dict[str, str] = {}
    for line in proc.stdout.splitlines():
        m = re.match(r"^(PASSED|FAILED|ERROR|SKIPPED)\s+(\S+)", line)
        if m:
            kind, test = m.groups()
            outcomes[test.split(" - ")[0]] = kind.lower()
    return outcomes


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--keep", help="unpack into this folder and keep it")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(args.keep) if args.keep else Path(tmp)
        workdir.mkdir(parents=True, exist_ok=True)
        outcomes = run(fetch_tests(workdir))
    passed = sorted(t for t, o in outcomes.items() if o == "passed")
    bad = sorted(t for t, o in outcomes.items() if o in ("failed", "error"))
    unexpected = [t for t in bad if t not in NOT_PUBLIC_API]
    stale = [t for t in NOT_PUBLIC_API if outcomes.get(t) == "passed"]
    print(
        f"tensorboardX {VERSION} suite with tbx_tui as tensorboardX: {len(passed)} passed, "
        f"{len(bad)} failed or not importable ({len(bad) - len(unexpected)} listed), "
        f"{sum(o == 'skipped' for o in outcomes.values())} skipped"
    )
    for test in bad:
        print(
            f"  {'UNEXPECTED ' if test in unexpected else ''}{test}: "
            f"{NOT_PUBLIC_API.get(test, 'fails')}"
        )
    for test in stale:
        print(f"  NOW PASSES (remove from the list): {test}")
    return 1 if unexpected or stale else 0


if __name__ == "__main__":
    sys.exit(main())
