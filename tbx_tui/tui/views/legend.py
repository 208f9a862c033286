"""A card's legend: each run's latest value, or its reading at the cursor, in as many columns
as fit ("+N" only for runs that truly do not); run names are cut before values are."""

from __future__ import annotations

from rich.text import Text

from tbx_tui.read.runview import SeriesView
from tbx_tui.term.sanitize import safe_text
from tbx_tui.view import numfmt, plot, readout, units

#: One run's line in a chart: (run name, its series, its RGB colour).
Entry = tuple[str, SeriesView, tuple[int, int, int]]


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _fit(text: str, width: int) -> str:
    """``text`` cut to ``width`` cells with an ellipsis in the middle (run names differ at
    their ends more often than in the middle)."""
    if len(text) <= width:
        return text
    if width <= 3:
        return text[:width]
    head = (width - 1) // 2
    return text[:head] + "…" + text[len(text) - (width - 1 - head) :]


#: A legend item: (symbol, run name, what follows the name, colour).
Item = tuple[str, str, str, tuple[int, int, int]]


def legend(items: list[Item], width: int, max_lines: int, table: bool = False) -> Text:
    """``items`` in as many columns and lines as fit, "+N" for the rest; names are cut (in the
    middle) before values are. ``table``: one item a line while they fit (a zoomed card's
    readings, aligned)."""
    out = Text(no_wrap=True, overflow="crop", end="")
    lengths = [len(name) + len(detail) + 3 for _, name, detail, _ in items]
    if table and len(items) <= max_lines:
        lengths = [max(width, n) for n in lengths]
    layout = readout.legend_layout(lengths, width, max_lines)
    cell = layout.cell if layout.columns > 1 else width
    for k, (symbol, name, detail, rgb) in enumerate(items[: layout.shown]):
        if k and k % layout.columns == 0:
            out.append("\n")
        out.append(symbol + " ", style=_hex(rgb))
        text = f"{_fit(name, max(4, cell - 5 - len(detail)))} {detail}"
        out.append(text[: cell - 3].ljust(cell - 2) if layout.columns > 1 else text)
    rest = len(items) - layout.shown
    if rest:
        out.append(f" +{rest}", style="dim")
    return out


def short_names(names: list[str]) -> list[str]:
    """Run names less the folders all of them share (``sweep/trial-01`` -> ``trial-01`` when
    every run in the card is under ``sweep/``): the part that tells them apart."""
    if len(names) < 2:
        return names
    shared = names[0].rsplit("/", 1)[0] + "/" if "/" in names[0] else ""
    while shared and not all(n.startswith(shared) and len(n) > len(shared) for n in names):
        shared = shared[:-1].rsplit("/", 1)[0] + "/" if "/" in shared[:-1] else ""
    return [n[len(shared) :] for n in names]


def latest_items(
    entries: tuple[Entry, ...], symbols: tuple[str, ...], unit: str = "", ascii: bool = False
) -> list[Item]:
    """Each run's latest value (with the tag's unit) and step: ``run 0.1234 @1200``."""
    items = []
    names = short_names([safe_text(name) for name, _, _ in entries])
    for k, (_, series, rgb) in enumerate(entries):
        i = series.last_index()
        value = units.with_unit(numfmt.compact(float(series.values[i])), unit, ascii)
        detail = f"{value} @{numfmt.step(int(series.steps[i]))}"
        items.append((symbols[k] if k < len(symbols) else "●", names[k], detail, rgb))
    return items


def cursor_rows(
    entries: tuple[Entry, ...], symbols: tuple[str, ...], opts: plot.Options, x: float
) -> list[Item]:
    """Each run read at the cursor ``x``: step, exact value, smoothed value, time since start."""
    readings = []
    for name, series, rgb in entries:
        r = readout.read_at(
            series.steps, series.wall_times, series.values, opts.x_mode, opts.smoothing, x
        )
        if r is not None:
            readings.append((name, r, rgb))
    if not readings:
        return []
    name_w = min(32, max(len(safe_text(n)) for n, _, _ in readings))
    out = []
    for k, (name, r, rgb) in enumerate(readings):
        detail = (
            f" step {r.step:<8} value {readout.exact(r.value):<12} "
            f"smoothed {numfmt.compact(r.smoothed):<10} {readout.elapsed(r.relative)}"
        )
        label = _fit(safe_text(name), name_w).ljust(name_w)
        out.append((symbols[k] if k < len(symbols) else "●", label, detail, rgb))
    return out
