"""Formatting helpers that only the documents need.

Amounts, the grouped codice avviso and the QR payload come from ``pagopa.money``,
``pagopa.identifiers`` and ``pagopa.qr``: one implementation for pages, SOAP and PDFs,
so a printed notice can never disagree with what the Node is told.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from zoneinfo import ZoneInfo

from pagopa.money import format_euro

ROME = ZoneInfo("Europe/Rome")


def format_date(value: date | None) -> str:
    """dd/mm/yyyy, the format the avviso prescribes."""
    return value.strftime("%d/%m/%Y") if value else ""


def format_datetime(value: datetime) -> str:
    """Date and time in Rome time (aware values are converted, naive ones are taken as is)."""
    if value.tzinfo is not None:
        value = value.astimezone(ROME)
    return value.strftime("%d/%m/%Y %H:%M:%S")


def _fixed(text: str, width: int) -> str:
    """Left-aligned, space-padded, cut to ``width``; accents folded to ASCII."""
    folded = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    ascii_text = folded.encode("ascii", "replace").decode("ascii")
    return ascii_text[:width].ljust(width)


def poste_datamatrix_payload(
    notice_number: str,
    postal_account: str,
    amount_cents: int,
    ente_fiscal_code: str,
    debtor_fiscal_code: str | None,
    debtor_name: str,
    subject: str,
) -> str:
    """Poste Italiane data-matrix string of the Bollettino Postale PA (256 characters).

    TO BE CONFIRMED against Poste Italiane's "Manuale della stampa in proprio", which
    pagoPA refers to and which we do not have: this is the de-facto layout decoded by
    the pagoPA IO app and produced by other generators (see RULES.md §2.2).
    """
    payload = (
        "codfase=NBPA;"
        + "18"
        + notice_number
        + "12"
        + postal_account.rjust(12, "0")
        + "10"
        + f"{amount_cents:010d}"
        + "3"
        + "896"
        + "1P1"
        + ente_fiscal_code
        + _fixed((debtor_fiscal_code or "").upper(), 16)
        + _fixed(debtor_name.upper(), 40)
        + _fixed(subject.upper(), 110)
        + " " * 12
        + "A"
    )
    if len(payload) != 256:
        raise ValueError("malformed data-matrix payload")
    return payload


def mask_iban(iban: str) -> str:
    """Only the last four characters stay readable: 'IT60X05…23456' -> '****3456'."""
    compact = re.sub(r"\s+", "", iban)
    return "****" + compact[-4:]


def sentence_case(text: str) -> str:
    """The oggetto must not be ALL CAPS: fold a fully upper-case text to sentence case.

    Mixed-case texts are left alone, so acronyms written by staff (e.g. 'TARI 2025 -
    acconto') survive.
    """
    if any(c.isalpha() for c in text) and text == text.upper():
        lowered = text.lower()
        return lowered[:1].upper() + lowered[1:]
    return text


def euro_text(cents: int) -> str:
    """Amount as the avviso prints it: the Italian figure and the guide's fixed word "Euro"
    ("1.020,99 Euro"); the figure is ``pagopa.money.format_euro``'s, without the sign."""
    return format_euro(cents).removesuffix(" €") + " Euro"
