"""The main area: a tab bar naming the views, and the view shown under it.

One widget draws every tab (a line of titles and a line under them marking the one shown), and a
view's pane is made only when its module has loaded (see :meth:`TbxTop._import_views`): the first
frame pays for two widgets here, not for a tab widget per view, an animated underline and a pane
per view (Textual's ``TabbedContent`` cost a third of the time from compose to the first frame).
Tabs take no focus (keys 1-7 pick a view); the mouse picks a tab too.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.geometry import Size
from textual.widget import Widget
from textual.widgets import Static

from tbx_tui.tui.messages import TabPicked, ViewShown
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.views.registry import View

#: Cells around each title in the tab bar.
TITLE_PADDING = 1


def pane_id(view: View) -> str:
    return f"view-{view.id}"


class ViewTabs(Widget):
    """The tab bar: the views' titles, the shown one bright and marked by the line under it."""

    DEFAULT_CSS = """
    ViewTabs {
        height: 2;
    }
    """
    COMPONENT_CLASSES = {
        "view-tabs--shown",
        "view-tabs--other",
        "view-tabs--mark",
        "view-tabs--line",
    }

    def __init__(self, views: Sequence[View], shown: str, **kwargs) -> None:
        super().__init__(**kwargs)
        self.views = list(views)
        self.shown = shown
        self.short = False

    def title(self, view: View) -> str:
        return view.short if self.short else view.title

    def spans(self) -> list[tuple[str, int, int]]:
        """Each tab's pane id and its cells ``[start, end)`` on the bar (its padding included)."""
        out, x = [], 0
        for view in self.views:
            width = len(self.title(view)) + 2 * TITLE_PADDING
            out.append((pane_id(view), x, x + width))
            x += width
        return out

    def show(self, pane: str, short: bool | None = None) -> None:
        if short is not None:
            self.short = short
        self.shown = pane
        self.refresh()

    def render(self) -> Text:
        ascii = settings_of(self.app).ascii
        mark, line = ("=", "-") if ascii else ("━", "─")
        styles = {
            name: self.get_component_rich_style(f"view-tabs--{name}")
            for name in ("shown", "other", "mark", "line")
        }
        titles, under = Text(no_wrap=True, end=""), Text(no_wrap=True, end="")
        pad = " " * TITLE_PADDING
        for view, (pane, start, end) in zip(self.views, self.spans(), strict=True):
            shown = pane == self.shown
            titles.append(pad + self.title(view) + pad, styles["shown" if shown else "other"])
            under.append(
                (mark if shown else line) * (end - start), styles["mark" if shown else "line"]
            )
        under.append(line * max(0, self.size.width - under.cell_len), styles["line"])
        return Text("\n", no_wrap=True, end="").join([titles, under])

    def on_click(self, event: events.Click) -> None:
        for pane, start, end in self.spans():
            if start <= event.x < end:
                self.post_message(TabPicked(pane))
                return


class ViewArea(Vertical):
    """The tab bar and the panes of the views; one pane shown at a time. The pane of a view that
    has not loaded yet is a "loading…" line."""

    DEFAULT_CSS = """
    ViewArea > .view-pane {
        height: 1fr;
    }
    ViewTabs {
        background: $surface;
    }
    ViewTabs > .view-tabs--shown {
        color: $foreground;
        text-style: bold;
    }
    ViewTabs > .view-tabs--other {
        color: $text-muted;
    }
    ViewTabs > .view-tabs--mark {
        color: $accent;
    }
    ViewTabs > .view-tabs--line {
        color: $panel-lighten-2;
    }
    """

    def __init__(self, views: Sequence[View], **kwargs) -> None:
        super().__init__(**kwargs)
        self.views = list(views)
        self._active = pane_id(self.views[0])

    def compose(self) -> ComposeResult:
        yield ViewTabs(self.views, self._active)
        yield Static("loading…", classes="view-loading")

    @property
    def active(self) -> str:
        """The id of the pane shown (``view-<id>``), whether that view has loaded or not."""
        return self._active

    @active.setter
    def active(self, pane: str) -> None:
        if pane == self._active:
            return
        self._active = pane
        self.query_one(ViewTabs).show(pane)
        self._show_active()
        self.post_message(ViewShown())

    @property
    def active_pane(self) -> Widget | None:
        """The pane shown, None while its view loads."""
        return next((child for child in self.children if child.id == self._active), None)

    def pane_size(self) -> Size:
        """The size a pane gets (all below the tab bar); known from the first frame on, before
        a view just mounted in its pane has been laid out."""
        below = self.content_region.height - self.query_one(ViewTabs).outer_size.height
        return Size(self.content_region.width, max(0, below))

    def set_short_titles(self, short: bool) -> None:
        tabs = self.query_one(ViewTabs)
        tabs.show(tabs.shown, short)

    async def add_view(self, view: View, widget: Widget) -> Widget:
        """Mount ``view``'s widget in its own pane; returns the pane."""
        pane = Vertical(widget, id=pane_id(view), classes="view-pane")
        pane.display = pane.id == self._active
        await self.mount(pane)
        self._show_active()
        return pane

    def _show_active(self) -> None:
        shown = self.active_pane
        for child in self.children:
            if child.has_class("view-pane"):
                child.display = child is shown
        self.query_one(".view-loading").display = shown is None

    def on_tab_picked(self, message: TabPicked) -> None:
        message.stop()
        self.active = message.pane
