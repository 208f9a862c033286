"""tbx_tui's protos live beside tensorboard's, tensorboardX's, torch's and TensorFlow's in one
process."""

from __future__ import annotations

import subprocess
import sys

import pytest

pytestmark = pytest.mark.oracle

SCRIPT = r"""
import importlib.util
from tensorboard.compat.proto import event_pb2 as tb_event
from tensorboardX.proto import event_pb2 as tbx_event
import tbx_tui
from tbx_tui.read.logdir import Logdir
from tbx_tui.proto import event_pb2 as our_event
if importlib.util.find_spec("torch") is not None:
    from torch.utils.tensorboard import SummaryWriter as TorchWriter  # noqa: F401
if importlib.util.find_spec("tensorflow") is not None:
    from tensorflow.core.util import event_pb2 as tf_event
    assert tf_event.Event.FromString(b"\x10\x05").step == 5
ev = our_event.Event(step=3, wall_time=1.0)
ev.summary.value.add(tag="t", simple_value=2.0)
raw = ev.SerializeToString()
assert tb_event.Event.FromString(raw).summary.value[0].simple_value == 2.0
assert tbx_event.Event.FromString(raw).step == 3
back = tb_event.Event(step=4, wall_time=2.0)
back.summary.value.add(tag="u", simple_value=1.5)
assert our_event.Event.FromString(back.SerializeToString()).summary.value[0].tag == "u"
names = {tb_event.Event.DESCRIPTOR.full_name, tbx_event.Event.DESCRIPTOR.full_name,
         our_event.Event.DESCRIPTOR.full_name}
assert len(names) == 3, names
print("ok")
"""


def test_protos_do_not_collide_in_one_process():
    out = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "ok"


def test_tbx_tui_imported_first_then_tensorboard():
    script = "import tbx_tui.read.logdir, tbx_tui.proto.event_pb2\n" + SCRIPT
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
