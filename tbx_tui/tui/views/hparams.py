"""The hparams view: runs x hyperparameters x final metrics in a sortable table.

``s`` (or a click on a column header) sorts by the cursor's column; again reverses the order.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from tbx_tui.term.sanitize import safe_text
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.state import ViewState
from tbx_tui.view import hparams_table


class HParamsView(Vertical):
    BINDINGS = [Binding("s", "sort", "Sort by column")]

    DEFAULT_CSS = """
    HParamsView { height: 1fr; }
    HParamsView > .hp-header { height: 1; padding: 0 1; background: $boost; }
    HParamsView > DataTable { height: 1fr; }
    """

    def __init__(self, state: ViewState, **kwargs) -> None:
        super().__init__(**kwargs)
        self.state = state
        self.sort_column: str | None = None
        self.descending = False
        self.table = hparams_table.HParamsTable([], [])
        self._shape: tuple | None = None

    def compose(self) -> ComposeResult:
        yield Static("", classes="hp-header")
        yield DataTable(zebra_stripes=True, cursor_type="cell", id="hp-table")

    def on_mount(self) -> None:
        self._ready = True
        self.sync()

    def sync(self) -> None:
        if not getattr(self, "_ready", False):
            return
        runs = {n: self.state.runs[n] for n in self.state.listed_runs()}
        table = hparams_table.build(runs)
        if self.sort_column in table.columns:
            table = table.sorted(self.sort_column, self.descending)
        self.table = table
        shape = (tuple(table.columns), tuple((r, tuple(map(repr, v))) for r, v in table.rows))
        header = self.query_one(".hp-header", Static)
        n = len(table.rows)
        if not n:
            header.update(Text("no run logged hyperparameters", style="dim"))
        else:
            text = f"{n} run{'s' if n != 1 else ''} · {len(table.hparam_names)} hparams · "
            text += f"{len(table.metric_names)} metrics (final values)"
            if self.sort_column:
                order = "descending" if self.descending else "ascending"
                text += f" · sorted by {safe_text(self.sort_column)} {order}"
            header.update(Text(text))
        if shape == self._shape:
            return
        self._shape = shape
        dt = self.query_one(DataTable)
        cursor = dt.cursor_coordinate
        dt.clear(columns=True)
        nh = len(table.hparam_names)
        for i, col in enumerate(table.columns):
            label = safe_text(col)
            if col == self.sort_column:
                glyphs = settings_of(self.app).glyphs
                up, down = glyphs.up, glyphs.down
                label += f" {down}" if self.descending else f" {up}"
            style = "bold" if i == 0 else ("cyan" if i <= nh else "green")
            dt.add_column(Text(label, style=style), key=f"c{i}")
        for row in table.text_rows():
            cells = [Text(row[0])] + [Text(c, justify="right") for c in row[1:]]
            dt.add_row(*cells)
        if table.rows:
            dt.cursor_coordinate = dt.validate_cursor_coordinate(cursor)

    def open_filter(self) -> None:
        self.app.notify("hparams: filter runs with r (the run filter)")

    def close_filter(self, clear: bool) -> None:
        pass

    def sort_by(self, column: str) -> None:
        if self.sort_column == column:
            self.descending = not self.descending
        else:
            self.sort_column, self.descending = column, False
        self._shape = None
        self.sync()

    def action_sort(self) -> None:
        dt = self.query_one(DataTable)
        if not self.table.rows:
            return
        self.sort_by(self.table.columns[dt.cursor_coordinate.column])

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        self.sort_by(self.table.columns[event.column_index])
