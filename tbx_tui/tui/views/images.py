"""The images view: one image tag of one run at a chosen step, every logged step reachable.

Drawn as truecolor half-blocks or ASCII in any terminal, and as sixel or kitty graphics when the
app was started with (or detected) one of those modes. Images are decoded lazily, on display,
through the bounded cache of :mod:`tbx_tui.view.imagecells`, and decoded, laid out and encoded
on a render thread: a big image never holds up a key press.
"""

from __future__ import annotations

from collections.abc import Sequence

from PIL import Image
from rich.console import Console
from rich.control import Control
from rich.segment import ControlType, Segment
from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.filter import ANSIToTruecolor, LineFilter
from textual.geometry import Region
from textual.strip import Strip

from tbx_tui.term import termgraphics
from tbx_tui.tui.render import FramedBody
from tbx_tui.tui.settings import settings_of
from tbx_tui.tui.views.entryview import SteppedView
from tbx_tui.tui.views.imagestrips import Picture, picture
from tbx_tui.view import imagecells

#: Assumed pixel size of a terminal cell when sizing sixel images.
CELL_PX = (10, 20)
_NULL = Style()


def text_strips(text: Text, console: Console) -> list[Strip]:
    return [
        Strip(line.render(console, end=""), line.cell_len)
        for line in text.split("\n", allow_blank=True)
    ]


def draw_cells(
    info, width: int, height: int, mode: str, color: bool, style: Style, console: Console
) -> Picture:
    """The image of ``info`` as cells of ``mode`` fitting ``width`` x ``height`` (decoded through
    the bounded cache), as strips of ``width`` cells in ``style``; runs on a render thread."""
    cells = imagecells.to_cells(imagecells.load_image(info), width, height, mode)
    return picture(cells, color, style, width, console)


class ImageBody(FramedBody):
    """The selected image as cells (half-blocks or ASCII), decoded and laid out on a render
    thread, down to the strips painted; the previous image stays until the new one is ready."""

    DEFAULT_CSS = "ImageBody { height: 1fr; padding: 0 1; }"

    def __init__(self, view: ImageView, **kwargs) -> None:
        super().__init__(**kwargs)
        self.view = view
        #: (what is shown, width, its lines cut to the width in its style): painted as they are
        self._styled: tuple = ((None,), 0, [])

    def render(self) -> Text:
        """What the body shows (the note, then the picture or why there is none)."""
        return Text("\n").join(p if isinstance(p, Text) else p.text for p in self._parts())

    def _parts(self) -> list[Text | Picture]:
        """The note (if any), then the picture (asked of the render thread when it is not the
        one drawn) or a line saying why there is none."""
        info = self.view.image_info()
        width, height = self.content_size.width, self.content_size.height
        note = self.view.note()
        if note and self.view.current is not None:
            height -= 1  # the note goes on the first line, the image under it
        if info is None or width < 1 or height < 1:
            return [Text(note, style="dim")]
        mode, color = self.view.cell_mode, settings_of(self.app).color
        console, style = self.app.console, self.rich_style
        key = (info, width, height, mode, color, style)
        frame = self.frames.get(
            key, lambda: draw_cells(info, width, height, mode, color, style, console)
        )
        parts: list[Text | Picture] = []
        if note:
            parts.append(Text(note, style="yellow"))
        if frame is None:
            parts.append(Text("decoding…", style="dim"))
        elif isinstance(frame, Exception):  # a damaged image must not break the view
            parts.append(Text(f"cannot decode this image: {frame}", style="dim"))
        else:
            parts.append(frame)
        return parts

    @staticmethod
    def _shown_key(parts: list[Text | Picture]) -> tuple:
        return tuple(part.plain if isinstance(part, Text) else id(part) for part in parts)

    def request(self) -> None:
        """Ask for the picture of what the view shows now; repaint only when what the body shows
        changes at once (a note, "decoding…"): the previous picture stays on screen, unpainted,
        until the new one comes (a key then repaints the view's header, not a whole photo)."""
        if self._shown_key(self._parts()) != self._styled[0][:-1]:
            self.refresh()

    def get_line_filters(self) -> Sequence[LineFilter]:
        """Textual's filters but its ANSI-to-truecolour one: a picture's colours are truecolour
        already, and that filter would look up each of a photo's thousands of styles on the UI
        thread at every repaint. The lines of text it does apply to are converted when styled,
        in :meth:`render_lines`."""
        return [f for f in super().get_line_filters() if not isinstance(f, ANSIToTruecolor)]

    def render_lines(self, crop: Region) -> list[Strip]:
        """Painting: the picture's strips as they are (made on the render thread)."""
        parts = self._parts()
        style, width = self.rich_style, self.content_size.width
        key = (*self._shown_key(parts), style)
        if self._styled[:2] != (key, width):
            shown: list[Strip] = []
            for part in parts:
                if isinstance(part, Text):
                    shown.extend(self._text_lines(part, style, width))
                else:  # (made for another width or style while the body's new one is drawn)
                    shown.extend(
                        s if s.cell_length == width else s.adjust_cell_length(width, style)
                        for s in part.strips
                    )
            self._styled = (key, width, shown)
        return super().render_lines(crop)

    def _text_lines(self, text: Text, style: Style, width: int) -> list[Strip]:
        lines = [
            s.adjust_cell_length(width).apply_style(style)
            for s in text_strips(text, self.app.console)
        ]
        background = self.background_colors[1]
        for line_filter in super().get_line_filters():
            if isinstance(line_filter, ANSIToTruecolor):
                lines = [line.apply_filter(line_filter, background) for line in lines]
        return lines

    def render_line(self, y: int) -> Strip:
        shown = self._styled[2]
        return shown[y] if y < len(shown) else Strip.blank(self.content_size.width, self.rich_style)


