"""fpdf2 plumbing shared by the notice and the receipt.

All text goes through :meth:`DocPDF.clean` and the plain ``cell``/``multi_cell`` calls:
fpdf2 interprets nothing in them (no HTML, no markdown, no links), so text typed by
payers or staff is printed literally. ``write_html`` is never used here.
"""

from __future__ import annotations

import copy
import io
import threading
import types
import unicodedata
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import fpdf.output
import segno
from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos
from fpdf.fonts import SubsetMap, TTFFont
from PIL import Image

from ._qr import best_mask

FONT_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "TitilliumWeb"
FONT_SEMIBOLD = "TitilliumWebSemiBold"
FONT_MONO = "RobotoMono"  # figures: the codes on the avviso, as its guide asks
FONT_FILES = (  # (family, style, file under FONT_DIR), in the order they are added
    (FONT, "", "TitilliumWeb-Regular.ttf"),
    (FONT, "B", "TitilliumWeb-Bold.ttf"),
    (FONT_SEMIBOLD, "", "TitilliumWeb-SemiBold.ttf"),
    (FONT_MONO, "", "RobotoMono-Medium.ttf"),
)

# Colours (RGB): dark text, pagoPA-like blue for headings, light fill for bands.
INK = (23, 50, 77)
BLUE = (0, 102, 204)
GREY = (92, 111, 130)
FILL = (235, 241, 247)
RULE = (200, 210, 220)

MAX_LOGO_PIXELS = 4000 * 4000

Matrix = Sequence[Sequence[bool]]


# -- fonts parsed once per process ----------------------------------------------------------

# The tables fpdf2 drops from every subset it embeds (fpdf/output.py, ``_add_fonts``); the
# subsetter drops them before anything else, so a copy of the font without them subsets to
# the same bytes, without fontTools decompiling GSUB/GPOS/GDEF first for each document.
_DROPPED_TABLES = ("FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta", "sbix", "CBDT",
                   "CBLC", "EBDT", "EBLC", "EBSC", "SVG ", "CPAL", "COLR")
# TTFFont's attributes in the fpdf2 this copy was written against (2.8.x): ``add_to``
# copies them all and replaces those that belong to one document. A different set
# (another fpdf2) turns the sharing off: every document then parses its fonts with
# ``add_font`` as before, slower but never wrong.
_TTFFONT_SLOTS = frozenset({
    "i", "type", "name", "desc", "glyph_ids", "_hbfont", "sp", "ss", "up", "ut", "cw",
    "ttffile", "fontkey", "emphasis", "scale", "subset", "cmap", "ttfont", "missing_glyphs",
    "biggest_size_pt", "color_font", "unicode_range", "palette_index", "is_compressed",
    "is_cff", "is_cid_keyed", "is_symbol", "cff_ros", "collection_font_number",
})


class _ParsedFont:
    """A font file parsed once: fpdf2's own TTFFont of it (never output, only copied) and
    the file's bytes without the tables fpdf2 drops from its subsets.

    Shared read-only between documents and threads: ``cmap`` and ``glyph_ids``, which
    fpdf2 only reads. Each document gets its own ``cw`` (fpdf2 adds missing characters
    to it), font descriptor, glyph subset and fontTools font, which fpdf2's output
    subsets in place.
    """

    def __init__(self, family: str, style: str, path: Path) -> None:
        scratch = FPDF()
        scratch.add_font(family, style, path)
        template = next(iter(scratch.fonts.values()))
        assert isinstance(template, TTFFont)
        self.template = template
        self.shareable = (
            set(TTFFont.__slots__) == _TTFFONT_SLOTS
            and not template.is_cff and not template.is_compressed
            and template.color_font is None and not template.is_symbol
        )
        font = ttLib.TTFont(path, recalcTimestamp=False, recalcBBoxes=False, lazy=True)
        for tag in _DROPPED_TABLES:
            if tag in font:
                del font[tag]
        buffer = io.BytesIO()
        font.save(buffer)
        self.sfnt = buffer.getvalue()
        template.ttfont.close()

    def add_to(self, pdf: FPDF) -> None:
        """Register a per-document copy with ``pdf``, as ``pdf.add_font`` would."""
        template = self.template
        font = TTFFont.__new__(TTFFont)
        for name in _TTFFONT_SLOTS:
            if hasattr(template, name):  # (fpdf2 leaves some slots unset)
                setattr(font, name, getattr(template, name))
        font.i = len(pdf.fonts) + 1
        font.ttfont = _DocumentFont(self.sfnt, font.fontkey)
        font.cw = copy.copy(template.cw)  # a defaultdict: the copy keeps its default
        font.desc = copy.copy(template.desc)
        font.missing_glyphs = []
        font.biggest_size_pt = 0
        font._hbfont = None
        font.subset = SubsetMap(font)
        pdf.fonts[font.fontkey] = font


