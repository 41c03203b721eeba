"""Shared sample data and PDF inspection helpers for the documents tests."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium
import pytest
import zxingcpp

from documents.data import (
    EnteInfo,
    InstallmentInfo,
    NoticeInfo,
    PartyInfo,
    PostalAccount,
    QuietanzaInfo,
    ReceiptTransferInfo,
)

SPEC_DIR = Path(__file__).resolve().parents[3] / "shared" / "pagopa-spec"
ENTE_CF = "00123456789"
DEBTOR_CF = "RSSMRA80A01H501U"
NOTICE = "300715700000000032"
FULL_IBAN = "IT60X0542811101000000123456"


def notice_number(segregation: int, base: int) -> str:
    """Aux digit 3 codice avviso with a correct mod-93 check digit."""
    head = f"3{segregation:02d}{base:013d}"
    return f"{head}{int(head) % 93:02d}"


def installments(count: int, amount_cents: int = 2200) -> tuple[InstallmentInfo, ...]:
    return tuple(
        InstallmentInfo(
            notice_number=notice_number(0, 1000 + i),
            iuv=notice_number(0, 1000 + i)[1:],
            amount_cents=amount_cents + i,
            due_date=date(2026 + i // 12, 1 + i % 12, 15),
            label=f"Rata {i + 1}",
        )
        for i in range(count)
    )


def make_ente(**overrides) -> EnteInfo:
    values = dict(
        name="Comune di Roccasecca dei Volsci",
        fiscal_code=ENTE_CF,
        sector="Servizio Tributi",
        website="www.comune.example.it",
        email="tributi@comune.example.it",
        pec="protocollo@pec.comune.example.it",
        phone="0773 000000",
        cbill="AB1C2",
    )
    values.update(overrides)
    return EnteInfo(**values)


def make_debtor(**overrides) -> PartyInfo:
    values = dict(
        full_name="Mario Rossi",
        fiscal_code=DEBTOR_CF,
        address_lines=("Via Roma 1", "04010 Roccasecca dei Volsci (LT)"),
    )
    values.update(overrides)
    return PartyInfo(**values)


def make_notice(**overrides) -> NoticeInfo:
    values = dict(
        subject="Diritti di segreteria per certificato anagrafico",
        ente=make_ente(),
        debtor=make_debtor(),
        single_payment=InstallmentInfo(NOTICE, NOTICE[1:], 2200, date(2025, 12, 31)),
    )
    values.update(overrides)
    return NoticeInfo(**values)


POSTAL = PostalAccount("000016302093", "Comune di Roccasecca dei Volsci - Tesoreria",
                       "AUT/2024/123")


def make_receipt(**overrides) -> QuietanzaInfo:
    values = dict(
        ente=make_ente(),
        debtor=make_debtor(),
        payer=PartyInfo("Anna Bianchi", "BNCNNA85M41H501X"),
        service_name="Diritti di segreteria",
        causale="Certificato di residenza",
        extra_fields=(("Numero pratica", "2025/0042"),),
        amount_cents=2200,
        fee_cents=150,
        payment_datetime=datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC),
        iuv=NOTICE[1:],
        notice_number=NOTICE,
        receipt_id="b4d3c0ffee1234567890abcdef",
        psp_name="Banca Esempio S.p.A.",
        psp_fiscal_code="01234567890",
        channel="Carta di pagamento online",
        payment_method="Carta di credito",
        transfers=(
            ReceiptTransferInfo("Comune di Roccasecca dei Volsci", ENTE_CF, FULL_IBAN, 1800),
            ReceiptTransferInfo("Regione Lazio", "80143490581", None, 400),
        ),
        verification_url="https://sportello.example.it/q/7Hk2pQ",
    )
    values.update(overrides)
    return QuietanzaInfo(**values)


def barcodes(pdf: bytes, scale: float = 4) -> list[list[tuple[str, str]]]:
    """(format name, text) of every barcode found, page by page."""
    doc = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for page in doc:
            image = page.render(scale=scale).to_pil()
            pages.append([(b.format.name, b.text) for b in zxingcpp.read_barcodes(image)])
        return pages
    finally:
        doc.close()


def qr_texts(pdf: bytes) -> list[str]:
    return [text for page in barcodes(pdf) for fmt, text in page if fmt == "QRCode"]


def page_texts(pdf: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [page.extract_text() or "" for page in doc.pages]


def all_text(pdf: bytes) -> str:
    return "\n".join(page_texts(pdf))


def flow_texts(pdf: bytes) -> list[str]:
    """Each page's text in the order it was written, whitespace folded to single spaces:
    a sentence wrapped over several lines of one column reads whole again."""
    with pdfplumber.open(io.BytesIO(pdf)) as doc:
        return [" ".join((page.extract_text(use_text_flow=True) or "").split())
                for page in doc.pages]


def flow_text(pdf: bytes) -> str:
    return " ".join(flow_texts(pdf))


@pytest.fixture
def spec_dir() -> Path:
    if not SPEC_DIR.is_dir():
        pytest.skip(f"pagoPA spec folder not found at {SPEC_DIR}")
    return SPEC_DIR
