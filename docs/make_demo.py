"""Render the demo notice (3 installments) and receipt to PNG (first page) for the docs.

Run from the repository root: python docs/make_demo.py
"""

from __future__ import annotations

import io
import sys
from datetime import UTC, date, datetime
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from documents.avviso import render_notice  # noqa: E402
from documents.data import (  # noqa: E402
    EnteInfo,
    InstallmentInfo,
    NoticeInfo,
    PartyInfo,
    PostalAccount,
    QuietanzaInfo,
    ReceiptTransferInfo,
)
from documents.quietanza import render_receipt  # noqa: E402


def notice_number(base: int) -> str:
    head = f"300{base:013d}"
    return f"{head}{int(head) % 93:02d}"


def demo_logo() -> bytes:
    image = Image.new("RGB", (360, 160), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((10, 10, 150, 150), fill=(0, 102, 204))
    draw.rectangle((170, 50, 350, 70), fill=(0, 102, 204))
    draw.rectangle((170, 90, 300, 110), fill=(92, 111, 130))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


ENTE = EnteInfo(
    name="Comune di Roccasecca dei Volsci", fiscal_code="00123456789",
    sector="Servizio Tributi", website="www.comune.example.it",
    email="tributi@comune.example.it", pec="protocollo@pec.comune.example.it",
    phone="0773 000000", cbill="AB1C2", logo_png=demo_logo(),
    postal_account=PostalAccount("000016302093", "Comune di Roccasecca dei Volsci - Tesoreria",
                                 "AUT. DB/SSIC/E 12345 DEL 01/02/2024"),
)
DEBTOR = PartyInfo("Mario Rossi", "RSSMRA80A01H501U",
                   ("Via Roma 1", "04010 Roccasecca dei Volsci (LT)"))


def first_page_png(pdf: bytes, path: Path) -> None:
    doc = pdfium.PdfDocument(pdf)
    doc[0].render(scale=2).to_pil().convert("RGB").quantize(64).save(path, optimize=True)
    doc.close()


def main() -> None:
    rates = tuple(
        InstallmentInfo(notice_number(100 + i), notice_number(100 + i)[1:], 34033,
                        date(2026, 3 + 3 * i, 30), f"Rata {i + 1}",
                        description=f"Tassa sui rifiuti (TARI) 2025 – rata {i + 1} di 3")
        for i in range(3)
    )
    notice = NoticeInfo(
        subject="Tassa sui rifiuti (TARI) 2025",
        ente=ENTE, debtor=DEBTOR,
        single_payment=InstallmentInfo(notice_number(99), notice_number(99)[1:], 102099,
                                       date(2026, 3, 30)),
        installments=rates,
    )
    receipt = QuietanzaInfo(
        ente=ENTE, debtor=DEBTOR, payer=PartyInfo("Anna Bianchi", "BNCNNA85M41H501X"),
        service_name="Diritti di segreteria", causale="Certificato di residenza",
        extra_fields=(("Numero pratica", "2025/0042"),),
        amount_cents=2200, fee_cents=150,
        payment_datetime=datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC),
        iuv="00715700000000032", notice_number="300715700000000032",
        receipt_id="b4d3c0ffee1234567890abcdef", psp_name="Banca Esempio S.p.A.",
        psp_fiscal_code="01234567890", channel="Carta di pagamento online",
        payment_method="Carta di credito",
        transfers=(
            ReceiptTransferInfo("Comune di Roccasecca dei Volsci", "00123456789",
                                "IT60X0542811101000000123456", 1800),
            ReceiptTransferInfo("Regione Lazio", "80143490581", None, 400),
        ),
        verification_url="https://sportello.example.it/q/7Hk2pQ",
    )
    first_page_png(render_notice(notice), ROOT / "docs" / "avviso-demo.png")
    first_page_png(render_receipt(receipt), ROOT / "docs" / "quietanza-demo.png")


if __name__ == "__main__":
    main()
