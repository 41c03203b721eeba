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
    flow_text,
    flow_texts,
    installments,
    make_debtor,
    make_ente,
    make_notice,
    notice_number,
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
    for expected in ("3007 1570 0000 0000 32", "22,00 Euro", "31/12/2025", ENTE_CF, DEBTOR_CF,
                     "Comune di Roccasecca dei Volsci", "Mario Rossi", "AB1C2"):
        assert expected in text, expected


# The guide's fixed texts, copied here on purpose (not imported from the renderer): "Non
# alterare il resto del testo" (Dove pagare), and the "Stringhe dei testi fissi".
GUIDE_FIXED_TEXTS = (
    "Avviso di pagamento",
    "Ente Creditore",
    "Destinatario",
    "Quanto e quando pagare?",
    "Dove pagare?",
    "PAGA CON L'APP IO",
    "oppure sul sito di Comune di Roccasecca dei Volsci, dal tuo Home Banking, con la tua app "
    "di pagamento o con gli altri canali abilitati.",
    "PAGA SUL TERRITORIO",
    "presso Banche e Sportelli ATM, negli Uffici Postali e Punti Postali, nei Bar, Edicole, "
    "Ricevitorie, Supermercati, Tabaccherie, e altri Esercenti Convenzionati.",
    "In fase di pagamento, se previsto dall’ente, l'importo potrebbe essere aggiornato "
    "automaticamente e subire variazioni in diminuzione (per sgravi, note di credito) o in "
    "aumento (per sanzioni, interessi, ecc.).",
    "Dati per il pagamento",
    "Rata unica entro il 31/12/2025",
    "Inquadra il codice QR con la tua app di pagamento o usa i dati accanto.",
    "Cod. CBILL", "Cod. Avviso", "Cod. Fiscale Ente", "Oggetto del pagamento",
)


@pytest.mark.parametrize("fixed", GUIDE_FIXED_TEXTS)
def test_the_guide_fixed_texts_verbatim(single_pdf: bytes, fixed: str) -> None:
    assert fixed in flow_text(single_pdf)


def test_installment_fixed_texts() -> None:
    both = flow_text(render_notice(make_notice(installments=installments(3))))
    assert "Puoi pagare per intero o in 3 rate" in both
    assert "Inquadra il codice QR con la tua app di pagamento o usa i dati sopra." in both
    assert "Rata 2 entro il 15/02/2026 22,01 Euro" in both
    only = flow_text(render_notice(make_notice(single_payment=None,
                                               installments=installments(3))))
    assert "Puoi pagare in 3 rate" in only
    assert "Importi e scadenze sono riportati nel dettaglio di ogni singola rata." in only
    assert "per intero" not in only


def test_without_the_ente_site_the_other_digital_text() -> None:
    text = flow_text(render_notice(make_notice(payable_on_ente_site=False)))
    assert ("PAGA CON L'APP IO oppure dal tuo Home Banking, con la tua app di pagamento o con "
            "gli altri canali abilitati.") in text
    assert "sul sito di" not in text


def test_modules_in_the_prescribed_order(single_pdf: bytes) -> None:
    text = flow_texts(single_pdf)[0]
    headings = ["Avviso di pagamento", "Diritti di segreteria", "Ente Creditore",
                "Destinatario", "Quanto e quando pagare?", "Dove pagare?",
                "Dati per il pagamento", "Rata unica entro il"]
    positions = [text.index(h) for h in headings]
    assert positions == sorted(positions)


def test_the_header_is_on_every_page() -> None:
    pages = flow_texts(render_notice(make_notice(installments=installments(8))))
    assert len(pages) >= 3
    for page in pages:
        assert page.startswith("Avviso di pagamento Diritti di segreteria per certificato")


def test_amounts_say_euro_as_the_guide() -> None:
    text = flow_text(render_notice(make_notice(
        single_payment=InstallmentInfo(NOTICE, NOTICE[1:], 102099, date(2026, 3, 30)))))
    assert "1.020,99 Euro" in text and "€" not in text


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


