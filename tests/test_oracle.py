"""The oracles themselves, run here: the ``tensorboard`` package reads the corpus as ``--export``
does, and tensorboardX frames records byte for byte as we do."""

from __future__ import annotations

import pytest

from tbx_tui.tfrecord import record
from tests.test_export import BETTER, export_csv, same_value

pytestmark = pytest.mark.oracle


def test_matches_live_tensorboard_loader(corpus):
    pem = pytest.importorskip("tensorboard.backend.event_processing.plugin_event_multiplexer")
    tensor_util = pytest.importorskip("tensorboard.util.tensor_util")

    mux = pem.EventMultiplexer(size_guidance={"tensors": 0, "scalars": 0})
    mux.AddRunsFromDirectory(str(corpus))
    mux.Reload()
    ours = export_csv(corpus)
    checked = 0
    for run, plugins in mux.PluginRunToTagToContent("scalars").items():
        for tag in plugins:
            if run in BETTER:
                continue
            events = mux.Tensors(run, tag)
            want = [(e.step, float(tensor_util.make_ndarray(e.tensor_proto))) for e in events]
            got = [(s, v) for s, _, v in ours[run][tag]]
            assert len(got) == len(want), (run, tag)
            for (gs, gv), (ws, wv) in zip(got, want, strict=True):
                assert gs == ws and same_value(gv, wv), (run, tag, gs, ws, gv, wv)
            checked += 1
    assert checked >= 30


def test_masked_crc_and_framing_match_tensorboardx(tmp_path):
    RecordWriter = pytest.importorskip("tensorboardX.record_writer").RecordWriter

    payload = b"hello event"
    path = tmp_path / "rec"
    w = RecordWriter(str(path))
    w.write(payload)
    w.close()
    assert path.read_bytes() == record.encode_record(payload)
