"""The avviso: decodable QR codes with the right payloads, printed codes, fonts, layout bounds."""

from __future__ import annotations

import io
from datetime import date

import pdfplumber
import pytest
from PIL import Image

from documents import _format as fmt
from documents.avviso import render_notice
from documents.data import InstallmentInfo
from pagopa.identifiers import format_notice_number

from .conftest import (
    DEBTOR_CF,
    ENTE_CF,
    NOTICE,
    POSTAL,
    all_text,
    barcodes,
    installments,
    make_debtor,
    make_ente,
    make_notice,
    notice_number,
    page_texts,
    qr_texts,
)

MM = 72 / 25.4


def expected_qr(item: InstallmentInfo) -> str:
    return f"PAGOPA|002|{item.notice_number}|{ENTE_CF}|{item.amount_cents:010d}"


@pytest.fixture(scope="module")
def single_pdf() -> bytes:
    return render_notice(make_notice())


def test_single_payment_qr_decodes_to_the_payload(single_pdf: bytes) -> None:
    assert qr_texts(single_pdf) == [f"PAGOPA|002|{NOTICE}|{ENTE_CF}|0000002200"]


def test_single_payment_printed_data(single_pdf: bytes) -> None:
    text = all_text(single_pdf)
    for expected in ("3007 1570 0000 0000 32", "22,00 €", "31/12/2025", ENTE_CF, DEBTOR_CF,
                     "Comune di Roccasecca dei Volsci", "Mario Rossi", "AB1C2"):
        assert expected in text, expected


