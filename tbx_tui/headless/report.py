"""``tbx-top LOGDIR --once`` (a text report) and ``--once --json`` (the same as one JSON document).

The text report is built per run from an ordered list of *section renderers* (:data:`SECTIONS`):
each takes a :class:`RunReport` (the run, narrowed by ``--filter``) and a :class:`Style` (width,
colour, character set) and returns finished lines. More sections (histogram waterfalls, images,
text, an hparams table) plug in with :func:`add_section`; a renderer must keep every line within
``style.width`` columns and pass every string that came from data through :meth:`Style.text`.

Neither rich nor textual is imported here: colour is plain ANSI SGR, only when stdout is a
terminal and ``NO_COLOR`` is unset or empty.
"""

from __future__ import annotations

import argparse
import codecs
import os
import re
import shutil
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TextIO

from tbx_tui.headless import sections
from tbx_tui.headless.closedpipe import drop_output
from tbx_tui.headless.loading import stream_for_report
from tbx_tui.headless.report_json import render_json, run_json
from tbx_tui.headless.summary_stats import (
    POINT_KINDS,
    TREND_CELLS,
    RunReport,
    collect,
    point_stats,
)
from tbx_tui.term import termcaps
from tbx_tui.term.sanitize import safe_text
from tbx_tui.term.textwidth import cell_width, fit, pad, truncate
from tbx_tui.view.numfmt import compact_number
from tbx_tui.view.sparkline import draw_means

__all__ = ["POINT_KINDS", "SECTIONS", "RunReport", "Style", "add_section", "collect", "report"]
__all__ += ["render_json", "render_text", "run_json"]

#: How many warning messages the text report shows per run.
MAX_WARNING_LINES = 3
INDENT = "  "


# --------------------------------------------------------------------------- text


_SGR = {"run": "1;36", "head": "2", "warn": "1;33", "trend": "32", "dim": "2"}


@dataclass
class Style:
    """How the text report is drawn: width in columns, colour, character set."""

    width: int = 80
    color: bool = False
    encoding: str = "utf-8"
    options: argparse.Namespace | None = None  # the CLI's args (e.g. ``images``), for sections
    unicode: bool = field(init=False)

    def __post_init__(self) -> None:
        try:
            self.unicode = codecs.lookup(self.encoding).name == "utf-8"
        except LookupError:
            self.unicode = False

    @property
    def ellipsis(self) -> str:
        return "…" if self.unicode else "..."

    @property
    def dot(self) -> str:
        return " · " if self.unicode else ", "

    def text(self, data: str) -> str:
        """A string from data made safe to print: control characters escaped, encodable."""
        clean = safe_text(data)
        if not self.unicode:
            clean = clean.encode(self.encoding, "backslashreplace").decode(self.encoding)
        return clean

    def paint(self, text: str, role: str) -> str:
        """``text`` (already sized) in the colour of ``role``, when colour is on."""
        if not self.color or not text:
            return text
        return f"\x1b[{_SGR[role]}m{text}\x1b[0m"

    def line(self, text: str) -> str:
        """Plain ``text`` cut to the report width."""
        return truncate(text, self.width, self.ellipsis)


SectionRenderer = Callable[[RunReport, Style], list[str]]


@dataclass
class _Column:
    header: str
    cells: list[str]
    role: str | None = None

    @property
    def width(self) -> int:
        return max([cell_width(self.header)] + [cell_width(c) for c in self.cells])


