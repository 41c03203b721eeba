"""Finished font subsets kept per process (documents/_pdf.py, ``_subset_cache``).

fpdf2 subsets each embedded font at every ``output()``; a subset already made for the same
font and the same glyphs is taken from the process's cache instead. Each document must
still embed exactly what fpdf2 alone would embed: the glyphs it uses, none of another's.
"""

from __future__ import annotations

import io
import re
from collections import OrderedDict

import pytest
from fontTools import subset as ftsubset
from fontTools import ttLib
from fpdf import FPDF
from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1

from documents import _pdf
from documents.avviso import render_notice

from .conftest import make_debtor, make_notice


def _normalized(pdf: bytes) -> bytes:
    pdf = re.sub(rb"/CreationDate \(D:[^)]*\)", b"", pdf)
    return re.sub(rb"/ID \[<[^\]]*\]", b"", pdf)


@pytest.fixture
def cache(monkeypatch: pytest.MonkeyPatch) -> OrderedDict:
    """An empty cache for the test."""
    fresh: OrderedDict = OrderedDict()
    monkeypatch.setattr(_pdf, "_subset_cache", fresh)
    return fresh


@pytest.fixture
def subsets(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the subsets fontTools actually makes."""
    made: list[int] = []
    real = ftsubset.Subsetter.subset

    def counting(self, font):
        made.append(1)
        return real(self, font)

    monkeypatch.setattr(ftsubset.Subsetter, "subset", counting)
    return made


def _reference(monkeypatch: pytest.MonkeyPatch, name: str) -> bytes:
    """The document as fpdf2 makes it alone (its own add_font, so no cache)."""
    with monkeypatch.context() as m:
        m.setattr(_pdf.DocPDF, "share_parsed_fonts", False)
        return _notice(name)


def _notice(name: str) -> bytes:
    return render_notice(make_notice(debtor=make_debtor(full_name=name)))


def _embedded_characters(pdf: bytes) -> set[str]:
    """Every character the document's embedded font programs have a glyph for."""
    found: set[str] = set()
    document = PDFDocument(PDFParser(io.BytesIO(pdf)))
    for xref in document.xrefs:
        for objid in xref.get_objids():
            obj = resolve1(document.getobj(objid))
            if isinstance(obj, dict) and "FontFile2" in obj:
                program = resolve1(obj["FontFile2"]).get_data()
                cmap = ttLib.TTFont(io.BytesIO(program)).getBestCmap() or {}
                found.update(chr(code) for code in cmap)
    return found


def test_fpdf2_output_goes_through_the_cache() -> None:
    assert _pdf.SUBSET_CACHE_INSTALLED


def test_a_glyph_set_already_subsetted_is_not_subsetted_again(
        monkeypatch: pytest.MonkeyPatch, cache: OrderedDict, subsets: list[int]) -> None:
    first = _notice("Mario Rossi")
    assert len(subsets) == 4  # the four fonts of the avviso
    assert len(cache) == 4
    second = _notice("Mario Rossi")
    assert len(subsets) == 4  # none more
    assert _normalized(second) == _normalized(first)
    assert _normalized(second) == _normalized(_reference(monkeypatch, "Mario Rossi"))


def test_documents_with_other_glyphs_each_embed_what_they_use(
        monkeypatch: pytest.MonkeyPatch, cache: OrderedDict) -> None:
    names = ("Łukasz Żółkiewski", "Mario Rossi", "Łukasz Żółkiewski", "ÆSIR Ødegaard",
             "Mario Rossi")
    made = [_notice(name) for name in names]  # each after the others' subsets are kept
    assert len(cache) > 4
    for name, pdf in zip(names, made, strict=True):
        assert _normalized(pdf) == _normalized(_reference(monkeypatch, name)), name
        embedded = _embedded_characters(pdf)
        assert set(name) <= embedded | {" "}, name
    assert "Ł" in _embedded_characters(made[0])
    assert not {"Ł", "Ż", "Æ", "Ø"} & _embedded_characters(made[1])
    assert not {"Ł", "Ż"} & _embedded_characters(made[3])


def test_the_cache_is_bounded_and_keeps_the_latest(
        monkeypatch: pytest.MonkeyPatch, cache: OrderedDict, subsets: list[int]) -> None:
    monkeypatch.setattr(_pdf, "SUBSET_CACHE_MAX", 5)
    for name in ("Anna Ávila", "Bruno Björk", "Carla Čapek", "Dario Đurić"):
        _notice(name)
        assert len(cache) <= 5
    assert len(cache) == 5
    before = len(subsets)
    _notice("Dario Đurić")  # the latest document's subsets are still kept
    assert len(subsets) == before
    assert _normalized(_notice("Dario Đurić")) == _normalized(
        _reference(monkeypatch, "Dario Đurić"))


def test_fonts_added_by_fpdf2_itself_are_subsetted_as_before(
        cache: OrderedDict, subsets: list[int]) -> None:
    """Any other FPDF in the process (its own add_font) is not cached."""
    for _ in range(2):
        pdf = FPDF()
        pdf.add_font("T", "", _pdf.FONT_DIR / "TitilliumWeb-Regular.ttf")
        pdf.add_page()
        pdf.set_font("T", "", 12)
        pdf.cell(40, 10, "Ciao")
        assert bytes(pdf.output()).startswith(b"%PDF")
    assert len(subsets) == 2
    assert len(cache) == 0
