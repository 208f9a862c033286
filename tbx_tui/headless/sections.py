"""Report sections for ``tbx-top LOGDIR --once`` beyond scalars: histogram waterfalls, images,
text summaries (per run) and the hparams table (across runs).

Each renderer follows :mod:`tbx_tui.headless.report`'s contract: it takes a run view and a style
(width, colour, character set, CLI options), keeps every line within ``style.width`` columns and
passes every string from data through the sanitiser. Colour is plain ANSI SGR and only when
``style.color`` (a terminal, ``NO_COLOR`` unset). Images follow ``--images``: ``auto`` draws
half-blocks on a UTF-8 colour terminal and ASCII otherwise; sixel and kitty only when asked.
"""

from __future__ import annotations

import os
from typing import Any

from tbx_tui.term import termgraphics
from tbx_tui.term.sanitize import safe_text
from tbx_tui.term.textwidth import cell_width, truncate
from tbx_tui.view import histo, hparams_table, imagecells, numfmt, waterfall

INDENT = "  "
#: Rows a waterfall / an image / a text summary may take in the report.
WATERFALL_ROWS = 14
IMAGE_ROWS = 16
TEXT_LINES = 12
#: Images of one event shown in the report (the rest are counted).
IMAGES_PER_EVENT = 4
#: Assumed pixel size of a cell, to size sixel images.
CELL_PX = (10, 20)

# 256-colour ramps for ridge intensity 1..7: older steps in blues, the newest in ambers.
_RIDGE = (24, 25, 31, 32, 38, 44, 51)
_NEWEST = (130, 166, 172, 208, 214, 220, 226)


def _sgr(code: str, text: str, on: bool) -> str:
    return f"\x1b[{code}m{text}\x1b[0m" if on and text else text


def _label(style: Any, text: str) -> str:
    return style.paint(style.line(INDENT + text), "head")


def _steps(n: int) -> str:
    return f"{n} step" if n == 1 else f"{n} steps"


def _value(x: float) -> str:
    return numfmt.short(float(x))


# --------------------------------------------------------------------------- histograms


def section_histograms(view: Any, style: Any) -> list[str]:
    """A waterfall per histogram tag: the distribution over steps, newest step highlighted."""
    lines: list[str] = []
    width = style.width - len(INDENT)
    for tag, points in view.points.get("histograms", {}).items():
        if not points:
            continue
        last = histo.stats(points[-1].data)
        head = f"{style.text(tag)}  {_steps(len(points))}"
        if last.count:
            head += (
                f", step {points[-1].step}: n={_value(last.count)} "
                f"min={_value(last.min)} mean={_value(last.mean)} max={_value(last.max)}"
            )
        lines.append(_label(style, head))
        if width < 12:
            continue
        wf = waterfall.render(
            [p.data for p in points],
            [p.step for p in points],
            width,
            WATERFALL_ROWS,
            unicode=style.unicode,
        )
        for runs in wf.lines():
            out = []
            for text, kind, level in runs:
                if kind == waterfall.RIDGE:
                    out.append(_sgr(f"38;5;{_RIDGE[level - 1]}", text, style.color))
                elif kind == waterfall.NEWEST:
                    out.append(_sgr(f"38;5;{_NEWEST[level - 1]}", text, style.color))
                elif kind == waterfall.LABEL_NEWEST:
                    out.append(_sgr("1;33", text, style.color))
                elif kind in (waterfall.LABEL, waterfall.AXIS):
                    out.append(_sgr("2", text, style.color))
                else:
                    out.append(text)
            lines.append(INDENT + "".join(out))
    return lines


# --------------------------------------------------------------------------- images


def _requested(style: Any) -> str:
    return getattr(getattr(style, "options", None), "images", None) or "auto"


def image_mode(style: Any) -> str:
    """The image mode for the report: ``--images`` resolved for a headless stream. Half-blocks
    need colour: ``auto`` gives ASCII when the report is uncoloured, and so does ``NO_COLOR``."""
    requested = _requested(style)
    mode = termgraphics.resolve(requested, interactive=False, encoding=style.encoding)
    if mode == "halfblock" and (
        not style.unicode or os.environ.get("NO_COLOR") or (requested == "auto" and not style.color)
    ):
        mode = "ascii"
    return mode


def image_color(style: Any) -> bool:
    """Colour for images: the report's, or forced by an explicit ``--images halfblock``."""
    return bool(style.color) or (
        _requested(style) == "halfblock" and not os.environ.get("NO_COLOR")
    )


def _cells_lines(cells: imagecells.Cells, color: bool) -> list[str]:
    if cells.mode == "ascii" or not color:
        if cells.mode == "ascii" and color:
            return [
                "".join(f"\x1b[38;2;{f[0]};{f[1]};{f[2]}m{t}" for t, f, _ in row) + "\x1b[0m"
                for row in cells.runs()
            ]
        return list(cells.chars)
    out = []
    for row in cells.runs():
        parts = []
        for t, f, b in row:
            assert b is not None  # half-blocks carry a background colour per cell
            parts.append(f"\x1b[38;2;{f[0]};{f[1]};{f[2]};48;2;{b[0]};{b[1]};{b[2]}m{t}")
        out.append("".join(parts) + "\x1b[0m")
    return out


