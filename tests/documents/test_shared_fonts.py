"""Fonts parsed once per process and line breaks kept for shared texts (documents/_pdf.py).

What is shared between documents must never show in the files: each document is the same,
byte for byte, as fpdf2 makes it with ``add_font`` and a dry run per text, whatever was
rendered before it and whatever another thread renders at the same time.
"""

from __future__ import annotations

import io
import re
import sys
import threading
from collections.abc import Callable
from datetime import date

import pdfplumber
import pytest
from fpdf.fonts import TTFFont

from documents import _pdf
from documents.avviso import render_notice
from documents.data import InstallmentInfo, PostalAccount
from documents.quietanza import render_receipt

from .conftest import installments, make_debtor, make_ente, make_notice, make_receipt, notice_number


def _normalized(pdf: bytes) -> bytes:
    """The file without what changes from one second to the next (date, file id)."""
    pdf = re.sub(rb"/CreationDate \(D:[^)]*\)", b"", pdf)
    return re.sub(rb"/ID \[<[^\]]*\]", b"", pdf)


NAMES = ("Łukasz Żółkiewski", "Niccolò D'Agostino", "Zoe Kwiatkowski-Ferré", "Mario Rossi",
         "ÆSIR Ødegaard & Søn S.r.l.")


def _documents() -> list[tuple[str, Callable[[], bytes]]]:
    """Avvisi and quietanze of payers whose names use different glyphs."""
    poste = make_ente(postal_account=PostalAccount("000016302093", "Comune di Roccasecca",
                                                   "AUT. DB/SSIC/E 12345 DEL 01/02/2024"))
    docs: list[tuple[str, Callable[[], bytes]]] = []
    for i, name in enumerate(NAMES):
        debtor = make_debtor(full_name=name, address_lines=(f"Via Libertà {i + 1}",))
        single = InstallmentInfo(notice_number(1, i), notice_number(1, i)[1:], 1000 + i,
                                 date(2026, 3, 1 + i))
        docs.append((name, lambda d=debtor, s=single: render_notice(
            make_notice(debtor=d, single_payment=s))))
        docs.append((name, lambda d=debtor: render_receipt(make_receipt(debtor=d))))
    debtor = make_debtor(full_name=NAMES[0])
    docs.append((NAMES[0], lambda: render_notice(make_notice(
        debtor=debtor, ente=poste, installments=installments(3)))))
    docs.append((NAMES[0], lambda: render_notice(make_notice(
        debtor=debtor, installments=installments(12)))))
    return docs


def _reference(monkeypatch: pytest.MonkeyPatch, render: Callable[[], bytes]) -> bytes:
    """The document as fpdf2 makes it alone: add_font for each font, no kept line breaks,
    every text broken by fpdf2's dry run (no one-line shortcut)."""
    with monkeypatch.context() as m:
        m.setattr(_pdf.DocPDF, "share_parsed_fonts", False)
        m.setattr(_pdf, "ONE_LINE_SHORTCUT", False)
        m.setattr(_pdf, "SHARED_WRAPS_MAX", 0)
        m.setattr(_pdf, "_shared_wraps", {})
        return render()