def _table(
    style: Style,
    title: str,
    tags: list[str],
    columns: list[_Column],
    drop_order: list[int],
    trend: list[str] | None = None,
    trend_max: int = 24,
) -> list[str]:
    """Rows of ``tags`` with numeric ``columns`` (right aligned) and an optional trend column.

    When the width is short, the trend goes first, then columns in ``drop_order``; the tag
    column keeps up to 20 columns (or what is left) and long tags end in an ellipsis.
    """
    labels = [style.text(t) for t in tags]
    tag_natural = max([cell_width(title)] + [cell_width(t) for t in labels])
    tag_min = min(tag_natural, 20)
    avail = style.width - len(INDENT)
    shown = list(range(len(columns)))
    trend_min = 5 if trend is not None else 0

    def fixed() -> int:
        return sum(columns[i].width + 2 for i in shown) + (trend_min + 2 if trend_min else 0)

    drops = [i for i in drop_order if i < len(columns)]
    while tag_min + fixed() > avail:
        if trend_min:
            trend_min = 0
        elif drops:
            shown.remove(drops.pop(0))
        else:
            break
    room = max(avail - fixed() + trend_min, 1)  # for the tag and the trend cells
    if trend_min:
        trend_w = min(trend_max, max(cell_width(t) for t in trend) if trend else 0)
        trend_w = max(trend_w, trend_min)
        tag_w = max(min(tag_natural, room - trend_w), tag_min)
        trend_w = min(trend_w, room - tag_w)
    else:
        tag_w = min(tag_natural, room)
        trend_w = 0
    tag_w = max(tag_w, 1)

    head = pad(truncate(title, tag_w, style.ellipsis), tag_w)
    for i in shown:
        head += "  " + pad(columns[i].header, columns[i].width, right=True)
    if trend_w:
        head += "  " + "trend"[:trend_w]
    lines = [INDENT + style.paint(head.rstrip(), "head")]
    for r, label in enumerate(labels):
        row = fit(label, tag_w, ellipsis=style.ellipsis)
        for i in shown:
            row += "  " + pad(columns[i].cells[r], columns[i].width, right=True)
        if trend_w and trend:
            row += "  " + style.paint(truncate(trend[r], trend_w, ""), "trend")
        lines.append(INDENT + row.rstrip())
    return lines


def section_scalars(view: RunReport, style: Style) -> list[str]:
    """The scalar table: count, last step, last value, min, max and a sparkline per tag."""
    if not view.scalars:
        return []
    tags = list(view.scalars)
    stats = [view.scalars[t].stats for t in tags]
    columns = [
        _Column("count", [str(s.count) for s in stats]),
        _Column("last step", [compact_number(s.last_step) for s in stats]),
        _Column("last value", [compact_number(s.last_value) for s in stats]),
        _Column("min", [compact_number(s.vmin) for s in stats]),
        _Column("max", [compact_number(s.vmax) for s in stats]),
    ]
    trend_max = TREND_CELLS  # what the summaries kept
    summaries = [view.scalars[t] for t in tags]
    trend = [draw_means(s.trend_means, s.trend_has, not style.unicode) for s in summaries]
    return _table(style, "scalars", tags, columns, [4, 3, 0, 1], trend, trend_max)


def section_point_tags(view: RunReport, style: Style) -> list[str]:
    """One small table per non-scalar kind (histograms, images, texts, ...): count, last step."""
    lines = []
    for kind in POINT_KINDS:
        points = view.points[kind]
        if not points:
            continue
        tags = list(points)
        stats = [point_stats(points[t]) for t in tags]
        columns = [
            _Column("count", [str(s.count) for s in stats]),
            _Column("last step", [compact_number(s.last_step) for s in stats]),
        ]
        if kind == "other":
            columns.append(
                _Column("plugin", [style.text(view.run.plugins.get(t, "")) for t in tags])
            )
        lines += _table(style, kind.replace("_", " "), tags, columns, [2, 0, 1])
    return lines


def section_warnings(view: RunReport, style: Style) -> list[str]:
    """How many damaged spots the run's files had, and the first messages."""
    run = view.run
    if not run.warnings:
        return []
    noun = "warning" if run.warnings == 1 else "warnings"
    head = style.line(f"{INDENT}{run.warnings} {noun}: damaged event data, read around it")
    lines = [style.paint(head, "warn")]
    inner = max(style.width - 2 * len(INDENT), 1)
    for message in run.warning_messages[:MAX_WARNING_LINES]:
        lines.append(INDENT * 2 + truncate(style.text(message), inner, style.ellipsis))
    more = run.warnings - min(len(run.warning_messages), MAX_WARNING_LINES)
    if more > 0:
        lines.append(INDENT * 2 + truncate(f"and {more} more", inner, style.ellipsis))
    return lines


