"""SVG snapshots (pytest-textual-snapshot) of the issue-5 views at 160x48.

Each view is shown alone (in the small harness app of the Pilot tests), so a change to the app's
chrome (status bar, sidebar, footer) does not touch these snapshots; ``screenshots/`` shows the
views inside the full app. Update after a deliberate change:
``pytest tests/test_views_snapshots.py --snapshot-update``.
"""

from __future__ import annotations

import pytest

from tbx_tui.tui.views.histograms import HistogramView
from tbx_tui.tui.views.hparams import HParamsView
from tbx_tui.tui.views.images import ImageView
from tbx_tui.tui.views.prcurves import PRCurveView
from tbx_tui.tui.views.text import TextView
from tests.conftest import CORPUS, screen_text
from tests.views_harness import ViewHarness, drawn

pytestmark = pytest.mark.snapshot

CASES = [
    # (snapshot id, corpus folder, view, image mode, keys pressed in the view, text it must show)
    (
        "histograms_tbx",
        "tbx/main",
        HistogramView,
        "halfblock",
        (),
        ("1/1 weights/fc1", "waterfall · 10 steps", "n=1000"),
    ),
    (
        "histograms_keras_distribution",
        "tf/keras",
        HistogramView,
        "halfblock",
        ("j", "m"),
        ("2/4 sequential/dense/kernel/histogram", "distribution · 5 steps", " -0.5┤"),
    ),
    (
        "images_tf2_second",
        "tf/tf2",
        ImageView,
        "halfblock",
        ("n",),
        ("imgs/noise", "image 2/2", "24x24 · halfblock", "▀▀▀"),
    ),
    (
        "images_torch_figure",
        "torch/main",
        ImageView,
        "halfblock",
        (),
        ("1/2 fig/hist", "300x200 · halfblock", "▀▀▀"),
    ),
    (
        "images_tbx_ascii",
        "tbx/main",
        ImageView,
        "ascii",
        ("j",),
        ("2/2 sample/rand", "48x32 · ascii", "***"),
    ),
    (
        "text_tbx",
        "tbx/main",
        TextView,
        "halfblock",
        (),
        ("notes/text_summary", "hello from tensorboardX markdown"),
    ),
    (
        "hparams_torch",
        "torch/main",
        HParamsView,
        "halfblock",
        (),
        ("1 run · 3 hparams · 1 metrics", "32  0.1  adam", "0.9"),
    ),
    (
        "pr_tbx",
        "tbx/main",
        PRCurveView,
        "halfblock",
        (),
        ("1/1 pr", "AUC 0.5033", "51 positives", "1┤"),
    ),
]


@pytest.mark.parametrize("name,folder,view,images,keys,needles", CASES, ids=[c[0] for c in CASES])
def test_view_snapshot(snap_compare, name, folder, view, images, keys, needles):
    shown: list[str] = []

    async def run_before(pilot):
        await pilot.pause()
        await pilot.press(*keys)
        for body in pilot.app.query("HistogramBody, ImageBody, PRBody"):
            await drawn(pilot, body)  # bodies draw on a render thread
        shown.append(screen_text(pilot.app))

    app = ViewHarness(str(CORPUS / folder), view, images=images)
    assert snap_compare(app, terminal_size=(160, 48), run_before=run_before)
    for needle in needles:  # what the picture must show, whatever the stored SVG says
        assert needle in shown[-1], needle
