"""Making untrusted strings (tags, run names, text summaries, hparams) safe for any output.

Nothing read from a file may move the cursor, set a title, ring the bell, touch the clipboard or
reorder what is drawn: every C0 and C1 control character, DEL, bidi control (U+061C, U+200E/F,
U+202A-E, U+2066-9), line/paragraph separator and byte that is not UTF-8 is replaced by a
visible escape.

Two spellings:

- :func:`safe_text` is for people (the app, ``--once``): ESC is ``\\e``, BEL ``\\a``, other
  controls ``\\xNN``, bidi controls ``\\u202e``, a byte that is not UTF-8 (a folder name in
  Latin-1, say: Python hands it over as a surrogate, U+DC80-U+DCFF) ``\\xNN``.
- :func:`escape_name` is for data (``--export``): reversible by :func:`unescape_name`.
  A backslash is ``\\\\``, a C0 control or DEL ``\\xNN``, a byte that is not UTF-8 ``\\xNN``
  (NN from 80), a C1 control, bidi control or separator ``\\uNNNN``.
"""

from __future__ import annotations

import re

# Characters no output may carry raw (regex class bodies): C0, DEL, C1, bidi controls,
# line/paragraph separators, surrogates (a byte that was not UTF-8, or a lone half of a pair).
_OTHER = r"\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = r"\x00-\x1f" + _OTHER
_CONTROL = re.compile(f"[{_UNSAFE}]")
_CONTROL_KEEP_LINES = re.compile(rf"[\x00-\x08\x0b-\x1f{_OTHER}]")
_NAMES = {"\x1b": "\\e", "\x07": "\\a", "\r": "\\r", "\n": "\\n", "\t": "\\t", "\x08": "\\b"}
#: Python's spelling of an undecodable byte NN (os.fsdecode, surrogateescape): U+DC00 + NN.
_BYTE_BASE = 0xDC00


def _undecodable_byte(code: int) -> int | None:
    """The byte a surrogateescape character stands for, else None."""
    return code - _BYTE_BASE if 0xDC80 <= code <= 0xDCFF else None


def _shown(match: re.Match[str]) -> str:
    ch = match.group()
    named = _NAMES.get(ch)
    if named:
        return named
    code = ord(ch)
    byte = _undecodable_byte(code)
    if byte is not None:
        return f"\\x{byte:02x}"
    return f"\\x{code:02x}" if code < 0xA0 else f"\\u{code:04x}"


def safe_text(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every unsafe character shown as a visible escape such as ``\\e``.

    With ``keep_newlines`` newlines and tabs stay (for multi-line text summaries).
    """
    pattern = _CONTROL_KEEP_LINES if keep_newlines else _CONTROL
    return pattern.sub(_shown, text)


_NAME_UNSAFE = re.compile(rf"[\\{_UNSAFE}]")


def _escaped(match: re.Match[str]) -> str:
    ch = match.group()
    if ch == "\\":
        return "\\\\"
    code = ord(ch)
    byte = _undecodable_byte(code)
    if byte is not None:
        return f"\\x{byte:02x}"
    return f"\\x{code:02x}" if code < 0x80 else f"\\u{code:04x}"


def escape_name(text: str) -> str:
    """``text`` (a run name, a tag) with nothing unsafe left, reversibly (see the module)."""
    return _NAME_UNSAFE.sub(_escaped, text)


_ESCAPE = re.compile(r"\\(\\|x[0-9a-f]{2}|u[0-9a-f]{4})")


def _unescaped(match: re.Match[str]) -> str:
    body = match.group(1)
    if body == "\\":
        return "\\"
    code = int(body[1:], 16)
    if body[0] == "x" and code >= 0x80:
        return chr(_BYTE_BASE + code)
    return chr(code)


def unescape_name(text: str) -> str:
    """The exact string :func:`escape_name` was given (``os.fsencode`` of it gives a folder
    name's bytes, UTF-8 or not)."""
    return _ESCAPE.sub(_unescaped, text)


_SURROGATE = re.compile(r"[\ud800-\udfff]")


def _surrogate_shown(match: re.Match[str]) -> str:
    code = ord(match.group())
    byte = _undecodable_byte(code)
    return f"\\x{byte:02x}" if byte is not None else f"\\u{code:04x}"


def valid_unicode(text: str) -> str:
    """``text`` with only its surrogates escaped (a byte that was not UTF-8 as ``\\xNN``): for
    JSON written ASCII-only, whose own escapes take care of every other character."""
    return _SURROGATE.sub(_surrogate_shown, text)
