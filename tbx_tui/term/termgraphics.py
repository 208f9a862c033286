"""Terminal graphics: sixel and kitty graphics protocol encoders, tmux passthrough, and detection
of what the terminal can draw (sixel, kitty, half-blocks or ASCII) before the app starts.

The encoders return strings of escape sequences; nothing here writes to the terminal except
:func:`query_device_attributes`, which asks the terminal (only when stdin and stdout are TTYs).
"""

from __future__ import annotations

import base64
import io
import os
import re
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PIL import Image

ESC = "\x1b"
ST = ESC + "\\"
MODES = ("sixel", "kitty", "halfblock", "ascii", "none")

# ---------------------------------------------------------------------------------------------
# Sixel (the encoder is in :mod:`tbx_tui.term.sixel`, loaded with numpy and PIL when first used)


def sixel(img: Image.Image, colors: int = 256) -> str:
    """Encode ``img`` as one sixel image (DCS ``q`` ... ST), palette of at most ``colors``."""
    from tbx_tui.term.sixel import sixel as encode

    return encode(img, colors)


# ---------------------------------------------------------------------------------------------
# Kitty graphics protocol


def png_bytes(img: Image.Image) -> bytes:
    buf = io.BytesIO()
    img.save(buf, format="PNG", compress_level=1)
    return buf.getvalue()


def kitty(
    png: bytes,
    cols: int | None = None,
    rows: int | None = None,
    image_id: int | None = None,
    chunk: int = 4096,
) -> str:
    """Transmit and display PNG bytes with the kitty graphics protocol (``a=T, f=100``), in base64
    chunks of ``chunk`` bytes, scaled to ``cols`` x ``rows`` cells if given; no replies."""
    data = base64.standard_b64encode(png).decode("ascii")
    keys = ["a=T", "f=100", "q=2"]
    if cols:
        keys.append(f"c={cols}")
    if rows:
        keys.append(f"r={rows}")
    if image_id is not None:
        keys.append(f"i={image_id}")
    pieces = [data[i : i + chunk] for i in range(0, len(data), chunk)] or [""]
    out = []
    for n, piece in enumerate(pieces):
        more = 1 if n < len(pieces) - 1 else 0
        head = ",".join(keys) + f",m={more}" if n == 0 else f"m={more}"
        out.append(f"{ESC}_G{head};{piece}{ST}")
    return "".join(out)


def kitty_delete(image_id: int | None = None) -> str:
    """Delete one kitty image (by id) or all visible ones."""
    what = f"d=I,i={image_id}" if image_id is not None else "d=A"
    return f"{ESC}_Ga=d,{what},q=2{ST}"


def tmux_wrap(seq: str) -> str:
    """Wrap an escape sequence for tmux's passthrough (needs ``set -g allow-passthrough on``)."""
    return f"{ESC}Ptmux;" + seq.replace(ESC, ESC + ESC) + ST


# ---------------------------------------------------------------------------------------------
# Detection


@dataclass(frozen=True)
class Capability:
    mode: str  # one of MODES except "none"
    tmux: bool
    reason: str


_KITTY_PROGRAMS = {"WezTerm", "ghostty"}
_SIXEL_PROGRAMS = {"iTerm.app", "mlterm", "WezTerm", "contour", "foot", "rio", "konsole"}
_SIXEL_TERMS = ("foot", "mlterm", "yaft", "contour", "xterm-sixel", "mintty")


def utf8_ok(encoding: str | None) -> bool:
    return encoding is not None and encoding.lower().replace("-", "").replace("_", "") in (
        "utf8",
        "utf8sig",
    )


