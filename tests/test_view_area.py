"""The first frame's widgets: the run tree listing runs before the reader has loaded, and the
main area's tab bar (views loading, then shown by key or click)."""

from __future__ import annotations

import asyncio

import pytest
from textual.app import App, ComposeResult
from textual.widgets import Static

from tbx_tui.read.logdir import Logdir
from tbx_tui.read.runnames import quick_run_names
from tbx_tui.read.runview import take
from tbx_tui.tui.sidebar import RunTree
from tbx_tui.tui.state import ViewState, compile_filter
from tbx_tui.tui.viewarea import ViewArea, ViewTabs, pane_id
from tbx_tui.tui.views.registry import VIEWS
from tests.conftest import CORPUS, FROZEN_NOW, make_app, screen_text, wait_for

pytestmark = pytest.mark.app


class TreeHost(App[None]):
    def __init__(self, state: ViewState) -> None:
        super().__init__()
        self.state = state

    def compose(self) -> ComposeResult:
        yield RunTree(self.state)


def labels(tree: RunTree) -> dict[str, str]:
    return {path: node.label.plain for path, node in tree._by_path.items() if path}


def test_the_run_tree_lists_the_runs_found_before_the_reader_has_read_them():
    async def go() -> None:
        state = ViewState(clock=lambda: FROZEN_NOW)
        app = TreeHost(state)
        async with app.run_test(size=(60, 40)) as pilot:
            tree = app.query_one(RunTree)
            tree.preview(quick_run_names(f"{CORPUS}/tbx"))
            await pilot.pause()
            found = labels(tree)
            # the runs, under their folders, with no age yet (nothing read)
            assert found["main"] == "● main" and found["main/lr/group0"] == "● group0"
            assert found["main/lr"] == "lr/" and not any("ago" in v for v in found.values())

            state.run_re = compile_filter("group")  # a run filter applies to them too
            tree.sync()
            assert sorted(labels(tree)) == ["main", "main/lr", "main/lr/group0", "main/lr/group1"]

            state.run_re = None
            reader = Logdir(f"{CORPUS}/tbx")
            try:
                reader.refresh()
                state.update({name: take(run) for name, run in reader.runs.items()})
            finally:
                reader.close()
            tree.sync()  # the reader's listing takes over: ages and markers
            assert labels(tree)["main"].endswith("ago") and labels(tree)["main"].startswith("●")
            tree.preview(["ghost"])  # too late: the reader has listed the logdir
            assert "ghost" not in labels(tree)

    asyncio.run(go())


class AreaHost(App[None]):
    def compose(self) -> ComposeResult:
        yield ViewArea(VIEWS, id="views")


def test_the_tab_bar_says_loading_until_a_view_comes_and_a_click_picks_a_tab():
    async def go() -> None:
        app = AreaHost()
        async with app.run_test(size=(100, 12)) as pilot:
            area = app.query_one(ViewArea)
            text = screen_text(app)
            assert " Scalars  Histograms  Images  Text  HParams  PR curves  Console" in text
            assert "loading…" in text and area.active_pane is None
            await area.add_view(VIEWS[1], Static("the histograms", classes="view"))
            await pilot.pause()
            assert "the histograms" not in screen_text(app)  # not the tab shown

            tabs = app.query_one(ViewTabs)
            start = next(s for pane, s, _ in tabs.spans() if pane == pane_id(VIEWS[1]))
            await pilot.click(ViewTabs, offset=(start + 2, 0))
            assert await wait_for(pilot, lambda: area.active == "view-histograms")
            assert "the histograms" in screen_text(app) and "loading…" not in screen_text(app)
            # the line under the titles marks the tab shown
            under = screen_text(app).splitlines()[1]
            assert set(under[start : start + len(" Histograms ")]) == {"━"}
            assert set(under[:start]) == {"─"}

            await pilot.click(ViewTabs, offset=(1, 0))  # back to Scalars: not loaded yet
            assert await wait_for(pilot, lambda: area.active == "view-scalars")
            assert "loading…" in screen_text(app)
            area.set_short_titles(True)
            await pilot.pause()
            assert " Scal  Hist  Img  Text  HP  PR  Cons" in screen_text(app)

    asyncio.run(go())


def test_a_scalars_view_just_mounted_knows_the_size_its_cards_will_get():
    """The view lays its cards out as soon as the data comes, before its first layout: the size
    it expects from its pane is the size it then gets (else every card would be drawn twice)."""
    from tbx_tui.tui.views.scalars import ScalarsView
    from tests.views_harness import load_state

    async def go() -> None:
        app = AreaHost()
        async with app.run_test(size=(130, 40)) as pilot:
            area = app.query_one(ViewArea)
            view = ScalarsView(load_state(f"{CORPUS}/tbx"))
            await area.add_view(VIEWS[0], view)
            expected = view.cards_room()  # not laid out yet
            assert view.size.width == 0 and expected == (130, 38)
            await pilot.pause()
            assert view.query_one("#cards").size == expected

    asyncio.run(go())


def test_folders_open_to_fit_the_tree_from_the_first_look(tmp_path):
    """The first look lists the runs before the tree has a size: folders open to fit the screen
    (not a default 20 lines), and stay open once the reader has read the runs."""
    for folder, count in (("sweep", 16), ("train", 6)):
        for i in range(count):
            run = tmp_path / folder / f"run{i:02}"
            run.mkdir(parents=True)
            (run / "events.out.tfevents.1.host").write_bytes(b"")

    async def go() -> None:
        app = make_app(tmp_path)
        async with app.run_test(size=(100, 40)) as pilot:
            tree = app.query_one(RunTree)
            assert tree._by_path["sweep"].is_expanded and tree._by_path["train"].is_expanded
            assert await wait_for(pilot, lambda: app.state.loaded)
            assert tree._by_path["sweep"].is_expanded and tree._by_path["train"].is_expanded
            assert "run15" in screen_text(app)

    asyncio.run(go())


def test_the_app_lists_every_run_from_its_first_look():
    async def go() -> None:
        app = make_app(CORPUS)
        async with app.run_test(size=(120, 60)) as pilot:
            names = set(quick_run_names(str(CORPUS)))
            shown = {p for p in labels(app.query_one(RunTree)) if p in names}
            assert shown == names  # right away, read or not
            await pilot.pause()

    asyncio.run(go())
