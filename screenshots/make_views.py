"""Screenshots (SVG) of the histogram, image, text, hparams and PR curve views in the full app,
on copies of the test corpus, at 160x48:

    .venv/bin/python screenshots/make_views.py
"""

from __future__ import annotations

import asyncio
import shutil
import tempfile
from pathlib import Path

from tbx_tui.tui.app import create_app
from tbx_tui.tui.viewarea import ViewArea

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent / "tests" / "data" / "corpus"
NOW = 1795783600.0

SHOTS = [
    # (file name, corpus folder, view id, image mode, keys)
    ("histograms-waterfall.svg", "tbx", "histograms", "halfblock", ()),
    ("histograms-distribution.svg", "tf/keras", "histograms", "halfblock", ("m",)),
    ("images-halfblock.svg", "torch", "images", "halfblock", ()),
    ("images-tf2-ascii.svg", "tf/tf2", "images", "ascii", ("n",)),
    ("text.svg", "tbx", "text", "halfblock", ()),
    ("hparams.svg", "torch", "hparams", "halfblock", ()),
    ("pr-curves.svg", "tbx", "pr", "halfblock", ()),
]


async def shoot(root: Path, name: str, folder: str, view: str, images: str, keys) -> None:
    app = create_app(root / folder, poll=0.5, clock=lambda: NOW, display_name=folder, images=images)
    async with app.run_test(size=(160, 48)) as pilot:
        for _ in range(400):
            if app.state.loaded:
                break
            await pilot.pause(0.05)
        app.query_one("#views", ViewArea).active = f"view-{view}"
        await pilot.pause()
        app.query_one(f"#view-{view} .view").focus()
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
        await pilot.pause(0.2)
        app.save_screenshot(name, str(HERE))
    print("wrote", HERE / name)


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "corpus"
        shutil.copytree(CORPUS, root)
        for shot in SHOTS:
            await shoot(root, *shot)


if __name__ == "__main__":
    asyncio.run(main())