def detect(
    env: Mapping[str, str] | None = None,
    encoding: str | None = None,
    da1: str | None = None,
) -> Capability:
    """What the terminal described by ``env`` can draw. ``da1`` is the terminal's reply to a
    primary device attributes query (``ESC [ c``) if one was made: attribute 4 means sixel."""
    env = os.environ if env is None else env
    term = env.get("TERM", "")
    program = env.get("TERM_PROGRAM", "")
    in_tmux = bool(env.get("TMUX")) or term.startswith(("tmux", "screen"))
    text_mode = "halfblock" if utf8_ok(encoding if encoding is not None else "utf-8") else "ascii"
    if term == "dumb":
        return Capability("ascii", in_tmux, "TERM=dumb")
    if env.get("KITTY_WINDOW_ID") or term == "xterm-kitty" or program in _KITTY_PROGRAMS:
        return Capability("kitty", in_tmux, "kitty graphics (KITTY_WINDOW_ID/TERM/TERM_PROGRAM)")
    if da1 is not None:
        params = da1.strip().lstrip(ESC).lstrip("[?").rstrip("c").split(";")
        if "4" in params[1:]:
            return Capability("sixel", in_tmux, "device attributes report sixel")
    if program in _SIXEL_PROGRAMS or any(term.startswith(t) for t in _SIXEL_TERMS):
        return Capability("sixel", in_tmux, f"sixel terminal ({program or term})")
    return Capability(text_mode, in_tmux, "no graphics protocol detected")