class GraphicsBody(FramedBody):
    """The selected image as sixel or kitty graphics, written where the widget is on screen.

    Every line of the widget is painted blank in its background first (a terminal drops the
    sixel pixels under cells written over, so this wipes the previous image and whatever the
    previous view left there), and the graphics sequence goes at the end of the last line drawn.
    The sequence is encoded on a render thread; the lines stay blank until it is ready.
    """

    DEFAULT_CSS = "GraphicsBody { height: 1fr; }"

    def __init__(
        self,
        view: ImageView,
        protocol: str,
        tmux: bool = False,
        sixel_limit: tuple[int, int] | None = None,
        **kwargs,
    ) -> None:
        super().__init__(**kwargs)
        self.view = view
        self.protocol = protocol
        self.tmux = tmux
        self.sixel_limit = sixel_limit

    def cell_size(self) -> tuple[int, int]:
        """Pixels per cell: the terminal's when it reports them, else :data:`CELL_PX`."""
        return termgraphics.cell_pixels() or CELL_PX

    def encode(self, info, cols: int, rows: int, cell: tuple[int, int] = CELL_PX) -> str:
        """The graphics sequence of the image ``info`` in ``cols`` x ``rows`` cells of ``cell``
        pixels ("" when nothing fits); runs on a render thread (reads no widget state)."""
        if info is None or cols <= 0 or rows <= 0:
            return ""
        img = imagecells.load_image(info)
        seq = ""
        if self.protocol == "sixel":
            w, h = termgraphics.sixel_size(img.size, cols, rows, cell, self.sixel_limit)
            if w and h:
                if (w, h) != img.size:  # pixels stay sharp squares when enlarged
                    up = w > img.width
                    how = Image.Resampling.NEAREST if up else Image.Resampling.LANCZOS
                    img = img.convert("RGB").resize((w, h), how)
                seq = termgraphics.sixel(img)
        else:
            cw, ch = imagecells.fit(img.width, img.height, cols, rows)
            png = termgraphics.png_bytes(img)
            seq = termgraphics.kitty_delete(1) + termgraphics.kitty(png, cw, ch, image_id=1)
        return termgraphics.tmux_wrap(seq) if seq and self.tmux else seq

    def render_lines(self, crop: Region) -> list[Strip]:
        width = self.size.width
        blank = Strip.blank(width, self.rich_style)
        if crop.height < 1:
            return []
        try:
            region = self.screen.find_widget(self).visible_region
        except Exception:
            return [blank] * crop.height
        info, cell = self.view.image_info(), self.cell_size()
        key = (info, region.width, region.height, cell, self.sixel_limit)
        frame = self.frames.get(key, lambda: self.encode(info, region.width, region.height, cell))
        if self.frames.key != key or not isinstance(frame, str) or not frame:
            return [blank] * crop.height  # nothing to draw, or not encoded yet
        # the last line: blank cells, then the image from the widget's top-left corner (drawn
        # after every blank line above it), then the cursor back to where the line ended
        segments = [
            *blank,
            Segment(Control.move_to(region.x, region.y).segment.text, _NULL),
            Segment(frame, _NULL, control=((ControlType.CURSOR_FORWARD, 0),)),
            Segment(Control.move_to(region.right, region.bottom).segment.text, _NULL),
        ]
        return [blank] * (crop.height - 1) + [Strip(segments, cell_length=width)]


