"""TensorBoard reads what ``SummaryWriter("s3://...")`` leaves in the store: one object per
upload, in name order, make the same series as one local file."""

from __future__ import annotations

import pytest

from tbx_tui import SummaryWriter
from tbx_tui.storage.files import RemoteStorage

pytestmark = pytest.mark.oracle


def test_tensorboard_reads_the_uploaded_parts_in_order(s3_bucket, tmp_path):
    ea = pytest.importorskip("tensorboard.backend.event_processing.event_accumulator")
    with SummaryWriter(f"{s3_bucket}/run") as w:
        for part in range(4):  # four uploads besides the first: five objects
            for step in range(part * 10, part * 10 + 10):
                w.add_scalar("loss", step / 2, step)
            w.flush()
    storage = RemoteStorage(s3_bucket)
    storage.fs.get(f"{storage.root_path}/run/", str(tmp_path / "run") + "/", recursive=True)
    assert len(list((tmp_path / "run").iterdir())) == 5
    acc = ea.EventAccumulator(str(tmp_path / "run"), size_guidance={"scalars": 0})
    acc.Reload()
    events = acc.Scalars("loss")
    assert [e.step for e in events] == list(range(40))
    assert [e.value for e in events] == [s / 2 for s in range(40)]