def test_modules_in_the_prescribed_order(single_pdf: bytes) -> None:
    text = page_texts(single_pdf)[0]
    headings = ["AVVISO DI PAGAMENTO", "ENTE CREDITORE", "QUANTO E QUANDO PAGARE",
                "Dati per il pagamento", "BANCHE E ALTRI CANALI"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "app IO" in text and "uffici postali" in text


def _is_black(color: object) -> bool:
    values = color if isinstance(color, tuple | list) else (color,)
    return all(v == 0 for v in values) and values != (None,)


def test_qr_is_vector_and_25_mm(single_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(single_pdf)) as doc:
        page = doc.pages[0]
        assert page.images == []  # no bitmap anywhere (no logo given)
        black = [r for r in page.rects if _is_black(r.get("non_stroking_color"))]
    assert len(black) > 50
    width = max(r["x1"] for r in black) - min(r["x0"] for r in black)
    height = max(r["bottom"] for r in black) - min(r["top"] for r in black)
    assert width == pytest.approx(25 * MM, abs=0.5 * MM)
    assert height == pytest.approx(25 * MM, abs=0.5 * MM)


def test_fonts_embedded_titillium(single_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(single_pdf)) as doc:
        fonts = {c["fontname"] for page in doc.pages for c in page.chars}
    assert fonts and all("TitilliumWeb" in f for f in fonts), fonts
    assert b"/FontFile2" in single_pdf


def test_language_and_metadata(single_pdf: bytes) -> None:
    assert b"/Lang (it)" in single_pdf
    with pdfplumber.open(io.BytesIO(single_pdf)) as doc:
        meta = doc.metadata
    assert meta["Title"].startswith("Avviso di pagamento")
    assert meta["Author"] == "Comune di Roccasecca dei Volsci"


def test_installments_one_qr_each_plus_the_single_one() -> None:
    rates = installments(3)
    info = make_notice(installments=rates)
    pdf = render_notice(info)
    expected = [expected_qr(info.single_payment)] + [expected_qr(r) for r in rates]
    assert sorted(qr_texts(pdf)) == sorted(expected)
    text = all_text(pdf)
    for r in rates:
        assert format_notice_number(r.notice_number) in text
        assert fmt.format_date(r.due_date) in text
        assert r.label in text


@pytest.mark.parametrize(("count", "per_page"), [(2, [2]), (3, [3]), (4, [2, 2]), (5, [3, 2])])
def test_installments_two_or_three_per_page(count: int, per_page: list[int]) -> None:
    info = make_notice(single_payment=None, installments=installments(count))
    pages = barcodes(render_notice(info))
    assert [len(p) for p in pages] == [0, *per_page]


def test_installments_only_headline_shows_total() -> None:
    info = make_notice(single_payment=None, installments=installments(3, 1000))
    text = page_texts(render_notice(info))[0]
    assert "30,03 €" in text  # 1000 + 1001 + 1002 cents
    assert "15/01/2026" in text  # due date of the first installment


def test_notice_without_due_date() -> None:
    info = make_notice(single_payment=InstallmentInfo(NOTICE, NOTICE[1:], 2200, None))
    text = all_text(render_notice(info))
    assert "senza scadenza" in text
    assert "entro il" not in text


def test_subject_in_capitals_printed_in_sentence_case() -> None:
    text = all_text(render_notice(make_notice(subject="TASSA SUI RIFIUTI 2025")))
    assert "Tassa sui rifiuti 2025" in text
    assert "TASSA SUI RIFIUTI" not in text


def test_postal_section_with_data_matrix() -> None:
    info = make_notice(ente=make_ente(postal_account=POSTAL))
    pdf = render_notice(info)
    found = barcodes(pdf)[0]
    matrices = [text for f, text in found if f == "DataMatrix"]
    assert matrices == [
        fmt.poste_datamatrix_payload(NOTICE, "16302093", 2200, ENTE_CF, DEBTOR_CF, "Mario Rossi",
                                     info.subject)
    ]
    text = all_text(pdf)
    assert "BOLLETTINO POSTALE PA" in text
    assert "16302093" in text and "AUT/2024/123" in text and "P1" in text
    # The postal part comes after the bank part.
    assert text.index("BANCHE E ALTRI CANALI") < text.index("BOLLETTINO POSTALE PA")


def test_postal_installments_each_have_a_data_matrix() -> None:
    info = make_notice(ente=make_ente(postal_account=POSTAL), installments=installments(3))
    kinds = [f for page in barcodes(render_notice(info)) for f, _ in page]
    assert kinds.count("QRCode") == 4
    assert kinds.count("DataMatrix") == 4


def test_postal_section_without_encoder_says_so(monkeypatch) -> None:
    monkeypatch.setattr("documents.avviso.datamatrix_matrix", lambda payload: None)
    pdf = render_notice(make_notice(ente=make_ente(postal_account=POSTAL)))
    text = all_text(pdf)  # the note wraps inside the empty 25 mm box
    assert "Codice data matrix" in text and "non disponibile" in text
    assert all(f != "DataMatrix" for page in barcodes(pdf) for f, _ in page)


def _png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_logo_is_placed_when_png() -> None:
    pdf = render_notice(make_notice(ente=make_ente(logo_png=_png(300, 120))))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert len(doc.pages[0].images) == 1


def test_logo_that_is_not_a_png_is_ignored() -> None:
    svg = b'<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>'
    pdf = render_notice(make_notice(ente=make_ente(logo_png=svg)))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert doc.pages[0].images == []


def test_long_texts_stay_inside_the_page() -> None:
    long_word = "Contributo" * 12
    info = make_notice(
        subject=("Oggetto molto lungo " * 5)[:90],
        ente=make_ente(name="Unione dei Comuni " * 6, sector="Settore " * 10,
                       website="https://" + "a" * 120 + ".example.it", postal_account=POSTAL,
                       logo_png=_png(800, 100)),
        debtor=make_debtor(full_name="Maria " * 12 + long_word,
                           address_lines=("Via " + "Lunga " * 30, "X" * 200, "Terza", "Quarta")),
        installments=installments(5),
    )
    pdf = render_notice(info)
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for c in page.chars:
                assert c["x0"] >= 10 * MM and c["x1"] <= page.width - 10 * MM, c["text"]
                assert c["top"] >= 10 * MM and c["bottom"] <= page.height - 5 * MM, c["text"]
    # Still payable: every QR decodes.
    assert len(qr_texts(pdf)) == 6


def test_due_dates_and_amounts_per_installment() -> None:
    rates = (
        InstallmentInfo(notice_number(1, 10), "x", 102099, date(2026, 3, 31), "Acconto"),
        InstallmentInfo(notice_number(1, 20), "x", 50, date(2026, 6, 30), "Saldo"),
    )
    text = all_text(render_notice(make_notice(single_payment=None, installments=rates)))
    for needle in ("1.020,99 €", "0,50 €", "31/03/2026", "30/06/2026", "Acconto", "Saldo"):
        assert needle in text