def draw_image(img: Any, mode: str, cols: int, rows: int, color: bool) -> list[str]:
    """``img`` (a decoded RGB image) as report lines in ``mode``, within ``cols`` x ``rows``."""
    if mode in ("halfblock", "ascii"):
        cells = imagecells.to_cells(img, cols, rows, mode, upscale=True)
        return _cells_lines(cells, color)
    cw, ch = imagecells.fit(img.width, img.height, cols, rows)
    if mode == "sixel":
        px_w, px_h = cw * CELL_PX[0], ch * CELL_PX[1]
        scale = min(px_w / img.width, px_h / img.height, 1.0)
        size = (max(1, round(img.width * scale)), max(1, round(img.height * scale)))
        return [termgraphics.sixel(img.resize(size) if size != img.size else img)]
    if mode == "kitty":
        return [termgraphics.kitty(termgraphics.png_bytes(img), cols=cw, rows=ch)]
    return []


def section_images(view: Any, style: Any) -> list[str]:
    """Each image tag's newest event: its images drawn per ``--images``."""
    mode = image_mode(style)
    lines: list[str] = []
    width = style.width - 2 * len(INDENT)
    for tag, points in view.points.get("images", {}).items():
        if not points:
            continue
        point = points[-1]
        infos = list(point.data)
        sizes = ", ".join(f"{i.width}x{i.height}" for i in infos[:IMAGES_PER_EVENT])
        more = f" (+{len(infos) - IMAGES_PER_EVENT} more)" if len(infos) > IMAGES_PER_EVENT else ""
        head = f"{style.text(tag)}  {_steps(len(points))}, step {point.step}: {sizes}{more}"
        lines.append(_label(style, head))
        if mode == "none" or width < 4:
            continue
        for info in infos[:IMAGES_PER_EVENT]:
            try:
                img = imagecells.load_image(info)
            except Exception as exc:  # a damaged image must not stop the report
                lines.append(style.line(INDENT * 2 + f"(cannot decode: {style.text(str(exc))})"))
                continue
            for line in draw_image(img, mode, width, IMAGE_ROWS, image_color(style)):
                lines.append(INDENT * 2 + line)
    return lines


# --------------------------------------------------------------------------- text


def text_lines(text: str, width: int, max_lines: int, ellipsis: str = "…") -> list[str]:
    """A text summary as at most ``max_lines`` sanitised lines cut to ``width`` columns."""
    clean = safe_text(text, keep_newlines=True).expandtabs(4)
    lines = clean.split("\n")
    out = [truncate(ln, width, ellipsis) for ln in lines[:max_lines]]
    if len(lines) > max_lines:
        out.append(f"({len(lines) - max_lines} more lines)")
    return out


def section_texts(view: Any, style: Any) -> list[str]:
    """Each text tag's newest entry (Markdown source, sanitised)."""
    lines: list[str] = []
    width = max(style.width - 2 * len(INDENT), 1)
    for tag, points in view.points.get("texts", {}).items():
        if not points:
            continue
        point = points[-1]
        lines.append(_label(style, f"{style.text(tag)}  {_steps(len(points))}, step {point.step}:"))
        body = point.data if isinstance(point.data, str) else str(point.data)
        for ln in text_lines(body, width, TEXT_LINES, style.ellipsis):
            if not style.unicode:
                ln = ln.encode(style.encoding, "backslashreplace").decode(style.encoding)
            lines.append(INDENT * 2 + ln)
    return lines


# --------------------------------------------------------------------------- hparams


class _HParamsRun:
    """A report's run as the hparams table reads it: hyperparameters, declared metrics, and
    every scalar tag's summary (its final value), whatever ``--filter`` kept."""

    def __init__(self, view: Any) -> None:
        self.hparams = view.run.hparams
        self.hparam_metrics = view.run.hparam_metrics
        self.scalars = view.every_scalar


def summary_hparams(views: list[Any], style: Any) -> list[str]:
    """The hparams table across all runs shown: hyperparameters and final metrics."""
    runs = {v.run.name: _HParamsRun(v) for v in views}
    table = hparams_table.build(runs)
    if not table.rows:
        return []
    lines = ["", style.paint(style.line("hparams"), "run")]
    for n, ln in enumerate(hparams_table.render_text(table)):
        ln = INDENT + ln
        if cell_width(ln) > style.width:
            ln = truncate(ln, style.width, style.ellipsis)
        if not style.unicode:
            ln = ln.encode(style.encoding, "backslashreplace").decode(style.encoding)
        lines.append(style.paint(ln, "head") if n == 0 else ln)
    return lines