class ImageView(SteppedView):
    KIND = "images"
    NOUN = "images"

    BINDINGS = [
        Binding("h,left", "step(-1)", "Prev step"),
        Binding("l,right", "step(1)", "Next step"),
        Binding("circumflex_accent", "step_at(0)", "First step", show=False),
        Binding("dollar_sign", "step_at(-1)", "Last step", show=False),
        Binding("n", "image(1)", "Next image"),
        Binding("N", "image(-1)", "Prev image", show=False),
    ]

    def __init__(self, state, mode: str | None = None, **kwargs) -> None:
        super().__init__(state, **kwargs)
        self._mode = mode
        self.image_index = 0

    @property
    def mode(self) -> str:
        """The image mode: given, else the app's ``images`` (auto means half-blocks here: the
        terminal is probed by the launcher before the app starts, never while it runs)."""
        mode = self._mode or settings_of(self.app).images
        return "halfblock" if mode == "auto" else mode

    @property
    def graphics_blocked(self) -> bool:
        """sixel/kitty asked for inside a tmux that does not pass them through."""
        blocked = settings_of(self.app).tmux_passthrough is False
        return blocked and self.mode in ("sixel", "kitty")

    @property
    def drawn_mode(self) -> str:
        """What the body draws: sixel, kitty, halfblock, ascii (asked for, or half-blocks
        without colour) or none."""
        mode = self.mode
        if mode in ("sixel", "kitty") and not self.graphics_blocked:
            return mode
        if mode == "none":
            return mode
        return "ascii" if mode == "ascii" or not settings_of(self.app).color else "halfblock"

    @property
    def cell_mode(self) -> str:
        return "ascii" if self.drawn_mode == "ascii" else "halfblock"

    def note(self) -> str:
        """Why the images look the way they do, when it is not what was asked for."""
        if self.mode == "none":
            return "images are off (--images none)"
        if self.graphics_blocked:
            return (
                f"{self.mode} needs tmux's passthrough (tmux set -g allow-passthrough on); "
                "drawing half-blocks"
            )
        return ""

    def compose_body(self) -> ComposeResult:
        mode = self.drawn_mode
        if mode in ("sixel", "kitty"):
            settings = settings_of(self.app)
            yield GraphicsBody(self, mode, tmux=settings.tmux, sixel_limit=settings.sixel_limit)
        else:
            yield ImageBody(self)

    def on_entry_changed(self) -> None:
        super().on_entry_changed()
        self.image_index = 0

    def image_info(self):
        if self.mode == "none":
            return None
        point = self.current_point()
        if point is None or not point.data:
            return None
        return point.data[min(self.image_index, len(point.data) - 1)]

    def header_extra(self) -> str:
        points = self.points()
        point = self.current_point()
        if point is None:
            return ""
        i = self.shown_index()
        info = self.image_info()
        k = len(point.data)
        text = f"step {point.step} ({i + 1}/{len(points)})"
        if k > 1:
            text += f" · image {min(self.image_index, k - 1) + 1}/{k}"
        if info is not None:
            text += f" · {info.width}x{info.height}"
        return text + f" · {self.drawn_mode}"

    def show(self) -> None:
        for body in self.query("ImageBody, GraphicsBody"):
            if isinstance(body, ImageBody):
                body.request()
            else:
                body.refresh()  # (the graphics are wiped at once: no stale picture left)

    def action_image(self, delta: int) -> None:
        point = self.current_point()
        if point is None or not point.data:
            return
        self.image_index = (min(self.image_index, len(point.data) - 1) + delta) % len(point.data)
        self.refresh_header()
        self.show()
