"""What the API reads and writes, as pydantic models (the OpenAPI schema is made from
them). Names in English, pagoPA's vocabulary where it has a word (IUV, notice number,
transfer); amounts are integer euro cents, dates ISO 8601.

Every text is one line without control characters already here, so nothing a caller
sends reaches a query or the domain as something the database cannot store; the
domain then applies pagoPA's own rules (IBAN, taxonomy, codice fiscale, amounts)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import BeforeValidator, ConfigDict

from catalog.models import MAX_AMOUNT_CENTS

#: One line of text: no control characters, no line separators.
ONE_LINE = r"^[^\x00-\x1f\x7f-\x9f\u2028\u2029]*$"
MAX_OPTIONS = 100
MAX_TRANSFERS = 5


def text(max_length: int, min_length: int = 0, **kwargs):
    return Field(default=kwargs.pop("default", ...), max_length=max_length,
                 min_length=min_length, pattern=ONE_LINE, **kwargs)


# Strict: JSON true is not the number 1, nor 12.0 the number 12 (as the schema says).
Amount = Annotated[int, Field(ge=1, le=MAX_AMOUNT_CENTS, strict=True,
                              description="Importo in centesimi di euro (2200 = 22,00 €).")]
Flag = Annotated[bool, Field(strict=True)]


def _text_only(value):
    """A date is a "YYYY-MM-DD" string here, never a number of seconds."""
    if not isinstance(value, str | date):
        raise ValueError("date must be a string")  # reported as date_type, in Italian
    return value


IsoDate = Annotated[date, BeforeValidator(_text_only)]


class Strict(Schema):
    """Unknown fields are refused (a typo must not be silently ignored)."""

    model_config = ConfigDict(extra="forbid")


# --- input ---------------------------------------------------------------------------

class DebtorIn(Strict):
    fiscal_code: str = Field(..., pattern=r"^[A-Za-z0-9]{11,16}$",
                             description="Codice fiscale (16) o partita IVA (11).")
    full_name: str = text(70, 1, description="Nome e cognome o ragione sociale.")
    address: str = text(140, default="")
    city: str = text(70, default="")
    province: str = text(2, default="")
    postal_code: str = text(16, default="")
    nation: str = Field(default="IT", pattern=r"^[A-Za-z]{2}$")
    entity_type: Literal["F", "G"] | None = Field(
        default=None, description="F persona fisica, G giuridica; vuoto: dal codice.")
    email: str = text(254, default="")
    phone: str = text(30, default="")


class TransferIn(Strict):
    amount_cents: Amount
    iban: str = text(34, default="", description="Vuoto: l'IBAN dell'Ente.")
    postal_iban: str = text(34, default="")
    remittance_information: str = text(140, default="", description="Vuoto: la causale.")
    beneficiary_fiscal_code: str = text(11, default="", description="Vuoto: l'Ente.")
    beneficiary_name: str = text(140, default="")
    taxonomy_code: str = text(16, default="", description="Vuoto: quello del servizio.")


class OptionIn(Strict):
    amount_cents: Amount
    due_date: IsoDate
    installment_number: int | None = Field(
        default=None, ge=1, le=MAX_OPTIONS, strict=True,
        description="Vuoto per il pagamento in unica soluzione; 1…n per le rate.")
    plan: int | None = Field(default=None, ge=0, le=9, strict=True,
                             description="0 unica soluzione, 1… piani rateali (vuoto: dedotto).")
    description: str = text(140, default="")
    transfers: list[TransferIn] = Field(
        default_factory=list, max_length=MAX_TRANSFERS,
        description="1–5 trasferimenti che sommano all'importo; vuoto: uno all'Ente.")


class PositionIn(Strict):
    reference: str = text(35, default="",
                          description="Riferimento pratica dell'Ente: ripetere una creazione "
                                      "con lo stesso riferimento restituisce la posizione "
                                      "esistente (200).")
    service: str = Field(..., min_length=1, max_length=35, pattern=r"^[-a-zA-Z0-9_]+$",
                         description="Codice del servizio (tipologia) dell'Ente.")
    causale: str = text(140, 1)
    debtor: DebtorIn
    switch_to_expired: Flag = False
    options: list[OptionIn] = Field(..., min_length=1, max_length=MAX_OPTIONS)


class OptionUpdate(Strict):
    iuv: str = Field(..., pattern=r"^\d{17}$")
    amount_cents: Amount | None = None
    due_date: IsoDate | None = None
    transfers: list[TransferIn] = Field(default_factory=list, max_length=MAX_TRANSFERS)


class PositionUpdate(Strict):
    version: int | None = Field(
        default=None, ge=0, le=2_000_000_000, strict=True,
        description="La versione letta: se nel frattempo è cambiata, 409 concurrent_edit.")
    causale: str | None = text(140, 1, default=None)
    reference: str | None = text(35, default=None)
    switch_to_expired: Flag | None = None
    debtor: DebtorIn | None = None
    options: list[OptionUpdate] = Field(default_factory=list, max_length=MAX_OPTIONS)


class CancelIn(Strict):
    reason: str = text(500, 5, description="Il motivo dell'annullamento.")
    version: int | None = Field(default=None, ge=0, le=2_000_000_000, strict=True)


# --- output --------------------------------------------------------------------------

class DebtorOut(Schema):
    fiscal_code: str
    entity_type: Literal["F", "G"]
    full_name: str
    address: str
    city: str
    province: str
    postal_code: str
    nation: str
    email: str


class TransferOut(Schema):
    index: int
    amount_cents: int
    iban: str
    postal_iban: str
    remittance_information: str
    beneficiary_fiscal_code: str
    beneficiary_name: str
    taxonomy_code: str


class OptionOut(Schema):
    iuv: str
    notice_number: str
    plan: int
    installment_number: int | None
    amount_cents: int
    due_date: date | None
    description: str
    status: Literal["unpaid", "paid", "cancelled", "expired", "superseded"]
    paid_at: datetime | None
    transfers: list[TransferOut]


class PositionOut(Schema):
    id: int
    reference: str
    service: str
    causale: str
    status: Literal["valid", "partially_paid", "paid", "cancelled", "expired"]
    switch_to_expired: bool
    cancellation_reason: str
    version: int
    created_at: datetime
    updated_at: datetime
    debtor: DebtorOut
    options: list[OptionOut]


class PositionPage(Schema):
    items: list[PositionOut]
    next_cursor: str | None = Field(
        description="Da passare come ``cursor`` per la pagina seguente; null: finite.")


class ReceiptOut(Schema):
    id: int
    position_id: int | None
    iuv: str
    notice_number: str
    receipt_id: str = Field(description="IUR: l'identificativo univoco della riscossione.")
    outcome: str
    amount_cents: int
    fee_cents: int | None
    payment_date_time: datetime | None
    received_at: datetime
    psp_id: str
    psp_name: str
    payment_method: str
    applied: bool
    debtor: dict
    payer: dict | None
    transfers: list[dict]


class ReceiptPage(Schema):
    items: list[ReceiptOut]
    next_cursor: str | None


class AccountingRowOut(Schema):
    """One collected receipt in the accounting office's layout (as the back office's
    export): where its money is, by the reporting flow and the treasurer's credit."""

    receipt: int = Field(description="L'id della ricevuta (come in /receipts).")
    payment_date_time: datetime | None
    iuv: str
    notice_number: str
    debtor_fiscal_code: str
    debtor_name: str
    service: str
    accounting_chapter: str = Field(description="Capitolo di bilancio del servizio.")
    accounting_assessment: str = Field(description="Accertamento del servizio.")
    causale: str
    amount_cents: int
    fee_cents: int | None
    psp: str
    receipt_id: str = Field(description="IUR: l'identificativo univoco della riscossione.")
    flow_id: str = Field(description="Il flusso di rendicontazione in vigore che la "
                                     "riporta; vuoto se nessuno la riporta ancora.")
    regulation_date: date | None = Field(description="Data di regolamento del flusso.")
    credit_date: date | None = Field(description="Data dell'accredito del tesoriere.")


class AccountingPage(Schema):
    items: list[AccountingRowOut]
    next_cursor: str | None


class ItemResultOut(Schema):
    index: int
    reference: str
    outcome: Literal["created", "unchanged", "updated", "conflict", "invalid", "rejected"]
    position_id: int | None
    errors: list[str]


class BulkIn(Strict):
    positions: list[PositionIn] = Field(..., min_length=1, max_length=1000)


class BulkOut(Schema):
    all_or_nothing: bool
    counts: dict[str, int]
    items: list[ItemResultOut]


class ProblemError(Schema):
    field: str = Field(description="Dove: ad esempio body.options.0.amount_cents.")
    message: str
    type: str = ""


class Problem(Schema):
    """RFC 9457 problem details (``application/problem+json``)."""

    type: str
    title: str
    status: int
    detail: str
    instance: str
    code: str = Field(description="Codice macchina stabile del problema.")
    errors: list[ProblemError] = Field(default_factory=list)