# -- finished subsets kept per process ----------------------------------------------------

# Subsetting and compiling the four embedded fonts was ~70% of an avviso's cost, and the
# result depends only on the font and the set of glyphs (fpdf2's options never change):
# the regular and mono subsets repeat across most documents. Bounded (LRU): an entry is a
# few KiB.
SUBSET_CACHE_MAX = 256
_subset_cache: OrderedDict[tuple[object, ...], _FinishedSubset] = OrderedDict()
_subset_cache_lock = threading.Lock()


class _FinishedSubset:
    """A subset as fpdf2 embeds it: the font file and the new glyph ids by glyph name."""

    __slots__ = ("data", "glyph_ids")

    def __init__(self, data: bytes, glyph_ids: dict[str, int]) -> None:
        self.data = data
        self.glyph_ids = glyph_ids


def _cached_subset(key: tuple[object, ...]) -> _FinishedSubset | None:
    with _subset_cache_lock:
        found = _subset_cache.get(key)
        if found is not None:
            _subset_cache.move_to_end(key)
        return found


def _keep_subset(key: tuple[object, ...], subset: _FinishedSubset) -> None:
    with _subset_cache_lock:
        _subset_cache[key] = subset
        _subset_cache.move_to_end(key)
        while len(_subset_cache) > max(SUBSET_CACHE_MAX, 0):
            _subset_cache.popitem(last=False)


class _DocumentFont(ttLib.TTFont):
    """One document's fontTools font of a :class:`_ParsedFont`.

    fpdf2's output subsets it in place, asks the new glyph ids and saves it. When
    :class:`_CachingSubsetter` finds the same subset already made, this font is left
    untouched and answers the ids and the bytes of that subset instead; otherwise the
    subset it makes is kept when it is saved.
    """

    def __init__(self, sfnt: bytes, fontkey: str) -> None:
        super().__init__(io.BytesIO(sfnt), recalcTimestamp=False, lazy=True)
        self.source = (fontkey, hash(sfnt))  # (bytes keep their hash: computed once)
        self.finished: _FinishedSubset | None = None
        self.keep_as: tuple[object, ...] | None = None

    def getGlyphID(self, glyphName: str) -> int:  # noqa: N802 (fontTools' name)
        if self.finished is not None:
            return self.finished.glyph_ids[glyphName]
        return super().getGlyphID(glyphName)

    def save(self, file: Any, reorderTables: bool = True) -> None:  # noqa: N803
        if self.finished is None:
            buffer = io.BytesIO()
            super().save(buffer, reorderTables)
            glyph_ids = {name: gid for gid, name in enumerate(self.getGlyphOrder())}
            self.finished = _FinishedSubset(buffer.getvalue(), glyph_ids)
            if self.keep_as is not None:
                _keep_subset(self.keep_as, self.finished)
        if isinstance(file, (str, Path)):
            Path(file).write_bytes(self.finished.data)
        else:
            file.write(self.finished.data)