def test_fonts_embedded_titillium_and_roboto_mono_for_codes(single_pdf: bytes) -> None:
    """The guide's typography: Titillium Web, and Roboto Mono for the figures (codes)."""
    with pdfplumber.open(io.BytesIO(single_pdf)) as doc:
        chars = [c for page in doc.pages for c in page.chars]
    fonts = {c["fontname"].split("+")[-1] for c in chars}
    assert fonts and all(f.startswith(("TitilliumWeb", "RobotoMono")) for f in fonts), fonts
    mono = "".join(c["text"] for c in chars if "RobotoMono" in c["fontname"])
    assert "3007 1570 0000 0000 32" in mono and ENTE_CF in mono
    assert single_pdf.count(b"/FontFile2") == len(fonts)


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


@pytest.mark.parametrize(("count", "per_page"), [
    (2, [1, 2]), (3, [1, 3]), (4, [1, 4]), (5, [1, 5]), (6, [1, 6]), (8, [1, 4, 4]),
    (9, [1, 6, 3]),
])
def test_installments_in_bands_of_two_or_three(count: int, per_page: list[int]) -> None:
    """The Rata unica on page 1, then bands of 2 or 3 (one layout per notice), two bands a
    page; every QR decodes."""
    info = make_notice(installments=installments(count))
    pages = barcodes(render_notice(info))
    assert [len(p) for p in pages] == per_page


def test_installments_only_start_on_the_first_page() -> None:
    pages = barcodes(render_notice(make_notice(single_payment=None,
                                               installments=installments(3))))
    assert [len(p) for p in pages] == [3]


@pytest.mark.parametrize("count", [10, 12, 31])
def test_many_installments_template(count: int) -> None:
    """From 10 installments on: the compact grid, still one QR (and codice avviso) each."""
    rates = installments(count)
    pdf = render_notice(make_notice(single_payment=None, installments=rates))
    assert sorted(qr_texts(pdf)) == sorted(expected_qr(r) for r in rates)
    text = all_text(pdf)
    for rate in rates:
        assert format_notice_number(rate.notice_number) in text
        assert fmt.format_date(rate.due_date) in text
    pages = barcodes(pdf)
    assert len(pages) == 1 + -(-(count - 9) // 15)  # 9 on the first page, 15 on the others
    assert "Importi e scadenze sono riportati nel dettaglio di ogni singola rata." in flow_text(pdf)


def test_many_installments_with_the_single_payment_and_poste() -> None:
    rates = installments(11)
    info = make_notice(ente=make_ente(postal_account=POSTAL), installments=rates)
    kinds = [f for page in barcodes(render_notice(info)) for f, _ in page]
    assert kinds.count("QRCode") == 12
    assert kinds.count("DataMatrix") == 12


def test_installments_only_headline_shows_total() -> None:
    info = make_notice(single_payment=None, installments=installments(3, 1000))
    text = flow_texts(render_notice(info))[0]
    assert "Quanto e quando pagare? 30,03 Euro Puoi pagare in 3 rate" in text


def test_notice_without_due_date() -> None:
    info = make_notice(single_payment=InstallmentInfo(NOTICE, NOTICE[1:], 2200, None))
    text = flow_text(render_notice(info))
    assert "entro il" not in text  # the guide's "Avviso senza scadenza" variant
    assert "Quanto pagare?" in text and "Quanto e quando" not in text
    assert "Rata unica 22,00 Euro" in text or "22,00 Euro Rata unica" in text


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
        fmt.poste_datamatrix_payload(NOTICE, "000016302093", 2200, ENTE_CF, DEBTOR_CF,
                                     "Mario Rossi", info.subject)
    ]
    text = flow_text(pdf)
    assert "BOLLETTINO POSTALE PA" in text
    assert "sul C/C n. 000016302093" in text
    assert "AUT/2024/123" in text and "Tipo P1" in text
    # The bollettino follows the section it pays.
    assert text.index("Rata unica entro il") < text.index("BOLLETTINO POSTALE PA")


def test_no_postal_account_no_bollettino(single_pdf: bytes) -> None:
    assert "BOLLETTINO POSTALE PA" not in all_text(single_pdf)
    assert all(f != "DataMatrix" for page in barcodes(single_pdf) for f, _ in page)


def test_postal_installments_each_follow_their_band() -> None:
    info = make_notice(ente=make_ente(postal_account=POSTAL), single_payment=None,
                       installments=installments(3))
    pages = barcodes(render_notice(info))
    # The band of three QR codes (on page 1, after module 3), then their three bollettini.
    assert [sorted(f for f, _ in page) for page in pages] == [["QRCode"] * 3,
                                                               ["DataMatrix"] * 3]


