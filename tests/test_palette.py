"""Run colours: from the name, stable across processes, 3:1 contrast on dark and light themes."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys

import pytest

from tbx_tui.view import palette

pytestmark = pytest.mark.unit


def test_palette_has_16_distinct_colours():
    assert len(palette.PALETTE) >= 16
    assert len(set(palette.PALETTE)) == len(palette.PALETTE)


@pytest.mark.parametrize("background", sorted(palette.BACKGROUNDS))
def test_every_colour_keeps_3_to_1_contrast(background):
    bg = palette.BACKGROUNDS[background]
    for rgb in palette.PALETTE:
        assert palette.contrast(rgb, bg) >= 3.0, (rgb, background)


def test_contrast_matches_wcag_reference_values():
    assert palette.contrast((0, 0, 0), (255, 255, 255)) == pytest.approx(21.0)
    assert palette.contrast((119, 119, 119), (255, 255, 255)) == pytest.approx(4.48, abs=0.01)
    assert palette.relative_luminance((255, 0, 0)) == pytest.approx(0.2126)


def test_backgrounds_are_textuals_theme_backgrounds():
    from textual.theme import BUILTIN_THEMES

    def rgb(theme: str, name: str) -> tuple[int, int, int]:
        colour = BUILTIN_THEMES[theme].to_color_system().generate()[name]
        return tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))  # type: ignore[return-value]

    assert palette.BACKGROUNDS["dark background"] == rgb("textual-dark", "background")
    assert palette.BACKGROUNDS["dark surface"] == rgb("textual-dark", "surface")
    assert palette.BACKGROUNDS["light background"] == rgb("textual-light", "background")
    assert palette.BACKGROUNDS["light surface"] == rgb("textual-light", "surface")


def test_colour_comes_from_the_name_in_any_process():
    names = ["main", "main/lr/group0", "runs/exp-1", "seed=3", "ünïcode"]
    script = (
        "import json,sys; from tbx_tui.view import palette; "
        "print(json.dumps([palette.color_of(n) for n in json.loads(sys.argv[1])]))"
    )
    seen = []
    for seed in ("1", "12345"):  # Python's own hash() would differ between these
        env = {**os.environ, "PYTHONHASHSEED": seed}
        out = subprocess.run(
            [sys.executable, "-c", script, json.dumps(names)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        seen.append([tuple(c) for c in json.loads(out.stdout)])
    assert seen[0] == seen[1] == [palette.color_of(n) for n in names]


def test_runs_drawn_together_never_share_a_colour_up_to_16():
    names = [f"run{i}" for i in range(16)]
    colours = palette.assign(names)
    assert len(set(colours.values())) == 16
    # a collision is resolved the same way whatever order the runs come in
    assert palette.assign(reversed(names)) == colours
    for a, b in itertools.combinations(names[:5], 2):
        assert colours[a] != colours[b]
    # a run with no rival keeps the colour of its name
    assert palette.assign(["alone"]) == {"alone": palette.color_of("alone")}


def test_runs_in_different_cards_may_share_colours_runs_in_one_never():
    names = [f"run{i}" for i in range(24)]
    # 24 runs (more than the palette), 8 in a card, cards overlapping
    cards = [names[:8], names[8:16], names[16:], names[4:12], names[12:20]]
    colours = palette.assign(names, cards)
    for card in cards:
        assert len({colours[n] for n in card}) == len(card)
    assert len(set(colours.values())) <= len(palette.PALETTE)


def test_runs_drawn_together_avoid_neighbouring_hues_while_there_is_room():
    assert sorted(palette.WHEEL) == list(range(len(palette.PALETTE)))
    for names in (["train/lr-1e-3", "train/lr-3e-4"], [f"run{i}" for i in range(5)]):
        colours = palette.assign(names)
        positions = [palette.WHEEL[palette.PALETTE.index(c)] for c in colours.values()]
        for a, b in itertools.combinations(positions, 2):
            assert min(abs(a - b), 16 - abs(a - b)) >= 2