class _CachingSubsetter:
    """fontTools' Subsetter as fpdf2's output uses it (``populate(glyphs=…)``, then
    ``subset(font)``), skipping the work for a :class:`_DocumentFont` whose subset, same
    glyphs and same options, was already made in this process. Any other font is
    subsetted exactly as before."""

    def __init__(self, options: ftsubset.Options | None = None, **kwargs: Any) -> None:
        self._subsetter = ftsubset.Subsetter(options, **kwargs)
        self._options = self._subsetter.options
        self._glyphs: frozenset[str] | None = None
        self._other = False

    def populate(self, glyphs: Iterable[str] = (), **kwargs: Any) -> None:
        glyphs = list(glyphs)
        self._glyphs = (self._glyphs or frozenset()) | frozenset(glyphs)
        self._other = self._other or any(kwargs.values())
        self._subsetter.populate(glyphs=glyphs, **kwargs)

    def subset(self, font: ttLib.TTFont) -> None:
        if not isinstance(font, _DocumentFont) or self._glyphs is None or self._other:
            self._subsetter.subset(font)
            return
        key = (font.source, self._glyphs, repr(sorted(vars(self._options).items())))
        found = _cached_subset(key)
        if found is not None:
            font.finished = found
            return
        self._subsetter.subset(font)
        font.keep_as = key

    def __getattr__(self, name: str) -> Any:
        return getattr(self.__dict__["_subsetter"], name)


def _install_subset_cache() -> bool:
    """Let fpdf2's output subset through :class:`_CachingSubsetter` (it calls
    ``ftsubset.Subsetter``, fontTools' module as ``fpdf.output`` imported it). An fpdf2
    that subsets otherwise is left alone: no cache, same files."""
    if getattr(fpdf.output, "ftsubset", None) is not ftsubset:
        return False
    proxy = types.ModuleType(ftsubset.__name__)
    proxy.__dict__.update(ftsubset.__dict__)
    proxy.Subsetter = _CachingSubsetter  # type: ignore[attr-defined]
    fpdf.output.ftsubset = proxy  # type: ignore[attr-defined]
    return True


SUBSET_CACHE_INSTALLED = _install_subset_cache()


# Line breaks of the texts printed in many documents (see DocPDF._wrap), by font, size,
# spacing, width and text; bounded, as an Ente's texts are a few dozen.
SHARED_WRAPS_MAX = 4096
_shared_wraps: dict[tuple[object, ...], tuple[str, ...]] = {}

# A text whose width is this far (mm) inside the line is one line without a dry run (see
# DocPDF._one_line): more than float rounding between fpdf2's per-character sum and
# get_string_width's, far less than the narrowest glyph.
ONE_LINE_SLACK = 0.01
ONE_LINE_SHORTCUT = True

_parsed_fonts: dict[tuple[str, str], _ParsedFont] = {}
_parsed_fonts_lock = threading.Lock()


def _parsed_font(family: str, style: str, filename: str) -> _ParsedFont:
    """The process-wide parse of one of ``FONT_FILES`` (parsed at first use)."""
    key = (family, style)
    parsed = _parsed_fonts.get(key)
    if parsed is None:
        with _parsed_fonts_lock:
            parsed = _parsed_fonts.get(key)
            if parsed is None:
                parsed = _parsed_fonts[key] = _ParsedFont(family, style, FONT_DIR / filename)
    return parsed