#: The sections of each run, in order: name -> renderer. Use :func:`add_section` to add one.
SECTIONS: dict[str, SectionRenderer] = {
    "scalars": section_scalars,
    "tags": section_point_tags,
    "histograms": sections.section_histograms,
    "images": sections.section_images,
    "texts": sections.section_texts,
    "warnings": section_warnings,
}

#: Sections after all runs (across runs): each takes every run view and the style.
SUMMARIES: list[Callable[[list[RunReport], Style], list[str]]] = [sections.summary_hparams]


def add_section(name: str, renderer: SectionRenderer, before: str | None = None) -> None:
    """Add (or replace) the section ``name``; a new one goes before ``before`` or at the end."""
    global SECTIONS
    if name in SECTIONS or before is None or before not in SECTIONS:
        SECTIONS[name] = renderer
        return
    items = list(SECTIONS.items())
    at = [k for k, _ in items].index(before)
    items.insert(at, (name, renderer))
    SECTIONS = dict(items)


def _run_header(view: RunReport, style: Style) -> str:
    parts = []
    n = len(view.scalars)
    if n:
        parts.append(f"{n} scalar{'s' if n != 1 else ''}")
    for kind, singular in POINT_KINDS.items():
        k = len(view.points[kind])
        if k:
            parts.append(f"{k} {singular}" + ("s" if k != 1 and singular not in ("audio",) else ""))
    name = style.text(view.name)
    summary = style.dot.join(parts) if parts else "no data"
    text = f"run {name}  ({summary})"
    if cell_width(text) > style.width:
        text = f"run {name}"
    return style.paint(style.line(text), "run")


def render_text(
    logdir: str, views: list[RunReport], style: Style, warnings: Sequence[str] = ()
) -> list[str]:
    """The whole text report as lines, none wider than ``style.width``; ``warnings`` are the
    logdir's own (unreadable folders, an unreachable store)."""
    n = len(views)
    title = f"{style.text(logdir)}: {n} run{'s' if n != 1 else ''}"
    lines = [style.paint(style.line(title), "head")]
    for warning in warnings:
        lines.append(style.paint(style.line(f"warning: {style.text(warning)}"), "warn"))
    if not views:
        lines.append(style.line("no event files found"))
    for view in views:
        lines.append("")
        lines.append(_run_header(view, style))
        body: list[str] = []
        for renderer in list(SECTIONS.values()):
            body += renderer(view, style)
        if not body:
            body = [style.line(INDENT + "(no points yet)")]
        lines += body
    for summary in SUMMARIES:
        lines += summary(views, style)
    return lines


# --------------------------------------------------------------------------- entry point


def use_color(stream: TextIO) -> bool:
    """Colour only on a terminal, and never when ``NO_COLOR`` is set to anything non-empty."""
    if os.environ.get("NO_COLOR"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False


def style_for(stream: TextIO, args: argparse.Namespace | None = None) -> Style:
    width = getattr(args, "width", None) or shutil.get_terminal_size().columns
    encoding = getattr(stream, "encoding", None) or "ascii"
    # the same decision as the app's (tbx_tui.term.termcaps), so --once and the app agree
    if getattr(args, "ascii", False) or termcaps.ascii_only(encoding=encoding):
        encoding = "ascii"
    return Style(width=max(width, 20), color=use_color(stream), encoding=encoding, options=args)


def report(
    logdir: str,
    args: argparse.Namespace,
    tag_re: re.Pattern | None = None,
    run_re: re.Pattern | None = None,
    stream: TextIO | None = None,
) -> int:
    """Print the ``--once`` report (text, or JSON with ``args.json``); return the exit code."""
    out = stream if stream is not None else sys.stdout
    streamed = stream_for_report(logdir)  # one run in memory at a time
    if streamed is None:
        return 1
    ld, runs = streamed
    views = collect(runs, tag_re, run_re)
    if getattr(args, "json", False):
        text = render_json(logdir, views, ld.warnings)
    else:
        text = "\n".join(render_text(logdir, views, style_for(out, args), ld.warnings))
    try:
        out.write(text + "\n")
        out.flush()
    except BrokenPipeError:  # e.g. `tbx-top --once | head`
        drop_output(out.fileno())
        return 1
    return 0 if ld.ok else 1
