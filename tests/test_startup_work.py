"""Work kept off the way of the first frame and of keys: the garbage collector paused for the
start and then kept off what lives as long as the app (its full collections hold the GIL, and so
the UI thread, while they walk every object), footer keys that are not restyled twice each
time the footer is rebuilt, and chart cards that work out their style once a repaint."""

from __future__ import annotations

import asyncio
import gc

import pytest
from textual.dom import DOMNode

from tbx_tui.tui import collector
from tests.conftest import CORPUS, loaded, make_app, wait_for

pytestmark = pytest.mark.app


def test_the_collector_paused_for_the_start_runs_again_once_the_first_frame_is_painted():
    """The launcher pauses the garbage collector until the first frame; the app turns it back
    on then, with what it made so far (and what it loads) kept out of full collections, and
    those rarer, until it ends."""
    before = gc.get_threshold()

    async def go() -> None:
        app = make_app(f"{CORPUS}/tbx/main")
        collector.pause_for_start()  # as tbx_tui.tui.launch.run_app does
        try:
            async with app.run_test(size=(120, 40)) as pilot:
                assert await wait_for(pilot, gc.isenabled)
                assert gc.get_freeze_count() > 0
                assert gc.get_threshold()[2] == max(before[2], collector.FULL_EVERY)
                await loaded(pilot)
        finally:
            collector.ensure_running()
        assert gc.get_freeze_count() == 0 and gc.get_threshold() == before

    asyncio.run(go())


def test_footer_keys_start_as_their_footer_and_are_not_restyled_when_mounted(monkeypatch):
    restyled: list[str] = []
    real = DOMNode.update_node_styles

    def recorded(self, *args, **kwargs):
        if type(self).__name__ == "FooterKey":
            restyled.append(self.key)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(DOMNode, "update_node_styles", recorded)

    async def go() -> None:
        app = make_app(f"{CORPUS}/tbx/main")
        async with app.run_test(size=(160, 40)) as pilot:
            await loaded(pilot)
            await pilot.press("tab", "tab")  # focus moves: the footer's keys are rebuilt
            await pilot.pause()
            footer = app.screen.query_one("KeyFooter")
            keys = list(footer.query("FooterKey"))
            assert keys and "q" in [k.key for k in keys]
            for key in keys:
                palette = key.has_class("-command-palette")
                assert key.compact is (True if palette else footer.compact)
                assert key.has_class("-compact") is key.compact
        assert restyled == []

    asyncio.run(go())


def test_the_launcher_pauses_the_collector_and_shortens_the_gil_switch(monkeypatch):
    """What the app runs under when started by ``tbx-top`` (the app itself is replaced here by a
    probe: running it needs a terminal), and the collector running again afterwards whatever
    happened."""
    import argparse
    import signal
    import sys

    from tbx_tui.tui import launch

    seen: list[tuple[bool, float]] = []

    def probe(*_args) -> int:
        seen.append((gc.isenabled(), sys.getswitchinterval()))
        raise RuntimeError("the app failed before its first frame")

    interval = sys.getswitchinterval()
    handlers = {s: signal.getsignal(s) for s in (signal.SIGHUP, signal.SIGTERM)}
    monkeypatch.setattr(launch, "_run", probe)
    try:
        with pytest.raises(RuntimeError):
            launch.run_app(".", argparse.Namespace(poll=None), None, None)
    finally:
        sys.setswitchinterval(interval)
        for number, handler in handlers.items():  # (run_app set the app's own)
            signal.signal(number, handler)
    assert seen == [(False, launch.SWITCH_INTERVAL)]
    assert gc.isenabled()


def test_a_card_works_out_its_style_once_a_repaint(monkeypatch):
    from tbx_tui.tui.views.card import ChartCard
    from tests.conftest import settled

    asked: list[int] = []
    real = DOMNode.rich_style

    def counted(self):
        asked.append(id(self))
        return real.fget(self)

    async def go() -> None:
        app = make_app(f"{CORPUS}/tbx/main")
        async with app.run_test(size=(160, 48)) as pilot:
            await loaded(pilot)
            await settled(pilot)
            card = app.screen.query(ChartCard).first()
            monkeypatch.setattr(ChartCard, "rich_style", property(counted))
            lines = card.render_lines(card.region.reset_offset)
            assert asked.count(id(card)) == 1 and len(lines) == card.region.height
            style = real.fget(card)
            inside = lines[card.region.height // 2]  # (the chart's lines, in the card's style)
            assert style.bgcolor in {seg.style.bgcolor for seg in inside if seg.style}

    asyncio.run(go())