class DocPDF(FPDF):
    """A4 portrait in millimetres, Titillium Web embedded, Italian language, page numbers."""

    share_parsed_fonts = True
    """Copy the fonts parsed once per process instead of parsing them for each document
    (parsing was a fifth of the document's cost); off: fpdf2's ``add_font`` as is."""

    def __init__(self, *, title: str, author: str, subject: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        for family, style, filename in FONT_FILES:
            parsed = _parsed_font(family, style, filename) if self.share_parsed_fonts else None
            if parsed is not None and parsed.shareable:
                parsed.add_to(self)
            else:
                self.add_font(family, style, FONT_DIR / filename)
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

    def _wrap(self, value: str, width: float, shared: bool) -> list[str]:
        """``value`` broken into lines of ``width`` mm in the current font (a dry run).

        ``shared``: the text is the same in many documents (the guide's fixed strings, the
        Ente's own texts), so its breaking is kept for the process, the longest of these
        texts being the costliest to break; a payer's data never is (nor kept). A kept
        breaking still registers its glyphs in this document's subset, in the text's order,
        as the dry run does, so the file is the same byte for byte.
        """
        one = self._one_line(value, width)
        if one is not None:
            return one
        if not shared:
            return list(self.multi_cell(width, 4, value, dry_run=True,
                                        output=MethodReturnValue.LINES, align="L"))
        font = self.current_font
        key = (font.fontkey, self.font_size_pt, self.c_margin, self.char_spacing,
               self.font_stretching, width, value)
        lines = _shared_wraps.get(key)
        if lines is None:
            lines = tuple(self.multi_cell(width, 4, value, dry_run=True,
                                          output=MethodReturnValue.LINES, align="L"))
            if len(_shared_wraps) < SHARED_WRAPS_MAX:
                _shared_wraps[key] = lines
        elif isinstance(font, TTFFont):
            self._register_glyphs(font, value)
        return list(lines)

    @staticmethod
    def _register_glyphs(font: TTFFont, value: str) -> None:
        """Put ``value``'s glyphs in the document's subset in the text's order, as
        fpdf2's dry run does, for a line break made without one."""
        pick = font.subset.pick
        for ch in value:
            pick(ord(ch))

    def _one_line(self, value: str, width: float) -> list[str] | None:
        """``[value]`` when it clearly fits in ``width`` mm, else None (break it for real).

        Most of a document's texts are a payer's short data on one line; fpdf2's dry run
        spent most of a quietanza's CPU breaking them character by character. The shortcut
        registers the glyphs in this document's subset in the text's order, as the dry run
        does, so the file is the same byte for byte (tests/documents/test_shared_fonts.py).
        """
        font = self.current_font
        if (not ONE_LINE_SHORTCUT or not isinstance(font, TTFFont) or self.text_shaping
                or self.char_spacing or self.font_stretching != 100):
            return None
        if self.get_string_width(value) > width - 2 * self.c_margin - ONE_LINE_SLACK:
            return None
        self._register_glyphs(font, value)
        return [value]

    def lines(self, text: object, width: float, max_lines: int, *,
              shared: bool = False) -> list[str]:
        """Wrap to ``width`` mm; beyond ``max_lines`` the last line ends with an ellipsis.
        ``shared``: see :meth:`_wrap`."""
        value = self.clean(text)
        if not value:
            return []
        wrapped = self._wrap(value, width, shared)
        if len(wrapped) <= max_lines:
            return list(wrapped)
        kept = list(wrapped[:max_lines])
        kept[-1] = self._ellipsize(kept[-1], width)
        return kept

    def fitted(self, text: object, width: float, size: float, *, weight: str = "regular",
               max_lines: int = 2, min_size: float = 7,
               shared: bool = False) -> tuple[float, list[str]]:
        """Font size and lines that show all of ``text`` in ``width`` mm: the size shrinks
        (by half points, down to ``min_size``) until the text fits in ``max_lines``; if it
        still does not, it takes more lines. Nothing is ever cut (names must stay whole).
        Leaves the font selected at the returned size. ``shared``: see :meth:`_wrap`."""
        value = self.clean(text)
        current = size
        while True:
            self.font(current, weight)
            wrapped = self._wrap(value, width, shared) if value else []
            if len(wrapped) <= max_lines or current - 0.5 < min_size:
                return current, wrapped
            current -= 0.5

    def fit_block(self, x: float, y: float, width: float, text: object, size: float, *,
                  weight: str = "regular", color: tuple[int, int, int] = INK,
                  max_lines: int = 2, min_size: float = 7, shared: bool = False) -> float:
        """Write ``text`` whole (see :meth:`fitted`); return the y below it."""
        current, lines = self.fitted(text, width, size, weight=weight, max_lines=max_lines,
                                     min_size=min_size, shared=shared)
        self.font(current, weight, color)
        line_h = current * 0.42
        for line in lines:
            self.set_xy(x, y)
            self.cell(width, line_h, line, new_x=XPos.RIGHT, new_y=YPos.TOP)
            y += line_h
        return y

    def fit_height(self, text: object, width: float, size: float, *, weight: str = "regular",
                   max_lines: int = 2, min_size: float = 7, shared: bool = False) -> float:
        """Height :meth:`fit_block` would take, without drawing."""
        current, lines = self.fitted(text, width, size, weight=weight, max_lines=max_lines,
                                     min_size=min_size, shared=shared)
        return current * 0.42 * len(lines)

    def text_at(self, x: float, y: float, width: float, height: float, text: object,
                align: str = "L") -> None:
        """Write one line (cut to width) at an absolute position."""
        self.set_xy(x, y)
        self.cell(width, height, self.fit(text, width), align=align,
                  new_x=XPos.RIGHT, new_y=YPos.TOP)

    def block_at(self, x: float, y: float, width: float, line_h: float, text: object,
                 max_lines: int, *, shared: bool = False) -> float:
        """Write wrapped lines at an absolute position; return the y below them."""
        for line in self.lines(text, width, max_lines, shared=shared):
            self.text_at(x, y, width, line_h, line)
            y += line_h
        return y

    def label_value(self, x: float, y: float, width: float, label: str, value: object,
                    *, size: float = 9, value_weight: str = "semibold",
                    max_lines: int = 1, whole: bool = False, shared: bool = False) -> float:
        """Small grey label above a value; return the y below the value.

        ``whole``: the value is shrunk and wrapped but never cut (names, see :meth:`fitted`).
        ``shared``: the value is the same in many documents (see :meth:`_wrap`).
        """
        self.font(7, "regular", GREY)
        self.text_at(x, y, width, 3.6, label)
        if whole:
            return self.fit_block(x, y + 3.6, width, value, size, weight=value_weight,
                                  max_lines=max_lines, min_size=min(size, 6.5), shared=shared)
        self.font(size, value_weight)
        return self.block_at(x, y + 3.6, width, size * 0.45, value, max_lines, shared=shared)

    # -- graphics ---------------------------------------------------------------

    def draw_matrix(self, matrix: Matrix, x: float, y: float, size: float) -> None:
        """Draw a 2D code as filled vector rectangles, all in one path filled once.

        The rectangles cover exactly the dark modules (see :func:`dark_rectangles`). One
        path of ``re`` operators, the ones fpdf2's ``rect`` writes, instead of one ``rect``
        call per run: fpdf2's per-call work was most of the cost of a code, and an avviso
        with 12 installments draws 13 of them.
        """
        rows = len(matrix)
        cols = len(matrix[0]) if rows else 0
        if not rows or not cols:
            return
        module = size / max(rows, cols)
        # A hair of vertical overlap hides anti-aliasing seams between rows on screen.
        overlap = module * 0.02
        k, page_h = self.k, self.h
        ops = [
            f"{(x + c * module) * k:.2f} {(page_h - y - r * module) * k:.2f} "
            f"{w * module * k:.2f} {-(h * module + overlap) * k:.2f} re"
            for c, r, w, h in dark_rectangles(matrix)
        ]
        self.set_fill_color(0, 0, 0)
        if ops:
            self._out("\n".join(ops) + "\nf")
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


def dark_rectangles(matrix: Matrix) -> list[tuple[int, int, int, int]]:
    """(column, row, width, height), in modules, of rectangles covering exactly the dark
    modules: each horizontal run of a row, merged with the same run in the rows below it
    (the finder patterns' sides, the timing columns), sorted by row then column."""
    rects: list[tuple[int, int, int, int]] = []
    open_runs: dict[tuple[int, int], int] = {}  # (first column, end column) -> first row
    for r, row in enumerate(matrix):
        runs: list[tuple[int, int]] = []
        c, cols = 0, len(row)
        while c < cols:
            if row[c]:
                start = c
                while c < cols and row[c]:
                    c += 1
                runs.append((start, c))
            else:
                c += 1
        current = set(runs)
        for run in [run for run in open_runs if run not in current]:
            first = open_runs.pop(run)
            rects.append((run[0], first, run[1] - run[0], r - first))
        for run in runs:
            open_runs.setdefault(run, r)
    rects.extend((run[0], first, run[1] - run[0], len(matrix) - first)
                 for run, first in open_runs.items())
    rects.sort(key=lambda rect: (rect[1], rect[0]))
    return rects


def qr_matrix(payload: str, *, version: int | None = None) -> list[list[bool]]:
    """QR modules (no quiet zone) with error correction M, never boosted; the mask is
    segno's own choice, made faster (see ``_qr``)."""
    qr = segno.make_qr(payload, error="m", boost_error=False, version=version,
                       mask=best_mask(payload, version))
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
