"""Real screenshots of tbx-top on real data: SVG always, PNG when cairosvg can be imported.

Run: ``.venv/bin/python screenshots/make_screenshots.py`` (add cairosvg to the path for PNGs,
e.g. ``pip install --target /tmp/cairo cairosvg`` and ``PYTHONPATH=/tmp/cairo``).
Data: the demo job (our SummaryWriter: training runs, an M/M/1 queue, an exponential sampler),
run for a few seconds of simulated steps, and the shared corpus (tensorboardX, torch, TF2, Keras).
"""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from tbx_tui.demo.job import DemoJob  # noqa: E402
from tbx_tui.tui.app import create_app  # noqa: E402
from tbx_tui.tui.render import RENDERER, VIEWS_RENDERER  # noqa: E402

CORPUS = os.path.join(os.path.dirname(HERE), "tests", "data", "corpus")


async def shoot(logdir: str, name: str, size: tuple[int, int], keys=(), shown: str = "runs/"):
    app = create_app(logdir, poll=0.5, display_name=shown)
    async with app.run_test(size=size) as pilot:
        for _ in range(400):
            if app.state.loaded:
                break
            await pilot.pause(0.05)
        await pilot.pause(0.3)
        for key in keys:
            await pilot.press(key)
        await pilot.pause(0.5)
        for _ in range(400):  # charts, images, PR curves and histograms draw on render threads
            if RENDERER.idle() and VIEWS_RENDERER.idle():
                break
            await pilot.pause(0.05)
        await pilot.pause(0.2)
        path = app.save_screenshot(filename=f"{name}.svg", path=HERE)
    print("wrote", os.path.relpath(path))
    return path


def to_png(svg: str) -> None:
    try:
        import cairosvg
    except ImportError:
        print("no PNG for", os.path.basename(svg), "(cairosvg is not installed)")
        return
    png = svg[:-4] + ".png"
    cairosvg.svg2png(url=svg, write_to=png, output_width=1600)
    print("wrote", os.path.relpath(png))


def main() -> None:
    demo = tempfile.mkdtemp(prefix="tbx-demo-")
    job = DemoJob(demo, tick=0.005)
    job.start()
    time.sleep(6)  # ~1200 steps per run
    job.stop()
    corpus = os.path.join(tempfile.mkdtemp(), "corpus")
    shutil.copytree(CORPUS, corpus)
    shots = [
        (demo, "demo-main-160x48", (160, 48), ()),
        (demo, "demo-main-100x30", (100, 30), ()),
        (demo, "demo-main-240x60", (240, 60), ()),
        # the value cursor, moved back 20 logged steps from the newest
        (
            demo,
            "demo-zoom-loss",
            (120, 36),
            ("tab", "slash", *"eval/loss", "enter", "enter") + ("h",) * 20,
        ),
        (demo, "demo-log-relative", (160, 48), ("tab", "y", "x")),
        (demo, "demo-hparams", (160, 40), ("5",)),
        (demo, "demo-pr-curves", (160, 40), ("6",)),
        (demo, "demo-text", (120, 32), ("4",)),
        (corpus, "corpus-main-160x48", (160, 48), ()),
        (corpus, "help", (100, 30), ("f1",)),
    ]
    for logdir, name, size, keys in shots:
        shown = "demo/" if logdir == demo else "corpus/"
        to_png(asyncio.run(shoot(logdir, name, size, keys, shown)))
    shutil.rmtree(demo, ignore_errors=True)


if __name__ == "__main__":
    main()
