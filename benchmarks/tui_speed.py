"""Speed floors of tbx-top (benchmarks, not tests): `.venv/bin/python benchmarks/tui_speed.py`
(every section) or `... tui_speed.py startup` (section 0 only).

0. start-up against a bare Textual app, side by side in tmux (160x48, the same logdir): both are
   started in turn, several rounds, and their panes polled with ``tmux capture-pane``; reported:
   first frame (the header, tabs and run names on screen), first chart (braille dots on
   screen), every chart in view (no card still "drawing…"), and the ratios to the bare app's
   first frame; and ``tbx-top --demo``'s first chart. The package's bytecode is compiled
   first, as an install has it;
1. redraw of a chart whose series has 1,000,000 points (target < 50 ms);
2. time to first charts on a 1M-point logdir (target < 2 s);
3. idle CPU with nothing changing (target < 2% of a core);
4. key latency with 100 runs x 20 tags (target < 100 ms a key): the response (key handled,
   screen repainted; charts drawn off the UI thread follow), the time until the charts in view
   are redrawn, and the pilot's press+pause (waits for the whole process to idle, 20 ms steps).
5. (``... tui_speed.py encoding``) key latency while a big image is being encoded (target
   < 100 ms): in tmux, the Images view of 1000x855 noise photos, ``--images sixel`` (tmux passes
   graphics through) and half-blocks; a key moves to another step, which starts decoding,
   resizing and encoding that image on the render thread, and while that runs a second key moves
   back; each key's latency is from ``tmux send-keys`` until ``capture-pane`` shows the step it
   asked for in the view's header.
"""

from __future__ import annotations

import asyncio
import os
import shlex
import statistics
import subprocess
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


HERE = os.path.dirname(os.path.abspath(__file__))
BRAILLE = {chr(c) for c in range(0x2801, 0x2900)}


