"""Plain input records for the PDF renderers.

They are frozen dataclasses with no Django dependency, so that the renderers can be
called from views, tasks or scripts alike and tested without a database. The checks
in ``__post_init__`` reject data that would produce a notice nobody can pay (wrong
codice avviso, missing amount), rather than printing it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime

SUBJECT_MAX_CHARS = 90
"""AVVISO.OGGETTO limit of the pagoPA notice guide."""

ENTE_NAME_MAX_CHARS = 100
"""ENTE.NOME limit of the guide from 3.5.1 (50 before): printed whole, wrapped or shrunk."""

MANY_INSTALLMENTS = 10
"""From this many installments on, the guide's "Avviso con molte rate" layout is used
(pagoPA's print service switches template above 9)."""

_NOTICE_RE = re.compile(r"\d{18}")
_ENTE_CF_RE = re.compile(r"\d{11}")


def _check_png(logo: bytes | None) -> None:
    # A str would be taken by fpdf2 as a path or URL: only raw bytes are accepted.
    if logo is not None and not isinstance(logo, bytes | bytearray):
        raise TypeError("logo_png must be the PNG file content (bytes), not a path or URL")


@dataclass(frozen=True)
class PostalAccount:
    """Postal current account on which the Ente also collects (Bollettino Postale PA).

    ``number`` is the 12-digit account number, the last 12 characters of the account's
    IBAN (``documents.builders.postal_account_number``); the data matrix carries it so.
    """

    number: str
    holder: str
    authorisation_code: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"\d{1,12}", self.number):
            raise ValueError("postal account number must have 1 to 12 digits")


@dataclass(frozen=True)
class EnteInfo:
    """The Ente creditore as printed on notices and receipts."""

    name: str
    fiscal_code: str
    sector: str = ""
    website: str = ""
    email: str = ""
    pec: str = ""
    phone: str = ""
    cbill: str | None = None
    logo_png: bytes | None = None
    postal_account: PostalAccount | None = None

    def __post_init__(self) -> None:
        if not _ENTE_CF_RE.fullmatch(self.fiscal_code):
            raise ValueError("the Ente fiscal code must be 11 digits (it goes in the QR code)")
        _check_png(self.logo_png)


@dataclass(frozen=True)
class PartyInfo:
    """Debtor (destinatario) or payer as printed: a name, a code, address lines. Not
    ``pagopa.messages.DebtorInfo``, the pagoPA subject as the SOAP messages carry it."""

    full_name: str
    fiscal_code: str | None = None
    address_lines: tuple[str, ...] = ()


@dataclass(frozen=True)
class InstallmentInfo:
    """One payable item: the single payment or one installment (rata)."""

    notice_number: str
    iuv: str
    amount_cents: int
    due_date: date | None = None
    label: str = ""
    description: str = ""
    """What this item pays (``PaymentOption.payment_description``, e.g. "TARI 2026 - rata
    2 di 3"): its Oggetto del pagamento in the Poste data matrix; empty: the notice's."""
    plan: int = 1
    """The installment plan it belongs to (``PaymentOption.plan``): plans are alternatives
    and each is printed as its own group of installments."""
    number: int | None = None
    """The installment's number in its plan (None for the single payment): a plan whose
    first printed installment is not 1 is partly paid, and the notice says so."""

    def __post_init__(self) -> None:
        if not _NOTICE_RE.fullmatch(self.notice_number):
            raise ValueError(f"codice avviso must be 18 digits: {self.notice_number!r}")
        if not 1 <= self.amount_cents <= 99_999_999_999:
            raise ValueError("amount must be between 0,01 and 999.999.999,99 euro")


@dataclass(frozen=True)
class NoticeInfo:
    """Everything printed on an avviso di pagamento."""

    subject: str
    ente: EnteInfo
    debtor: PartyInfo
    single_payment: InstallmentInfo | None = None
    installments: tuple[InstallmentInfo, ...] = ()
    payable_on_ente_site: bool = True
    """Dove pagare names the Ente's site among the channels (the portal pays every notice)."""
    pagopa_mark_png: bytes | None = None
    """The pagoPA mark for the header, when the installation supplies it (see
    ``DOCUMENTS_PAGOPA_MARK``): the mark is licensed to adhering Enti, not to this code."""

    def __post_init__(self) -> None:
        _check_png(self.pagopa_mark_png)
        if not self.subject.strip():
            raise ValueError("the subject (oggetto) is required")
        if len(self.subject) > SUBJECT_MAX_CHARS:
            raise ValueError(f"the subject (oggetto) exceeds {SUBJECT_MAX_CHARS} characters")
        if self.single_payment is None and not self.installments:
            raise ValueError("a notice needs a single payment, installments, or both")
        if len(self.installments) == 1 and self.single_payment is None:
            raise ValueError("one installment alone is the notice's payment: single_payment")
        object.__setattr__(self, "installments", tuple(self.installments))


@dataclass(frozen=True)
class ReceiptTransferInfo:
    """One transfer of a paid position; ``iban`` is None for a marca da bollo."""

    beneficiary_name: str
    beneficiary_fiscal_code: str
    iban: str | None
    amount_cents: int


@dataclass(frozen=True)
class QuietanzaInfo:
    """Everything printed on a quietanza, mostly taken from the pagoPA receipt (paSendRT,
    parsed as ``pagopa.messages.ReceiptInfo``, stored by payments as a ``Receipt``)."""

    ente: EnteInfo
    debtor: PartyInfo
    service_name: str
    causale: str
    amount_cents: int
    payment_datetime: datetime
    iuv: str
    notice_number: str
    receipt_id: str
    psp_name: str
    verification_url: str
    fee_cents: int | None = None
    payer: PartyInfo | None = None
    extra_fields: tuple[tuple[str, str], ...] = ()
    psp_fiscal_code: str | None = None
    channel: str = ""
    payment_method: str = ""
    transfers: tuple[ReceiptTransferInfo, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if not _NOTICE_RE.fullmatch(self.notice_number):
            raise ValueError(f"codice avviso must be 18 digits: {self.notice_number!r}")
        if self.amount_cents < 0 or (self.fee_cents or 0) < 0:
            raise ValueError("amounts cannot be negative")
        object.__setattr__(self, "transfers", tuple(self.transfers))
        object.__setattr__(self, "extra_fields", tuple(tuple(f) for f in self.extra_fields))

    @property
    def total_cents(self) -> int:
        """Amount plus fee: computed, so it can never disagree with its parts."""
        return self.amount_cents + (self.fee_cents or 0)
