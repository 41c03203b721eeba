"""fpdf2 plumbing shared by the notice and the receipt.

All text goes through :meth:`DocPDF.clean` and the plain ``cell``/``multi_cell`` calls:
fpdf2 interprets nothing in them (no HTML, no markdown, no links), so text typed by
payers or staff is printed literally. ``write_html`` is never used here.
"""

from __future__ import annotations

import io
import unicodedata
from collections.abc import Sequence
from pathlib import Path

import segno
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from PIL import Image

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "TitilliumWeb"
FONT_SEMIBOLD = "TitilliumWebSemiBold"
FONT_MONO = "RobotoMono"  # figures: the codes on the avviso, as its guide asks

# Colours (RGB): dark text, pagoPA-like blue for headings, light fill for bands.
INK = (23, 50, 77)
BLUE = (0, 102, 204)
GREY = (92, 111, 130)
FILL = (235, 241, 247)
RULE = (200, 210, 220)

MAX_LOGO_PIXELS = 4000 * 4000

Matrix = Sequence[Sequence[bool]]


class DocPDF(FPDF):
    """A4 portrait in millimetres, Titillium Web embedded, Italian language, page numbers."""

    def __init__(self, *, title: str, author: str, subject: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.add_font(FONT, "", FONT_DIR / "TitilliumWeb-Regular.ttf")
        self.add_font(FONT, "B", FONT_DIR / "TitilliumWeb-Bold.ttf")
        self.add_font(FONT_SEMIBOLD, "", FONT_DIR / "TitilliumWeb-SemiBold.ttf")
        self.add_font(FONT_MONO, "", FONT_DIR / "RobotoMono-Medium.ttf")
        self.set_lang("it")
        self.set_title(self.clean(title))
        self.set_author(self.clean(author))
        self.set_subject(self.clean(subject))
        self.set_creator("Sportello")
        self.set_margins(12, 12, 12)
        # Layouts place everything explicitly and add pages themselves (see ensure_room).
        self.set_auto_page_break(False)
        self.alias_nb_pages()
        self.set_text_color(*INK)

    # -- text -----------------------------------------------------------------

    def font(self, size: float, weight: str = "regular", color: tuple[int, int, int] = INK) -> None:
        """Select Titillium in one of three weights (regular, semibold, bold) or, for
        figures, Roboto Mono ("mono")."""
        if weight == "mono":
            self.set_font(FONT_MONO, "", size)
        elif weight == "semibold":
            self.set_font(FONT_SEMIBOLD, "", size)
        else:
            self.set_font(FONT, "B" if weight == "bold" else "", size)
        self.set_text_color(*color)

    def clean(self, text: object) -> str:
        """One line of printable text: controls become spaces, glyphs the font lacks become '?'.

        fpdf2 would otherwise drop missing glyphs silently, changing names without a trace.
        """
        value = unicodedata.normalize("NFC", str(text))
        out = []
        for ch in value:
            if ch in "\r\n\t" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
                out.append(" ")
            else:
                out.append(ch)
        value = " ".join("".join(out).split())
        cmap = self._cmap()
        if cmap is not None:
            value = "".join(ch if ord(ch) in cmap or ch == " " else "?" for ch in value)
        return value

    def _cmap(self) -> dict[int, int] | None:
        font = self.current_font
        return getattr(font, "cmap", None) if font is not None else None

    def fit(self, text: object, width: float) -> str:
        """Cut a single line with an ellipsis so it stays within ``width`` mm."""
        value = self.clean(text)
        if self.get_string_width(value) <= width:
            return value
        return self._ellipsize(value, width)

    def _ellipsize(self, value: str, width: float) -> str:
        while value and self.get_string_width(value.rstrip() + "…") > width:
            value = value[:-1]
        return value.rstrip() + "…"

    def lines(self, text: object, width: float, max_lines: int) -> list[str]:
        """Wrap to ``width`` mm; beyond ``max_lines`` the last line ends with an ellipsis."""
        value = self.clean(text)
        if not value:
            return []
        wrapped = self.multi_cell(
            width, 4, value, dry_run=True, output=MethodReturnValue.LINES, align="L"
        )
        if len(wrapped) <= max_lines:
            return list(wrapped)
        kept = list(wrapped[:max_lines])
        kept[-1] = self._ellipsize(kept[-1], width)
        return kept

    def fitted(self, text: object, width: float, size: float, *, weight: str = "regular",
               max_lines: int = 2, min_size: float = 7) -> tuple[float, list[str]]:
        """Font size and lines that show all of ``text`` in ``width`` mm: the size shrinks
        (by half points, down to ``min_size``) until the text fits in ``max_lines``; if it
        still does not, it takes more lines. Nothing is ever cut (names must stay whole).
        Leaves the font selected at the returned size."""
        value = self.clean(text)
        current = size
        while True:
            self.font(current, weight)
            wrapped = self.multi_cell(width, 4, value, dry_run=True,
                                      output=MethodReturnValue.LINES, align="L") if value else []
            if len(wrapped) <= max_lines or current - 0.5 < min_size:
                return current, list(wrapped)
            current -= 0.5

    def fit_block(self, x: float, y: float, width: float, text: object, size: float, *,
                  weight: str = "regular", color: tuple[int, int, int] = INK,
                  max_lines: int = 2, min_size: float = 7) -> float:
        """Write ``text`` whole (see :meth:`fitted`); return the y below it."""
        current, lines = self.fitted(text, width, size, weight=weight, max_lines=max_lines,
                                     min_size=min_size)
        self.font(current, weight, color)
        line_h = current * 0.42
        for line in lines:
            self.set_xy(x, y)
            self.cell(width, line_h, line, new_x=XPos.RIGHT, new_y=YPos.TOP)
            y += line_h
        return y

    def fit_height(self, text: object, width: float, size: float, *, weight: str = "regular",
                   max_lines: int = 2, min_size: float = 7) -> float:
        """Height :meth:`fit_block` would take, without drawing."""
        current, lines = self.fitted(text, width, size, weight=weight, max_lines=max_lines,
                                     min_size=min_size)
        return current * 0.42 * len(lines)

    def text_at(self, x: float, y: float, width: float, height: float, text: object,
                align: str = "L") -> None:
        """Write one line (cut to width) at an absolute position."""
        self.set_xy(x, y)
        self.cell(width, height, self.fit(text, width), align=align,
                  new_x=XPos.RIGHT, new_y=YPos.TOP)

    def block_at(self, x: float, y: float, width: float, line_h: float, text: object,
                 max_lines: int) -> float:
        """Write wrapped lines at an absolute position; return the y below them."""
        for line in self.lines(text, width, max_lines):
            self.text_at(x, y, width, line_h, line)
            y += line_h
        return y

    def label_value(self, x: float, y: float, width: float, label: str, value: object,
                    *, size: float = 9, value_weight: str = "semibold",
                    max_lines: int = 1, whole: bool = False) -> float:
        """Small grey label above a value; return the y below the value.

        ``whole``: the value is shrunk and wrapped but never cut (names, see :meth:`fitted`).
        """
        self.font(7, "regular", GREY)
        self.text_at(x, y, width, 3.6, label)
        if whole:
            return self.fit_block(x, y + 3.6, width, value, size, weight=value_weight,
                                  max_lines=max_lines, min_size=min(size, 6.5))
        self.font(size, value_weight)
        return self.block_at(x, y + 3.6, width, size * 0.45, value, max_lines)

    # -- graphics ---------------------------------------------------------------

    def draw_matrix(self, matrix: Matrix, x: float, y: float, size: float) -> None:
        """Draw a 2D code as filled vector rectangles (one per horizontal run of dark modules)."""
        rows = len(matrix)
        cols = len(matrix[0]) if rows else 0
        module = size / max(rows, cols)
        self.set_fill_color(0, 0, 0)
        # A hair of vertical overlap hides anti-aliasing seams between rows on screen.
        overlap = module * 0.02
        for r, row in enumerate(matrix):
            c = 0
            while c < cols:
                if row[c]:
                    start = c
                    while c < cols and row[c]:
                        c += 1
                    self.rect(x + start * module, y + r * module,
                              (c - start) * module, module + overlap, style="F")
                else:
                    c += 1
        self.set_fill_color(255, 255, 255)

    def logo(self, png: bytes | None, x: float, y: float, max_w: float, max_h: float,
             align_right: bool = False) -> float:
        """Place the Ente logo, scaled to fit; anything that is not a sane PNG is skipped.
        Returns the height it took (0 when skipped).

        The bytes are decoded with Pillow and handed over as an image object, so fpdf2
        never sees a path, a URL or an SVG (which could reference external files).
        """
        if not png:
            return 0.0
        try:
            with Image.open(io.BytesIO(png)) as probe:
                if probe.format != "PNG" or probe.width * probe.height > MAX_LOGO_PIXELS:
                    return 0.0
                image = probe.convert("RGBA")
        except (OSError, ValueError, Image.DecompressionBombError):
            return 0.0
        ratio = min(max_w / image.width, max_h / image.height)
        w, h = image.width * ratio, image.height * ratio
        self.image(image, x=x + (max_w - w if align_right else 0), y=y, w=w, h=h)
        return h

    def rule(self, y: float, x0: float | None = None, x1: float | None = None) -> None:
        """Thin horizontal separator."""
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.line(x0 if x0 is not None else self.l_margin, y,
                  x1 if x1 is not None else self.w - self.r_margin, y)

    footer_y = -11.0
    """Where the page number goes, from the bottom edge (mm)."""

    def footer(self) -> None:
        self.set_y(self.footer_y)
        self.font(7, "regular", GREY)
        self.cell(0, 4, f"Pagina {self.page_no()} di {{nb}}", align="R")


def qr_matrix(payload: str, *, version: int | None = None) -> list[list[bool]]:
    """QR modules (no quiet zone) with error correction M, never boosted."""
    qr = segno.make_qr(payload, error="m", boost_error=False, version=version)
    return [[bool(v) for v in row] for row in qr.matrix]


def datamatrix_matrix(payload: str) -> list[list[bool]] | None:
    """Data Matrix ECC 200 modules, or None when no encoder is installed.

    segno cannot encode Data Matrix; zxing-cpp's writer can. It is optional here: without
    it the bollettino section is printed with a visible note instead of the symbol.
    """
    try:
        import zxingcpp
    except ImportError:
        return None
    barcode = zxingcpp.create_barcode(payload, zxingcpp.BarcodeFormat.DataMatrix)
    image = barcode.to_image(scale=1, add_quiet_zones=False)
    view = memoryview(image)
    height, width = view.shape
    return [[view[r, c] < 128 for c in range(width)] for r in range(height)]