class Tmux:
    """A private tmux server (its own socket) that starts commands in fresh sessions and polls
    what their panes show."""

    def __init__(self, width: int = 160, height: int = 48) -> None:
        self.socket = f"tbx-bench-{os.getpid()}"
        self.size = (width, height)
        # a session that keeps the server up, so that starting a command costs the same each time
        self._tmux("new-session", "-d", "-s", "keep", "sleep 3600")

    def _tmux(self, *args: str) -> str:
        out = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=False
        )
        return out.stdout

    def timeline(
        self, command: list[str], marks: dict[str, object], timeout: float = 20.0
    ) -> dict[str, float]:
        """Start ``command`` and return the seconds until each of ``marks`` (name -> predicate on
        the pane's text) first held; a mark that never held within ``timeout`` is NaN."""
        name = f"s{time.monotonic_ns()}"
        w, h = self.size
        seen: dict[str, float] = {}
        t0 = time.perf_counter()
        self._tmux("new-session", "-d", "-s", name, "-x", str(w), "-y", str(h), shlex.join(command))
        try:
            while len(seen) < len(marks) and time.perf_counter() - t0 < timeout:
                text = self._tmux("capture-pane", "-p", "-t", name)
                now = time.perf_counter() - t0
                for mark, holds in marks.items():
                    if mark not in seen and holds(text):  # type: ignore[operator]
                        seen[mark] = now
                time.sleep(0.005)
        finally:
            self._tmux("kill-session", "-t", name)
            time.sleep(0.3)  # let the killed app exit before the next one starts
        return {mark: seen.get(mark, float("nan")) for mark in marks}

    def wait(self, name: str, holds, timeout: float = 30.0) -> bool:
        """Until the pane of session ``name`` shows what ``holds``; False at the timeout."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            if holds(self._tmux("capture-pane", "-p", "-t", name)):
                return True
            time.sleep(0.005)
        return False

    def key(self, name: str, key: str, holds, timeout: float = 5.0) -> float:
        """Seconds from sending ``key`` to the pane showing what ``holds`` (NaN: never)."""
        t = time.perf_counter()
        self._tmux("send-keys", "-t", name, key)
        if not self.wait(name, holds, timeout):
            return float("nan")
        return time.perf_counter() - t

    def close(self) -> None:
        self._tmux("kill-server")


def has_chart(text: str) -> bool:
    return any(ch in BRAILLE for ch in text)


def startup(rounds: int = 5) -> None:
    """Section 0: first frame and first chart of tbx-top against a bare Textual app."""
    top = [os.path.join(os.path.dirname(sys.executable), "tbx-top")]
    bare_script = os.path.join(HERE, "bare_textual_app.py")
    marks = {
        # header, tabs, the run tree with the run names (as the bare app's first frame)
        "frame": lambda s: " tbx-top " in s and "Scalars" in s and "run003" in s,
        "chart": has_chart,
        # every card in view drawn: no "drawing…" placeholder left
        "charts": lambda s: has_chart(s) and "drawing" not in s,
    }
    results: dict[str, list[float]] = {
        "bare": [],
        "frame": [],
        "chart": [],
        "charts": [],
        "demo": [],
    }
    # bytecode first, as an installed package has it (Textual's came with its install): with
    # PYTHONDONTWRITEBYTECODE set, every start would compile tbx_tui from source (~40 ms)
    package = os.path.join(HERE, "..", "tbx_tui")
    subprocess.run([sys.executable, "-m", "compileall", "-q", package], check=True)
    tmux = Tmux()
    try:
        with tempfile.TemporaryDirectory() as logdir:
            write_logdir(logdir, runs=4, tags=8, points=500)
            for _ in range(rounds):  # interleaved, so that both see the same machine load
                t = tmux.timeline(
                    [sys.executable, bare_script, logdir],
                    {"frame": lambda s: "bare-textual" in s and "run003" in s},
                )
                results["bare"].append(t["frame"])
                for mark, seconds in tmux.timeline([*top, logdir], marks).items():
                    results[mark].append(seconds)
                t = tmux.timeline([*top, "--demo"], {"chart": has_chart})
                results["demo"].append(t["chart"])
    finally:
        tmux.close()
    med = {k: statistics.median(v) for k, v in results.items()}
    bare = med["bare"]
    print(
        f"0. start-up in tmux 160x48, 4 runs x 8 tags x 500 points, medians of {rounds} rounds:\n"
        f"   bare Textual app (header, run tree, footer) first frame {bare:.2f} s\n"
        f"   tbx-top first frame (header, tabs, run names) {med['frame']:.2f} s "
        f"({med['frame'] / bare:.2f}x), first chart {med['chart']:.2f} s "
        f"({med['chart'] / bare:.2f}x, "
        f"{med['chart'] - med['frame']:+.2f} s after the first frame), every chart in view "
        f"{med['charts']:.2f} s ({med['charts'] - med['frame']:+.2f} s)\n"
        f"   tbx-top --demo first chart {med['demo']:.2f} s"
    )
    for name, values in results.items():
        print(f"   {name:6} " + " ".join(f"{x:.2f}" for x in values))


def write_photos(path: str, steps: int = 6) -> None:
    """Noise images (PNG's and sixel's worst case), 1000x855, one per step."""
    rng = np.random.default_rng(0)
    with SummaryWriter(os.path.join(path, "photos")) as w:
        for step in range(steps):
            pixels = rng.integers(0, 256, (855, 1000, 3), np.uint8)
            w.add_image("camera/frame", pixels, step, dataformats="HWC")


def step_shown(step: int):
    return lambda s: f"step {step} (" in s


def encoding_latency(rounds: int = 12) -> None:
    """Section 5: keys answered while the render thread decodes and encodes a big image."""
    top = [os.path.join(os.path.dirname(sys.executable), "tbx-top")]
    tmux = Tmux()
    tmux._tmux("set-option", "-g", "allow-passthrough", "on")
    try:
        with tempfile.TemporaryDirectory() as logdir:
            write_photos(logdir)
            for mode in ("sixel", "halfblock"):
                idle, busy = [], []
                name = f"enc{mode}"
                w, h = tmux.size
                tmux._tmux(
                    "new-session", "-d", "-s", name, "-x", str(w), "-y", str(h),
                    shlex.join([*top, "--images", mode, logdir]),
                )  # fmt: skip
                try:
                    tmux.wait(name, lambda s: "1 run · " in s)  # read, the views mounted
                    tmux._tmux("send-keys", "-t", name, "3")
                    shown = f"· {mode}"
                    assert tmux.wait(name, lambda s, shown=shown: shown in s and "step 5 (" in s)
                    time.sleep(3.0)  # the newest step drawn: the render thread idles
                    for i in range(rounds):
                        # from the newest step (5) to step 4 or the first (0): that image is
                        # decoded, resized and encoded on the render thread; the key before
                        # found that thread idle, the key after ($, back to the newest) comes
                        # while it works
                        key, target = ("h", 4) if i % 2 == 0 else ("^", 0)
                        idle.append(tmux.key(name, key, step_shown(target)))
                        busy.append(tmux.key(name, "$", step_shown(5)))
                        time.sleep(2.0)  # the encoding finishes before the next round
                finally:
                    tmux._tmux("kill-session", "-t", name)
                    time.sleep(0.3)
                print(
                    f"5. key latency, Images view, 1000x855 noise photos, --images {mode}: "
                    f"while the render thread encodes: median {ms(statistics.median(busy))}, "
                    f"max {ms(max(busy))}; render thread idle: median "
                    f"{ms(statistics.median(idle))}, max {ms(max(idle))} ({rounds} keys each)"
                )
                print("   busy " + " ".join(f"{x * 1000:.0f}" for x in busy))
                print("   idle " + " ".join(f"{x * 1000:.0f}" for x in idle))
    finally:
        tmux.close()


def main() -> None:
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs")
    if sys.argv[1:] == ["encoding"]:
        encoding_latency()
        return
    startup()
    if sys.argv[1:] == ["startup"]:
        return
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