def tmux_passthrough(env: Mapping[str, str] | None = None) -> bool | None:
    """Whether the tmux we run in passes graphics sequences through to the terminal (its
    ``allow-passthrough`` option, off by default since tmux 3.3; older tmux always passes them);
    None outside tmux or when tmux does not answer."""
    env = os.environ if env is None else env
    if not env.get("TMUX"):
        return None
    target = ["-t", env["TMUX_PANE"]] if env.get("TMUX_PANE") else []
    try:
        out = subprocess.run(
            ["tmux", "display-message", "-p", *target, "#{allow-passthrough}"],
            capture_output=True,
            text=True,
            timeout=2,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.strip() not in ("0", "off")  # "" is a tmux without the option


#: What was typed before the terminal's answers came (keys share the input with them): read
#: while asking, so kept here for the app to take as typed keys (see :func:`take_typed_ahead`).
_typed_ahead: list[str] = []
#: The answers the queries here get (DA1 ``CSI ? ... c``, XTSMGRAPHICS ``CSI ? 2 ; ... S``).
_ANSWER = re.compile(r"\x1b\[\?[0-9;]*[cS]")


def take_typed_ahead() -> str:
    """What the user typed before the app started that asking the terminal read (``q`` or
    ``/loss`` typed as soon as the command was entered); it is handed over once."""
    typed = "".join(_typed_ahead)
    _typed_ahead.clear()
    return typed


def _ask(query: str, timeout: float = 0.15) -> str | None:
    """Write ``query`` followed by a primary device attributes request and return everything the
    terminal answers up to the end of that DA1 reply (every terminal answers DA1, so a query it
    ignores costs no timeout), or None when stdin/stdout is not a TTY or nothing answers within
    ``timeout`` seconds (POSIX only). Keys typed meanwhile go to :func:`take_typed_ahead`."""
    try:
        import select
        import termios
        import tty
    except ImportError:  # pragma: no cover - Windows
        return None
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        return None
    fd = sys.stdin.fileno()
    try:
        old = termios.tcgetattr(fd)
    except termios.error:
        return None
    reply = b""
    try:
        tty.setcbreak(fd, termios.TCSANOW)
        sys.stdout.write(f"{query}{ESC}[c")
        sys.stdout.flush()
        while not _DA1_END.search(reply) and len(reply) < 512:
            ready, _, _ = select.select([fd], [], [], timeout)
            if not ready:
                break
            reply += os.read(fd, 64)
    finally:
        termios.tcsetattr(fd, termios.TCSANOW, old)
    text = reply.decode("utf-8", "replace")
    _typed_ahead.append(_ANSWER.sub("", text))
    return text if _DA1_END.search(reply) else None


_DA1_END = re.compile(rb"\x1b\[\?[0-9;]*c$")


def query_device_attributes(timeout: float = 0.15) -> str | None:
    """Ask the terminal for its primary device attributes and return the reply, or None when
    stdin/stdout is not a TTY or nothing answers within ``timeout`` seconds (POSIX only)."""
    reply = _ask("", timeout)
    return reply[reply.rfind(ESC) :] if reply else None


def parse_sixel_geometry(reply: str | None) -> tuple[int, int] | None:
    """The largest sixel image (width, height in pixels) from a terminal's reply to the
    XTSMGRAPHICS query ``CSI ? 2 ; 1 ; 0 S`` (``CSI ? 2 ; 0 ; W ; H S``); None without one."""
    m = re.search(r"\x1b\[\?2;0;(\d+);(\d+)S", reply or "")
    if not m or not int(m[1]) or not int(m[2]):
        return None
    return int(m[1]), int(m[2])


def query_sixel_geometry(timeout: float = 0.15) -> tuple[int, int] | None:
    """Ask the terminal (XTSMGRAPHICS) for the largest sixel image it will draw: xterm silently
    drops a sixel image larger than its ``maxGraphicSize`` (1000x1000 by default) or its window."""
    return parse_sixel_geometry(_ask(f"{ESC}[?2;1;0S", timeout))


def cell_pixels(fd: int | None = None) -> tuple[int, int] | None:
    """The size in pixels (width, height) of one terminal cell from the tty's window size
    (``TIOCGWINSZ``, which xterm, foot, kitty, WezTerm and others fill in), or None when ``fd``
    (default: the real stdout) is no terminal or reports no pixel size."""
    try:
        import fcntl
        import struct
        import termios
    except ImportError:  # pragma: no cover - Windows
        return None
    try:
        if fd is None:
            if sys.__stdout__ is None:
                return None
            fd = sys.__stdout__.fileno()
        raw = fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
    except (AttributeError, OSError, ValueError):
        return None
    rows, cols, xpix, ypix = struct.unpack("HHHH", raw)
    if not (rows and cols and xpix >= cols and ypix >= rows):
        return None
    return xpix // cols, ypix // rows


def sixel_size(
    image: tuple[int, int],
    cols: int,
    rows: int,
    cell: tuple[int, int],
    limit: tuple[int, int] | None = None,
) -> tuple[int, int]:
    """The pixel size to draw an ``image`` (width, height) at in ``cols`` x ``rows`` cells of
    ``cell`` pixels: as large as fits, aspect kept, within ``limit`` (the terminal's largest sixel
    image), in a box whose height is a whole number of six-pixel sixel bands so that the last band
    stays inside the last row (a band past it would make the terminal scroll the screen)."""
    box_w, box_h = cols * cell[0], rows * cell[1]
    if limit is not None:
        box_w, box_h = min(box_w, limit[0]), min(box_h, limit[1])
    box_h -= box_h % 6
    iw, ih = image
    if box_w < 1 or box_h < 1 or iw < 1 or ih < 1:
        return 0, 0
    scale = min(box_w / iw, box_h / ih)
    w = max(1, min(box_w, int(iw * scale)))
    h = max(1, min(box_h, int(ih * scale)))
    return w, h


def resolve(
    requested: str,
    *,
    interactive: bool,
    env: Mapping[str, str] | None = None,
    encoding: str | None = None,
    probe: bool = True,
) -> str:
    """The image mode to use for ``--images requested``. ``auto`` in the app (``interactive``)
    detects the terminal (asking it only when ``probe``); headless ``auto`` is half-blocks on UTF-8
    output and ASCII otherwise. Explicit modes are returned as they are."""
    if requested != "auto":
        return requested
    if not interactive:
        return "halfblock" if utf8_ok(encoding) else "ascii"
    if encoding is None:
        encoding = getattr(sys.stdout, "encoding", None)
    da1 = query_device_attributes() if probe else None
    return detect(env, encoding, da1).mode
