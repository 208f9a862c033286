"""Making untrusted strings (tags, run names, text summaries, hparams) safe for a terminal.

Nothing read from a file may move the cursor, set a title, ring the bell or touch the clipboard:
every C0 and C1 control character and DEL is replaced by a visible escape.
"""

from __future__ import annotations

import re

# C0 controls, DEL, C1 controls. Tab and newline are handled by the caller's choice.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_CONTROL_KEEP_LINES = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NAMES = {"\x1b": "\\e", "\x07": "\\a", "\r": "\\r", "\n": "\\n", "\t": "\\t", "\x08": "\\b"}


def _escape(match: re.Match[str]) -> str:
    ch = match.group()
    return _NAMES.get(ch) or f"\\x{ord(ch):02x}"


def safe_text(text: str, keep_newlines: bool = False) -> str:
    """``text`` with every control character shown as a visible escape such as ``\\e``.

    With ``keep_newlines`` newlines and tabs stay (for multi-line text summaries).
    """
    pattern = _CONTROL_KEEP_LINES if keep_newlines else _CONTROL
    return pattern.sub(_escape, text)
