"""Chart cards draw lazily and off the UI thread: only cards in view are drawn, a key press
changes the screen at once and the new charts follow, stale frames are dropped, and a focus
move draws nothing. No timing thresholds: every check waits for a condition."""

from __future__ import annotations

import asyncio
import threading
import time

import pytest
from textual.strip import Strip

from tbx_tui import SummaryWriter
from tbx_tui.tui.messages import ChartDrawn
from tbx_tui.tui.render import RENDERER, ChartRenderer
from tbx_tui.tui.sidebar import RunTree
from tbx_tui.tui.views.scalars import ChartCard
from tests.conftest import charts_settled, loaded, make_app, screen_text, settled, wait_for

pytestmark = pytest.mark.app

TAGS = [f"metrics/m{t:02d}" for t in range(12)]


def write(path, runs=("alpha", "beta", "gamma")):
    for r, name in enumerate(runs):
        with SummaryWriter(str(path / name)) as w:
            for step in range(50):
                for t, tag in enumerate(TAGS):
                    w.add_scalar(tag, (r + 1) * 1000 + t * 10 + step * 0.5, step)


def cards(app) -> list[ChartCard]:
    return list(app.query(ChartCard))


def header(card: ChartCard) -> str:
    return card._strips[0].text if card._strips else ""


def test_cards_out_of_view_are_not_drawn_until_scrolled_into_view(tmp_path):
    write(tmp_path)

    async def go():
        app = make_app(tmp_path, display_name="render")
        async with app.run_test(size=(80, 24)) as pilot:
            await loaded(pilot)
            all_cards = cards(app)
            shown = [c for c in all_cards if app.screen.can_view_partial(c)]
            hidden = [c for c in all_cards if not app.screen.can_view_partial(c)]
            assert shown and hidden
            assert all(c.drawn and c.up_to_date for c in shown)
            assert not any(c.drawn for c in hidden)  # never asked for, never drawn
            last = all_cards[-1]
            assert last in hidden
            await pilot.press("tab")
            for _ in range(len(all_cards)):
                await pilot.press("j")
            assert app.focused is last
            assert await wait_for(pilot, lambda: last.up_to_date)
            assert "alpha" in header(last)  # the latest values line, then the chart
            assert any("┤" in s.text for s in last._strips)  # plotext's y axis ticks

    asyncio.run(go())


def test_a_key_press_shows_at_once_and_the_charts_follow(tmp_path):
    write(tmp_path)

    async def go():
        app = make_app(tmp_path, display_name="render")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            first = cards(app)[0]
            assert "beta" in header(first)
            tree = app.query_one(RunTree)
            tree.focus()
            tree.move_cursor(tree._by_path["beta"])
            await pilot.press("space")
            # the sidebar changed with the key; the card asked for a new frame ...
            assert "○ beta" in screen_text(app)
            assert (
                first._wanted is not None
                and first._wanted != first._key
                or (
                    first.up_to_date  # ... unless the render thread was quicker than the pilot
                )
            )
            # ... and eventually shows it, without the hidden run
            await settled(pilot)
            assert first.up_to_date
            assert "beta" not in header(first) and "alpha" in header(first)
            await pilot.press("space")
            await settled(pilot)
            assert "beta" in header(first)

    asyncio.run(go())


def test_burst_of_smoothing_keys_ends_on_the_last_state(tmp_path):
    write(tmp_path, runs=("alpha",))

    async def go():
        app = make_app(tmp_path, display_name="render")
        async with app.run_test(size=(120, 40)) as pilot:
            await loaded(pilot)
            for _ in range(4):  # 0.6 -> 0.7 -> 0.8 -> 0.9 -> 0.95
                await pilot.press("right_square_bracket")
            await settled(pilot)
            assert app.state.options.smoothing == 0.95
            for card in cards(app):
                if app.screen.can_view_partial(card):
                    assert card._key is not None and card._key[1] == app.state.options

    asyncio.run(go())


def test_stale_frames_are_dropped_and_focus_moves_draw_nothing(tmp_path):
    write(tmp_path)

    async def go():
        app = make_app(tmp_path, display_name="render")
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            card = cards(app)[0]
            shown = list(card._strips)
            card.post_message(ChartDrawn(("an older state",), [Strip.blank(3)]))
            await pilot.pause()
            assert card._strips == shown and card.up_to_date
            assert await wait_for(pilot, RENDERER.idle)
            drawn = RENDERER.drawn
            await pilot.press("tab", "j", "l", "k", "h")
            assert isinstance(app.focused, ChartCard)
            await pilot.pause()
            assert charts_settled(app)
            assert RENDERER.drawn == drawn  # focus styles changed, no chart was drawn again

    asyncio.run(go())


def test_cards_in_view_are_drawn_once_at_start(tmp_path):
    """The grid lays its cards out at their final size before they draw: no frame is drawn at a
    provisional width (one column, or without the scroll bar) and then again."""
    write(tmp_path)

    async def go():
        assert await asyncio.to_thread(lambda: wait_idle(RENDERER))
        before = RENDERER.drawn
        app = make_app(tmp_path, display_name="render")
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            await settled(pilot)
            shown = [c for c in cards(app) if app.screen.can_view_partial(c)]
            assert len(shown) >= 4 and all(c.up_to_date for c in shown)
            assert RENDERER.drawn - before == len(shown)

    asyncio.run(go())


def wait_idle(renderer: ChartRenderer) -> bool:
    for _ in range(2000):
        if renderer.idle():
            return True
        time.sleep(0.005)
    return renderer.idle()


def test_the_render_thread_serves_the_top_left_card_first():
    renderer = ChartRenderer("test-order")
    started, gate = threading.Event(), threading.Event()
    served: list[str] = []
    renderer.submit("busy", lambda: (started.set(), gate.wait()), lambda _: None)
    assert started.wait(30)
    for name, place in [("bottom", (30, 0)), ("top-right", (0, 60)), ("top-left", (0, 0))]:
        renderer.submit(name, lambda n=name: n, served.append, place)
    renderer.submit("top-right", lambda: "top-right again", served.append, (0, 60))
    gate.set()
    assert wait_idle(renderer)
    assert served == ["top-left", "top-right again", "bottom"]


def test_an_idle_render_thread_waits_for_the_whole_repaint_then_starts_top_left():
    """The cards of one repaint ask bottom right first; the thread, idle (or not started yet),
    starts only when woken, once all have asked, and then with the top left card."""
    renderer = ChartRenderer("test-burst")
    served: list[str] = []
    for name, place in [("bottom-right", (30, 60)), ("bottom-left", (30, 0)), ("top", (0, 0))]:
        renderer.submit(name, lambda n=name: n, served.append, place, wake=False)
    time.sleep(0.05)
    assert served == [] and not renderer.idle()  # queued, not started
    renderer.wake()
    assert wait_idle(renderer)
    assert served == ["top", "bottom-left", "bottom-right"]
