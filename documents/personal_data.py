"""*Scarica i miei dati*: what the portal holds about an account, at one Ente, as JSON
(machine-readable, GDPR art. 20) and as a PDF a person can read.

It lives here because it gathers the account (accounts), its positions (positions) and
their receipts (payments); documents is the app that may read all three.
"""

from __future__ import annotations

import json

from django.db.models import Q
from django.utils import timezone

from documents._pdf import DocPDF
from pagopa.money import format_euro
from payments.models import Receipt
from positions.access import account_positions, followed_positions
from positions.models import PaymentOption

ACCOUNT_FIELDS = ("email", "first_name", "last_name", "company_name", "entity_type",
                  "fiscal_code", "fiscal_code_level", "address", "nation", "city", "province",
                  "postal_code", "phone", "date_joined", "last_login", "privacy_acknowledged_at")


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def personal_data(user, organization) -> dict:
    """Everything about ``user`` at ``organization``, as plain JSON-able values."""
    own = list(account_positions(user, organization).order_by("created_at"))
    followed = list(followed_positions(user, organization))
    positions = own + [p for p in followed if p not in own]
    options = (PaymentOption.objects.filter(position__in=positions)
               .order_by("position_id", "installment_number", "pk"))
    by_position: dict[int, list[dict]] = {}
    for option in options:
        by_position.setdefault(option.position_id, []).append({
            "iuv": option.iuv, "codice_avviso": option.notice_number,
            "rata": option.installment_number, "importo_centesimi": option.amount_cents,
            "scadenza": _text(option.due_date), "stato": option.status,
            "pagata_il": _text(option.paid_at)})
    receipts = (Receipt.objects.filter(organization=organization, applied=True,
                                       option__position__in=positions)
                .order_by("payment_date_time"))
    return {
        "generato_il": timezone.now().isoformat(),
        "ente": {"denominazione": organization.name, "codice_fiscale": organization.fiscal_code},
        "utenza": {name: _text(getattr(user, name, "")) for name in ACCOUNT_FIELDS},
        "verifiche_codice_fiscale": [
            {"codice_fiscale": v.fiscal_code, "metodo": v.method,
             "verificato_il": _text(v.verified_at)}
            for v in user.fiscal_code_verifications.filter(
                Q(organization=organization) | Q(organization__isnull=True))
        ],
        "pratiche": [{
            "causale": p.causale, "servizio": p.service.name,
            "riferimento": p.external_reference, "stato": p.status,
            "creata_il": _text(p.created_at),
            "seguita": p not in own,
            "dati_inseriti": p.field_values,
            "importi": by_position.get(p.pk, []),
        } for p in positions],
        "ricevute": [{
            "iur": r.receipt_id, "iuv": r.creditor_reference_id,
            "importo_centesimi": r.amount_cents, "commissione_centesimi": r.fee_cents,
            "prestatore": r.psp_company_name, "pagata_il": _text(r.payment_date_time),
        } for r in receipts],
    }


def as_json(data: dict) -> bytes:
    return json.dumps(data, ensure_ascii=False, indent=2).encode("utf-8")


def as_pdf(data: dict) -> bytes:
    """The same data, laid out for reading: one section per part, plain lines."""
    pdf = DocPDF(title="I miei dati", author=data["ente"]["denominazione"],
                 subject="Dati personali dell'utenza")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    def line(text: str, size: float = 10, weight: str = "regular") -> None:
        pdf.font(size, weight)
        pdf.set_x(pdf.l_margin)
        for part in pdf.lines(text, width, 50) or [""]:
            if pdf.get_y() > pdf.h - 20:
                pdf.add_page()
            pdf.set_x(pdf.l_margin)
            pdf.cell(width, size * 0.5, part, new_x="LMARGIN", new_y="NEXT")

    line(f"I miei dati presso {data['ente']['denominazione']}", 16, "bold")
    line(f"Generato il {data['generato_il'][:19].replace('T', ' ')}", 9)
    pdf.ln(4)
    line("Utenza", 12, "semibold")
    for name, value in data["utenza"].items():
        if value:
            line(f"{name}: {value}")
    pdf.ln(3)
    line("Pratiche", 12, "semibold")
    if not data["pratiche"]:
        line("Nessuna pratica.")
    for position in data["pratiche"]:
        line(f"{position['causale']} ({position['servizio']}) - stato {position['stato']}",
             10, "semibold")
        for option in position["importi"]:
            line(f"  IUV {option['iuv']} · avviso {option['codice_avviso']} · "
                 f"{format_euro(option['importo_centesimi'])} · {option['stato']}")
    pdf.ln(3)
    line("Ricevute", 12, "semibold")
    if not data["ricevute"]:
        line("Nessuna ricevuta.")
    for receipt in data["ricevute"]:
        line(f"IUR {receipt['iur']} · IUV {receipt['iuv']} · "
             f"{format_euro(receipt['importo_centesimi'])} · {receipt['prestatore']} · "
             f"{receipt['pagata_il'][:10]}")
    return bytes(pdf.output())
