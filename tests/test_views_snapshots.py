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

from .views_harness import ViewHarness, drawn

CORPUS = "tests/data/corpus"
CASES = [
    # (snapshot id, corpus folder, view, image mode, keys pressed in the view)
    ("histograms_tbx", "tbx/main", HistogramView, "halfblock", ()),
    ("histograms_keras_distribution", "tf/keras", HistogramView, "halfblock", ("j", "m")),
    ("images_tf2_second", "tf/tf2", ImageView, "halfblock", ("n",)),
    ("images_torch_figure", "torch/main", ImageView, "halfblock", ()),
    ("images_tbx_ascii", "tbx/main", ImageView, "ascii", ("j",)),
    ("text_tbx", "tbx/main", TextView, "halfblock", ()),
    ("hparams_torch", "torch/main", HParamsView, "halfblock", ()),
    ("pr_tbx", "tbx/main", PRCurveView, "halfblock", ()),
]


@pytest.mark.parametrize("name,folder,view,images,keys", CASES, ids=[c[0] for c in CASES])
def test_view_snapshot(snap_compare, name, folder, view, images, keys):
    app = ViewHarness(f"{CORPUS}/{folder}", view, images=images)

    async def keys_then_drawn(pilot) -> None:
        """Press the keys, then wait until the body shows its frame (drawn on a thread)."""
        await pilot.press(*keys)
        for body in app.query("HistogramBody, ImageBody, PRBody"):
            await drawn(pilot, body)

    assert snap_compare(app, terminal_size=(160, 48), run_before=keys_then_drawn)
