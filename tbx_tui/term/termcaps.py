"""What the terminal can show, decided once at start-up: its character set and the run markers.

The app and ``--once`` share :func:`ascii_only`: a terminal is UTF-8 unless the effective
locale (``LC_ALL`` > ``LC_CTYPE`` > ``LANG``) or the output's encoding says otherwise. Python
switches itself to UTF-8 in the C/POSIX locale (PEP 538/540), which must not hide that the
terminal was declared ASCII. :class:`Glyphs` holds the app's own symbols in both sets, and
:data:`RUN_MARKERS` the characters that tell runs apart where colour can't (``NO_COLOR``).
"""

from __future__ import annotations

import functools
import os
import re
import sys
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

from tbx_tui.term.textwidth import char_width

#: One per run, in sidebar order (they repeat after the last): ASCII, distinct at a glance.
RUN_MARKERS = "*+ox#@%&"

_LOCALE_VARS = ("LC_ALL", "LC_CTYPE", "LANG")
_COERCED_CTYPE = ("C.UTF-8", "C.utf8", "UTF-8")  # what PEP 538 writes into LC_CTYPE


def utf8_name(name: str | None) -> bool:
    """Whether an encoding (``utf-8``, ``UTF8``) or a locale name (``en_US.UTF-8@euro``, macOS'
    bare ``UTF-8``) means UTF-8."""
    if not name:
        return False
    codeset = name.split("@", 1)[0].rsplit(".", 1)[-1]
    return codeset.lower().replace("-", "").replace("_", "") in ("utf8", "utf8sig")


def python_forced_utf8() -> bool:
    """Whether Python writes UTF-8 only because the locale is C/POSIX (PEP 538/540), not because
    the user asked (``PYTHONUTF8``, ``-X utf8``, ``PYTHONIOENCODING`` are the user's choice)."""
    if not sys.flags.utf8_mode or "utf8" in sys._xoptions:
        return False
    return not (os.environ.get("PYTHONUTF8") or os.environ.get("PYTHONIOENCODING"))


def effective_locale(env: Mapping[str, str], coerced: bool = False) -> str | None:
    """The locale that decides the character set: the first of LC_ALL, LC_CTYPE, LANG that is
    set and not empty (LC_CTYPE is skipped when ``coerced``: Python wrote it, not the user)."""
    for var in _LOCALE_VARS:
        value = env.get(var)
        if var == "LC_CTYPE" and coerced and value in _COERCED_CTYPE:
            continue
        if value:
            return value
    return None


def ascii_only(
    env: Mapping[str, str] | None = None,
    encoding: str | None = None,
    coerced: bool | None = None,
) -> bool:
    """Whether only ASCII may be drawn. ``encoding`` is the output's (default: stdout's);
    ``coerced`` whether Python chose UTF-8 because of a C/POSIX locale (default: asks Python).

    An output encoding that is not UTF-8 means ASCII. Otherwise, when Python chose UTF-8 on its
    own, the locale variables decide: a UTF-8 locale name (even one this system lacks, which
    also makes Python fall back) keeps Unicode; C, POSIX, none set or any other charset is ASCII.
    """
    env = os.environ if env is None else env
    if encoding is None:
        encoding = getattr(sys.stdout, "encoding", None) or "utf-8"
    if coerced is None:
        coerced = python_forced_utf8()
    if not utf8_name(encoding):
        return True
    if not coerced:
        return False
    return not utf8_name(effective_locale(env, coerced=True))


@dataclass(frozen=True)
class Glyphs:
    """The app's own symbols (data text is the data's; see :mod:`tbx_tui.tui.asciifilter`)."""

    bullet: str  # a run's dot, where colour tells runs apart
    hidden: str  # a hidden run
    warn: str  # damaged records
    ellipsis: str
    up: str  # sort order
    down: str
    collapsed: str  # tree folders
    expanded: str


UNICODE = Glyphs("●", "○", "⚠", "…", "▲", "▼", "▶ ", "▼ ")
ASCII = Glyphs("*", "-", "!", "...", "^", "v", "+ ", "- ")


def glyphs(ascii: bool) -> Glyphs:
    return ASCII if ascii else UNICODE


def run_marker(index: int) -> str:
    """The marker of the ``index``-th run (in sidebar order)."""
    return RUN_MARKERS[index % len(RUN_MARKERS)]


# --------------------------------------------------------------------------- ASCII fallback

_NAMED = {
    "●": "*", "•": "*", "○": "o", "◦": "o", "◆": "*", "◇": "o", "■": "#", "□": "o",
    "⚠": "!", "·": "|", "▶": ">", "▸": ">", "►": ">", "◀": "<", "◂": "<", "▼": "v", "▾": "v",
    "▲": "^", "▴": "^", "←": "<", "→": ">", "↑": "^", "↓": "v", "—": "-", "–": "-", "‐": "-",
    "‘": "'", "’": "'", "“": '"', "”": '"', "×": "x", "✓": "v", "✔": "v", "✗": "x", "✘": "x",
    "\u00a0": " ",
}  # fmt: skip
_ELLIPSIS = re.compile("[ -~]{0,2}\u2026")


def _box(ch: str) -> str:
    name = unicodedata.name(ch, "")
    if "DIAGONAL" in name:
        return "X" if "CROSS" in name else ("/" if "UPPER RIGHT" in name else "\\")
    words = set(name.split())
    across = bool(words & {"HORIZONTAL", "LEFT", "RIGHT"})
    down = bool(words & {"VERTICAL", "UP", "DOWN"})
    if across and not down:
        return "-"
    if down and not across:
        return "|"
    return "+"


@functools.lru_cache(maxsize=4096)
def ascii_char(ch: str) -> str:
    """``ch`` as ASCII text of the same cell width: box drawing as ``- | +``, braille as ``.``,
    block elements as blanks (``#`` for full and shaded ones), known symbols by likeness, the
    rest as ``?`` per cell (nothing for zero-width characters)."""
    if ch.isascii():
        return ch
    if ch in _NAMED:
        return _NAMED[ch]
    code = ord(ch)
    if 0x2500 <= code <= 0x257F:
        return _box(ch)
    if 0x2580 <= code <= 0x259F:
        return "#" if ch in "█▓▒░" else " "
    if 0x2800 <= code <= 0x28FF:
        return " " if code == 0x2800 else "."
    return "?" * char_width(ch)


def to_ascii(text: str) -> str:
    """``text`` in ASCII, each character replaced by one as wide (see :func:`ascii_char`); an
    ellipsis takes the two ASCII characters before it: ``abcdef…`` becomes ``abcd...``."""
    if text.isascii():
        return text
    text = _ELLIPSIS.sub(lambda m: "." * len(m.group()), text)
    return "".join(ascii_char(ch) for ch in text)


_KEY_WORDS = {"⏎": "enter", "␣": "space", "⇥": "tab", "⌫": "bksp", "⎋": "esc"}
_KEY_WORDS.update({"↑": "up", "↓": "down", "←": "left", "→": "right"})


def to_ascii_key(shown: str) -> str:
    """A key as Textual displays it (``⏎``, ``↑``), in ASCII words (``enter``, ``up``)."""
    for symbol, word in _KEY_WORDS.items():
        shown = shown.replace(symbol, word)
    return to_ascii(shown)
