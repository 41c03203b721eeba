"""Plain data exchanged with the paForNode SOAP layer.

The Django side builds and reads these frozen dataclasses and never sees XML:
``pagopa.soap`` turns them into XSD-valid messages and back. Money is always an
``int`` number of euro-cents, so no float or Decimal leaks out of the protocol layer.
Field names follow the XSD element names in snake_case, so the mapping stays obvious.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

#: ``ctMetadata``: ordered key/value pairs (keys may repeat in the XSD, so no dict).
Metadata = tuple[tuple[str, str], ...]


class Operation(StrEnum):
    """paForNode operations this package handles; the value is the SOAPAction."""

    VERIFY = "paVerifyPaymentNotice"
    GET_PAYMENT = "paGetPayment"
    GET_PAYMENT_V2 = "paGetPaymentV2"
    SEND_RT = "paSendRT"
    SEND_RT_V2 = "paSendRTV2"


class FaultCode(StrEnum):
    """EC fault codes (RULES §6.2); ``fault_string`` gives the official pairing."""

    SINTASSI_XSD = "PAA_SINTASSI_XSD"
    SINTASSI_EXTRAXSD = "PAA_SINTASSI_EXTRAXSD"
    ID_DOMINIO_ERRATO = "PAA_ID_DOMINIO_ERRATO"
    ID_INTERMEDIARIO_ERRATO = "PAA_ID_INTERMEDIARIO_ERRATO"
    STAZIONE_INT_ERRATA = "PAA_STAZIONE_INT_ERRATA"
    PAGAMENTO_SCONOSCIUTO = "PAA_PAGAMENTO_SCONOSCIUTO"
    PAGAMENTO_SCADUTO = "PAA_PAGAMENTO_SCADUTO"
    PAGAMENTO_ANNULLATO = "PAA_PAGAMENTO_ANNULLATO"
    PAGAMENTO_DUPLICATO = "PAA_PAGAMENTO_DUPLICATO"
    PAGAMENTO_IN_CORSO = "PAA_PAGAMENTO_IN_CORSO"
    SEMANTICA = "PAA_SEMANTICA"
    RECEIPT_DUPLICATA = "PAA_RECEIPT_DUPLICATA"
    SYSTEM_ERROR = "PAA_SYSTEM_ERROR"

    @property
    def fault_string(self) -> str:
        """The faultString pagoPA pairs with this code (1:1 by convention)."""
        return FAULT_STRINGS[self]


FAULT_STRINGS: dict[FaultCode, str] = {
    FaultCode.SINTASSI_XSD: "Errore di sintassi XSD",
    FaultCode.SINTASSI_EXTRAXSD: "Errore di sintassi extra XSD",
    FaultCode.ID_DOMINIO_ERRATO: "La PAA non corrisponde al Dominio indicato",
    FaultCode.ID_INTERMEDIARIO_ERRATO: "Identificativo intermediario non corrispondente",
    FaultCode.STAZIONE_INT_ERRATA: "Stazione intermediario non corrispondente",
    FaultCode.PAGAMENTO_SCONOSCIUTO: "Pagamento in attesa risulta sconosciuto all’Ente Creditore",
    FaultCode.PAGAMENTO_SCADUTO: "Pagamento in attesa risulta scaduto all’Ente Creditore",
    FaultCode.PAGAMENTO_ANNULLATO: "Pagamento in attesa risulta annullato all’Ente Creditore",
    FaultCode.PAGAMENTO_DUPLICATO: "Pagamento in attesa risulta concluso all’Ente Creditore",
    FaultCode.PAGAMENTO_IN_CORSO: "Pagamento in attesa risulta in corso all’Ente Creditore",
    FaultCode.SEMANTICA: "Errore semantico",
    # Not in the "Dominio EC" table; the error guide describes it as a duplicated message.
    FaultCode.RECEIPT_DUPLICATA: "Messaggio duplicato",
    FaultCode.SYSTEM_ERROR: "Errore generico",
}


@dataclass(frozen=True)
class Fault:
    """``ctFaultBean`` as an EC emits it: ``id`` is the EC fiscal code raising it."""

    fault_code: str
    fault_string: str
    id: str
    description: str | None = None
    serial: int | None = None
    original_fault_code: str | None = None
    original_fault_string: str | None = None
    original_description: str | None = None

    @classmethod
    def of(cls, code: FaultCode, id: str, description: str | None = None) -> Fault:
        """Fault with the official faultString for ``code``."""
        return cls(fault_code=code.value, fault_string=code.fault_string, id=id,
                   description=description)


@dataclass(frozen=True)
class RequestHeader:
    """Routing fields every Node→EC request carries (idPA, idBrokerPA, idStation)."""

    id_pa: str
    id_broker_pa: str
    id_station: str


@dataclass(frozen=True)
class VerifyRequest:
    """paVerifyPaymentNoticeReq: which notice the PSP is asking about."""

    header: RequestHeader
    fiscal_code: str
    notice_number: str


@dataclass(frozen=True)
class GetPaymentRequest:
    """paGetPaymentReq / paGetPaymentV2Request (identical content, ``version`` tells)."""

    header: RequestHeader
    fiscal_code: str
    notice_number: str
    amount_cents: int | None = None
    payment_note: str | None = None
    transfer_type: str | None = None  # "POSTAL" | "PAGOPA"
    due_date: dt.date | None = None
    version: int = 2


@dataclass(frozen=True)
class PaymentNoticeInfo:
    """Data of a positive paVerifyPaymentNoticeRes (one payment option, EQ)."""

    amount_cents: int
    payment_description: str
    fiscal_code_pa: str
    company_name: str
    all_ccp: bool = False
    due_date: dt.date | None = None
    detail_description: str | None = None
    office_name: str | None = None
    options: str = "EQ"


@dataclass(frozen=True)
class DebtorInfo:
    """``ctSubject``: debtor or payer; ``id_type`` F (person) / G (legal entity)."""

    id_type: str
    id_value: str
    full_name: str
    street_name: str | None = None
    civic_number: str | None = None
    postal_code: str | None = None
    city: str | None = None
    state_province_region: str | None = None
    country: str | None = None
    email: str | None = None


@dataclass(frozen=True)
class StampInfo:
    """``ctRichiestaMarcaDaBollo`` (@e.bollo request in a paGetPaymentV2 transfer)."""

    hash_documento: bytes
    provincia_residenza: str
    tipo_bollo: str = "01"


@dataclass(frozen=True)
class TransferInfo:
    """One transfer (``ctTransferPA``/``V2``/``ReceiptV2``).

    Exactly one of ``iban`` / ``stamp`` (getPayment V2) / ``mbd_attachment``
    (receipt V2) is set; V1 messages need ``iban``.
    """

    id_transfer: int
    amount_cents: int
    fiscal_code_pa: str
    remittance_information: str
    transfer_category: str
    iban: str | None = None
    company_name: str | None = None
    metadata: Metadata = ()
    stamp: StampInfo | None = None
    mbd_attachment: bytes | None = None


@dataclass(frozen=True)
class PaymentInfo:
    """``data`` of a positive paGetPayment(V2) response (``ctPaymentPA``/``V2``)."""

    creditor_reference_id: str
    amount_cents: int
    due_date: dt.date
    description: str
    debtor: DebtorInfo
    transfers: tuple[TransferInfo, ...]
    company_name: str | None = None  # mandatory in V2
    office_name: str | None = None
    retention_date: dt.datetime | None = None
    last_payment: bool | None = None
    metadata: Metadata = ()


@dataclass(frozen=True)
class ReceiptInfo:
    """Everything a paSendRT / paSendRTV2 receipt carries (``ctReceipt``/``V2``).

    ``payment_note``, ``primary_ci_incurred_fee_cents``, ``id_bundle`` and
    ``id_ci_bundle`` exist only in V2 and stay ``None`` for V1 receipts.
    """

    receipt_id: str
    notice_number: str
    fiscal_code: str
    outcome: str
    creditor_reference_id: str
    amount_cents: int
    description: str
    company_name: str
    debtor: DebtorInfo
    transfers: tuple[TransferInfo, ...]
    id_psp: str
    psp_company_name: str
    id_channel: str
    channel_description: str
    office_name: str | None = None
    psp_fiscal_code: str | None = None
    psp_partita_iva: str | None = None
    payer: DebtorInfo | None = None
    payment_method: str | None = None
    payment_note: str | None = None
    fee_cents: int | None = None
    primary_ci_incurred_fee_cents: int | None = None
    id_bundle: str | None = None
    id_ci_bundle: str | None = None
    payment_date_time: dt.datetime | None = None
    application_date: dt.date | None = None
    transfer_date: dt.date | None = None
    metadata: Metadata = ()
    stand_in: bool | None = None


@dataclass(frozen=True)
class SendRTRequest:
    """paSendRTReq / paSendRTV2Request."""

    header: RequestHeader
    receipt: ReceiptInfo
    version: int = 2


@dataclass(frozen=True)
class Response:
    """A parsed paForNode response (what the Node reads back from the EC).

    ``data`` is a :class:`PaymentNoticeInfo` (verify), :class:`PaymentInfo`
    (getPayment) or ``None`` (sendRT, or any KO).
    """

    operation: Operation
    outcome: str
    fault: Fault | None = None
    data: PaymentNoticeInfo | PaymentInfo | None = field(default=None)

    @property
    def ok(self) -> bool:
        return self.outcome == "OK"