def _count_font_parsing(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    parsed: list[str] = []
    init = TTFFont.__init__

    def counting_init(self, fpdf, font_file_path, *args, **kwargs):
        parsed.append(str(font_file_path))
        init(self, fpdf, font_file_path, *args, **kwargs)

    monkeypatch.setattr(TTFFont, "__init__", counting_init)
    return parsed


def test_fonts_are_parsed_once_per_process(monkeypatch: pytest.MonkeyPatch) -> None:
    render_notice(make_notice())  # the process's first document parses them (if none did)
    parsed = _count_font_parsing(monkeypatch)
    render_notice(make_notice(debtor=make_debtor(full_name=NAMES[0])))
    render_receipt(make_receipt())
    assert parsed == []


def test_each_document_is_the_file_fpdf2_makes_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    """Rendered after documents of other payers (other glyphs, kept line breaks), each file
    is byte for byte fpdf2's own: no glyph of another document in its font subsets."""
    docs = _documents()
    shared = [render() for _, render in docs]  # in turn: each after all the others' glyphs
    for (name, render), got in zip(docs, shared, strict=True):
        assert _normalized(got) == _normalized(_reference(monkeypatch, render)), name


def test_documents_rendered_in_threads_at_once_are_each_right(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """gunicorn's threads render at the same time from the same parsed fonts."""
    docs = _documents()
    expected = [_normalized(_reference(monkeypatch, render)) for _, render in docs]
    render_notice(make_notice())  # fonts parsed before the threads start
    parsed = _count_font_parsing(monkeypatch)
    threads_n = 4
    barrier = threading.Barrier(threads_n)
    results: dict[tuple[int, int], bytes] = {}
    errors: list[BaseException] = []

    def work(t: int) -> None:
        try:
            barrier.wait()
            for k in range(len(docs)):  # each thread starts at a different document
                index = (k + t * 3) % len(docs)
                results[(t, index)] = docs[index][1]()
        except BaseException as exc:  # reported below  # noqa: BLE001
            errors.append(exc)

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-5)  # switch threads often, in the middle of the renders
    try:
        threads = [threading.Thread(target=work, args=(t,)) for t in range(threads_n)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert errors == []
    assert parsed == []
    for (_t, index), got in results.items():
        assert _normalized(got) == expected[index], docs[index][0]
    with pdfplumber.open(io.BytesIO(results[(0, 0)])) as doc:
        assert NAMES[0] in doc.pages[0].extract_text()


def test_a_kept_line_break_still_puts_its_glyphs_in_the_subset() -> None:
    """The dry run of fpdf2 registers the glyphs of the text it measures, in order; a
    line break taken from the process's memory does the same."""
    text = "Quixote? Jazz: yqwxk vzj, QXJ 1789 — kept"

    def glyphs_after_measuring() -> list[object]:
        pdf = _pdf.DocPDF(title="t", author="a", subject="s")
        pdf.add_page()
        pdf.font(9)
        assert pdf.lines(text, 40, 3, shared=True)
        return [glyph for glyph, _ in pdf.current_font.subset.items()]

    first = glyphs_after_measuring()
    assert len(first) > 20
    assert glyphs_after_measuring() == first


@pytest.mark.parametrize("weight", ["regular", "bold", "semibold", "mono"])
def test_the_one_line_shortcut_breaks_as_fpdf2_at_every_length(
        monkeypatch: pytest.MonkeyPatch, weight: str) -> None:
    """Around the width where a text stops fitting, the shortcut gives fpdf2's own lines,
    and puts the same glyphs in the subset in the same order."""
    words = "Łukasz Żółkiewski Niccolò D'Agostino Via Libertà 12/B — 00100 Roma (RM) WWW"

    def broken(text: str, width: float, shortcut: bool) -> tuple[list[str], list[object]]:
        monkeypatch.setattr(_pdf, "ONE_LINE_SHORTCUT", shortcut)
        pdf = _pdf.DocPDF(title="t", author="a", subject="s")
        pdf.add_page()
        pdf.font(9, weight)
        lines = pdf._wrap(text, width, shared=False)
        return lines, [glyph for glyph, _ in pdf.current_font.subset.items()]

    pdf = _pdf.DocPDF(title="t", author="a", subject="s")
    pdf.add_page()
    pdf.font(9, weight)
    shortcuts = 0
    for end in range(5, len(words) + 1, 3):
        text = words[:end].strip()
        fits = pdf.get_string_width(text) + 2 * pdf.c_margin
        for width in (fits - 0.02, fits - 0.005, fits, fits + 0.005, fits + 0.011, fits + 5):
            monkeypatch.setattr(_pdf, "ONE_LINE_SHORTCUT", True)
            shortcuts += pdf._one_line(text, width) is not None
            assert broken(text, width, True) == broken(text, width, False), (text, width)
    assert shortcuts > 20  # the shortcut was taken, not only the dry run compared with itself
