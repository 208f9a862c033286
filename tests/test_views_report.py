"""The report's histogram, image, text and hparams sections (``tbx-top LOGDIR --once``)."""

from __future__ import annotations

import argparse
import re

import pytest

from tbx_tui.headless import report, sections
from tbx_tui.term.textwidth import cell_width
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit

SGR = re.compile(r"\x1b\[[0-9;]*m")


def run_report(
    folder: str,
    images: str = "auto",
    width: int = 100,
    color: bool = False,
    encoding: str = "utf-8",
) -> str:
    args = argparse.Namespace(images=images, width=width, json=False)
    views = report.collect(f"{CORPUS}/{folder}")
    style = report.Style(width=width, color=color, encoding=encoding, options=args)
    return "\n".join(report.render_text(folder, views, style))


@pytest.mark.parametrize("folder", ["tbx/main", "torch/main", "tf/tf2", "tf/keras"])
def test_sections_on_corpus_fit_the_width(folder, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    for width in (40, 100):
        text = run_report(folder, width=width)
        for line in text.splitlines():
            assert cell_width(line) <= width, line
        assert "\x1b" not in text
    assert "█" in run_report(folder) or "▁" in run_report(folder)  # a waterfall


def test_images_ascii_halfblock_none(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    ascii_text = run_report("tbx/main", images="ascii")
    assert "sample/rand" in ascii_text and "@" in ascii_text
    auto_pipe = run_report("tbx/main", images="auto")  # uncoloured: ASCII, no half-blocks
    assert "▀" not in auto_pipe
    half = run_report("tbx/main", images="auto", color=True)
    assert "▀" in half and "\x1b[38;2;" in half and "48;2;" in half
    forced = run_report("tbx/main", images="halfblock")
    assert "▀" in forced and "\x1b[38;2;" in forced
    none = run_report("tbx/main", images="none")
    assert "sample/rand" in none and "▀" not in none
    latin = run_report("tbx/main", images="auto", color=True, encoding="latin-1")
    assert "▀" not in latin


def test_no_color_means_no_escape(monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    text = run_report("tbx/main", images="halfblock")
    assert "\x1b" not in text and "▀" not in text


def test_sixel_and_kitty_only_when_asked(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    sixel = run_report("tf/tf2", images="sixel")
    assert sixel.count("\x1bP0;1;0q") == 2  # two images in one event
    kitty = run_report("tf/tf2", images="kitty")
    assert "\x1b_Ga=T,f=100" in kitty
    assert "\x1bP" not in run_report("tf/tf2") and "\x1b_G" not in run_report("tf/tf2")


def test_text_and_hparams():
    text = run_report("tbx/main")
    assert "hello from tensorboardX **markdown**" in text
    assert re.search(r"^hparams$", text, re.M)
    assert re.search(r"^  run\s+.*hparam/acc", text, re.M)
    assert "adam" in text


def test_hostile_text_is_escaped():
    text = run_report("edge/names", color=True)
    plain = SGR.sub("", text)
    assert "\x1b" not in plain and "\x07" not in plain


def test_text_lines_cut_and_counted():
    body = "\n".join(f"line {i} \x1b]0;title\x07" for i in range(30))
    lines = sections.text_lines(body, 20, 5)
    assert len(lines) == 6 and lines[-1] == "(25 more lines)"
    assert all(cell_width(ln) <= 20 and "\x1b" not in ln for ln in lines[:5])


def test_cli_once_prints_sections(capsys):
    from tbx_tui.cli import main

    assert main([f"{CORPUS}/tf/keras", "--once", "--width", "80", "--images", "ascii"]) == 0
    out = capsys.readouterr().out
    assert "sequential/dense/kernel/histogram" in out and "steps" in out
    assert max(cell_width(line) for line in out.splitlines()) <= 80
