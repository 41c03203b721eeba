"""The quietanza: verification QR, printed identifiers, masked IBAN, literal user text."""

from __future__ import annotations

import io
import socket
from datetime import datetime

import pdfplumber
import pytest

from documents.data import PartyInfo
from documents.quietanza import render_receipt

from .conftest import (
    DEBTOR_CF,
    ENTE_CF,
    FULL_IBAN,
    all_text,
    make_debtor,
    make_receipt,
    page_texts,
    qr_texts,
)

MM = 72 / 25.4


@pytest.fixture(scope="module")
def receipt_pdf() -> bytes:
    return render_receipt(make_receipt())


def test_verification_qr_decodes_to_the_url(receipt_pdf: bytes) -> None:
    assert qr_texts(receipt_pdf) == ["https://sportello.example.it/q/7Hk2pQ"]


def test_printed_identifiers(receipt_pdf: bytes) -> None:
    text = all_text(receipt_pdf)
    for expected in (
        "Pagamento eseguito tramite pagoPA",
        "b4d3c0ffee1234567890abcdef",  # IUR
        "Banca Esempio S.p.A.", "01234567890",  # PSP and its fiscal code
        "3007 1570 0000 0000 32", "00715700000000032",
        ENTE_CF, DEBTOR_CF, "BNCNNA85M41H501X",
        "22,00 €", "1,50 €", "23,50 €",
        "Carta di pagamento online", "Carta di credito",
        "Numero pratica", "2025/0042",
        "https://sportello.example.it/q/7Hk2pQ",
    ):
        assert expected in text, expected


def test_time_printed_in_rome_time(receipt_pdf: bytes) -> None:
    assert "14/03/2025 10:26:53" in all_text(receipt_pdf)  # 09:26:53 UTC, CET in March


def test_iban_masked_and_never_in_full(receipt_pdf: bytes) -> None:
    text = all_text(receipt_pdf)
    assert "****3456" in text
    compact = text.replace(" ", "")
    assert FULL_IBAN not in compact
    assert FULL_IBAN[:-4] not in compact
    assert "Marca da bollo digitale" in text  # transfer without IBAN


def test_payer_omitted_when_same_as_debtor() -> None:
    info = make_receipt(payer=PartyInfo("MARIO ROSSI", DEBTOR_CF.lower()))
    assert "Pagatore" not in all_text(render_receipt(info))
    assert "Pagatore" in all_text(render_receipt(make_receipt()))


def test_fee_absent_means_no_fee_line() -> None:
    text = all_text(render_receipt(make_receipt(fee_cents=None)))
    assert "Commissione" not in text
    assert "22,00 €" in text


def test_fonts_and_language(receipt_pdf: bytes) -> None:
    with pdfplumber.open(io.BytesIO(receipt_pdf)) as doc:
        fonts = {c["fontname"] for page in doc.pages for c in page.chars}
        assert doc.metadata["Title"].startswith("Quietanza di pagamento")
    assert fonts and all("TitilliumWeb" in f for f in fonts)
    assert b"/Lang (it)" in receipt_pdf


def test_markup_and_urls_print_literally_and_fetch_nothing(tmp_path, monkeypatch) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-CONTENT-4711")
    causale = f'Rimborso <img src="file://{secret}"> vedi https://evil.example/x.png'
    extra = (("Nota", '<a href="https://evil.example">clic</a> **grassetto**'),)

    def no_network(*args, **kwargs):
        raise AssertionError("the renderer tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    opened: list[str] = []
    real_open = open

    def tracking_open(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", tracking_open)
    pdf = render_receipt(make_receipt(causale=causale, extra_fields=extra))
    monkeypatch.undo()

    text = all_text(pdf).replace("\n", " ")
    assert '<img src="file://' in text
    assert "https://evil.example/x.png" in text
    assert '<a href="https://evil.example">clic</a> **grassetto**' in text
    assert not any(str(secret) in path for path in opened)
    assert b"TOP-SECRET" not in pdf
    assert b"/URI" not in pdf and b"/Annots" not in pdf  # no clickable links created
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        assert all(page.images == [] for page in doc.pages)


def test_long_and_many_fields_spill_to_a_second_page_inside_bounds() -> None:
    extra = tuple((f"Campo aggiuntivo {i} " * 3, "valore " * 40) for i in range(25))
    info = make_receipt(
        causale="Causale lunghissima " * 40,
        extra_fields=extra,
        ente=make_receipt().ente.__class__(name="Ente " * 40, fiscal_code=ENTE_CF),
        debtor=make_debtor(full_name="Nome " * 40),
        verification_url="https://sportello.example.it/q/" + "x" * 150,
    )
    pdf = render_receipt(info)
    pages = page_texts(pdf)
    assert len(pages) >= 2
    assert "Verifica questa quietanza" in pages[-1]
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        for page in doc.pages:
            for c in page.chars:
                assert c["x0"] >= 10 * MM and c["x1"] <= page.width - 10 * MM, c["text"]
                assert c["top"] >= 10 * MM and c["bottom"] <= page.height - 5 * MM, c["text"]
    assert qr_texts(pdf) == [info.verification_url]


def test_naive_datetime_printed_as_given() -> None:
    info = make_receipt(payment_datetime=datetime(2025, 7, 1, 23, 59, 0))
    assert "01/07/2025 23:59:00" in all_text(render_receipt(info))


def test_characters_missing_from_the_font_become_question_marks() -> None:
    info = make_receipt(debtor=make_debtor(full_name="Li 李 Wei"))
    assert "Li ? Wei" in all_text(render_receipt(info))


def test_the_verification_address_prints_whole() -> None:
    """A real token is long: every character of the address is on the page, so it can be
    typed by someone who cannot scan the QR code."""
    url = ("https://sportello.example.it/comune-di-prova/verifica/"
           "eyJvIjoxLCJmIjoiODAwMDAxMjAwMTYiLCJyIjoiYjRkM2MwZmZlZTEyMzQ1Njc4OTAifQ:"
           "1tQ2xZ:Hk2pQ7Hk2pQ7Hk2pQ7Hk2pQ7Hk2pQ7Hk2pQ7Hk2pQ7H" + "Ab3" * 25 + "/")
    pdf = render_receipt(make_receipt(verification_url=url))
    assert url in "".join(all_text(pdf).split())
    assert "…" not in all_text(pdf).split("Verifica questa quietanza")[1]
