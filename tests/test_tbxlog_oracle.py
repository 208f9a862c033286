"""TensorBoard's own loader reads what tbx-log wrote: the scalars a job printed and its console
(the Text dashboard's data)."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.oracle

JOB = (
    "import sys\n"
    "print('booting')\n"
    "for i in range(5):\n"
    "    print(f'step={i} loss={1 / (i + 1)} tput=3,072 lat=1.5ms')\n"
    "print('oops', file=sys.stderr)\n"
)


def test_tensorboard_reads_tbx_log_scalars_and_console(tmp_path):
    event_accumulator = pytest.importorskip(
        "tensorboard.backend.event_processing.event_accumulator"
    )
    result = subprocess.run(
        [sys.executable, "-m", "tbx_tui.capture.cli", "-d", str(tmp_path), "-n", "job", "--"]
        + [sys.executable, "-c", JOB],
        capture_output=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    acc = event_accumulator.EventAccumulator(
        str(tmp_path / "job"), size_guidance={event_accumulator.TENSORS: 0}
    )
    acc.Reload()
    loss = acc.Scalars("loss")
    assert [e.step for e in loss] == [0, 1, 2, 3, 4]
    assert [e.value for e in loss] == pytest.approx([1, 0.5, 1 / 3, 0.25, 0.2])
    assert {e.value for e in acc.Scalars("tput")} == {3072.0}
    assert {e.value for e in acc.Scalars("lat_ms")} == {1.5}
    assert acc.Scalars("process/exit_code")[0].value == 0.0

    # the console: text-plugin tensors, one string per line, as the Text dashboard reads them
    assert acc.SummaryMetadata("console/stdout").plugin_data.plugin_name == "text"
    lines = []
    for tag in ("console/stdout", "console/stderr"):
        for event in acc.Tensors(tag):
            lines += [s.decode() for s in event.tensor_proto.string_val]
    assert lines[0] == "booting"
    assert "step=4 loss=0.2 tput=3,072 lat=1.5ms" in lines
    assert "oops" in lines

    from tensorboard.util import tensor_util

    first = acc.Tensors("console/stdout")[0]
    array = tensor_util.make_ndarray(first.tensor_proto)
    assert array.ndim == 1 and array[0] == b"booting"  # rank 1: a table, a row per line