def test_each_installment_has_its_own_description_in_the_data_matrix() -> None:
    rates = tuple(
        InstallmentInfo(r.notice_number, r.iuv, r.amount_cents, r.due_date, r.label,
                        description=f"TARI 2026 - rata {i + 1} di 2")
        for i, r in enumerate(installments(2)))
    info = make_notice(ente=make_ente(postal_account=POSTAL), single_payment=None,
                       installments=rates)
    matrices = [t for page in barcodes(render_notice(info)) for f, t in page
                if f == "DataMatrix"]
    assert sorted(m[133:243].strip() for m in matrices) == [
        "TARI 2026 - RATA 1 DI 2", "TARI 2026 - RATA 2 DI 2"]


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


def _inside_margins(pdf: bytes) -> None:
    """Every character, frame and code inside the guide's 10 mm margins."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for c in page.chars:
                assert c["x0"] >= 9.9 * MM and c["x1"] <= page.width - 9.9 * MM, c["text"]
                assert c["top"] >= 9.9 * MM and c["bottom"] <= page.height - 9.9 * MM, c["text"]
            for r in page.rects:
                assert r["x0"] >= 9.7 * MM and r["x1"] <= page.width - 9.7 * MM, r
                assert r["top"] >= 9.7 * MM and r["bottom"] <= page.height - 9.7 * MM, r


def test_long_texts_stay_inside_the_page() -> None:
    long_word = "Contributo" * 12
    info = make_notice(
        subject=("Oggetto molto lungo " * 5)[:90],
        ente=make_ente(name="Unione dei Comuni " * 5 + "Ovest", sector="Settore " * 10,
                       website="https://" + "a" * 120 + ".example.it", postal_account=POSTAL,
                       logo_png=_png(800, 100)),
        debtor=make_debtor(full_name="Maria " * 12 + long_word,
                           address_lines=("Via " + "Lunga " * 30, "X" * 200, "Terza", "Quarta")),
        installments=installments(5),
    )
    pdf = render_notice(info)
    _inside_margins(pdf)
    assert len(qr_texts(pdf)) == 6
    # The same with bands of two, whose cells also show the Destinatario.
    info = make_notice(ente=info.ente, debtor=info.debtor, installments=installments(4))
    pdf = render_notice(info)
    _inside_margins(pdf)
    # Still payable: every QR decodes.
    assert len(qr_texts(pdf)) == 5


ENTE_100 = ("Consorzio Intercomunale per la Gestione Associata dei Servizi Sociali della "
            "Valle del Fiume Esempio.")


@pytest.mark.parametrize("rates", [0, 3, 12])
def test_an_ente_name_of_100_characters_is_printed_whole(rates: int) -> None:
    assert len(ENTE_100) == 100
    info = make_notice(ente=make_ente(name=ENTE_100, postal_account=POSTAL,
                                      logo_png=_png(300, 300)),
                       installments=installments(rates) if rates else ())
    pdf = render_notice(info)
    text = flow_text(pdf)
    # Module 2, Dove pagare, the Rata unica: wrapped or shrunk, never cut.
    assert text.count(ENTE_100) >= 3
    assert f"oppure sul sito di {ENTE_100}, dal tuo Home Banking" in text
    assert "…" not in text
    _inside_margins(pdf)
    assert len(qr_texts(pdf)) == 1 + rates


def test_the_pagopa_mark_when_supplied_on_every_page() -> None:
    mark = _png(220, 70)
    pdf = render_notice(make_notice(installments=installments(3), pagopa_mark_png=mark))
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert [len(page.images) for page in doc.pages] == [1, 1]


def test_due_dates_and_amounts_per_installment() -> None:
    rates = (
        InstallmentInfo(notice_number(1, 10), "x", 102099, date(2026, 3, 31), "Acconto"),
        InstallmentInfo(notice_number(1, 20), "x", 50, date(2026, 6, 30), "Saldo"),
    )
    text = all_text(render_notice(make_notice(single_payment=None, installments=rates)))
    for needle in ("1.020,99 Euro", "0,50 Euro", "31/03/2026", "30/06/2026", "Acconto", "Saldo"):
        assert needle in text
