"""The treasurer's account statement (ISO 20022 camt.053) read into typed credits.

The XML is walked by pycamt (a maintained camt.053/052 reader on lxml, with entity
resolution and network access off); this module adds what the reconciliation needs and
pycamt leaves to its callers: the namespace check (camt.053, any version from 001.02 on),
no DOCTYPE at all (no entity tricks), amounts in integer cents, real dates, only booked
credits, and the flow id of pagoPA's remittance convention
``/PUR/LGPE-RIVERSAMENTO/URI/<flow id>``. Every refusal is a :class:`StatementError` with
an Italian message for the upload form: a file is imported whole or not at all.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree
from pycamt.parser import Camt053ParseError, Camt053Parser

#: ``urn:iso:std:iso:20022:tech:xsd:camt.053.001.02`` … ``.13`` and later.
NAMESPACE = re.compile(r"^urn:iso:std:iso:20022:tech:xsd:camt\.053\.001\.(\d{2})$")
#: pagoPA's remittance of a SEPA credit that settles a reporting flow (SANP, "riversamento").
FLOW_REMITTANCE = re.compile(r"/PUR/LGPE-RIVERSAMENTO/URI/([A-Za-z0-9._-]{1,64})")
AMOUNT = re.compile(r"^\d{1,15}(\.\d{1,2})?$")


class _Parser(Camt053Parser):
    """pycamt looks the account's IBAN up again, across the whole statement, for every
    entry (quadratic: 10 s for 2,000 entries); the answer is the same for all entries of
    one ``Stmt``, so it is looked up once per statement."""

    STATEMENT_PATHS = frozenset({".//Acct//Id//IBAN"})

    def __init__(self, xml_data: bytes):
        super().__init__(xml_data)
        self._per_statement: dict[tuple[int, str], str | None] = {}

    def _find_text(self, element, xpath):
        if xpath not in self.STATEMENT_PATHS or element is None:
            return super()._find_text(element, xpath)
        key = (id(element), xpath)
        if key not in self._per_statement:
            self._per_statement[key] = super()._find_text(element, xpath)
        return self._per_statement[key]


class StatementError(ValueError):
    """The file is not a camt.053 statement we can import; the message says why."""


@dataclass(frozen=True)
class Credit:
    """One booked credit of the account (an entry, or one transaction of a batch entry)."""

    iban: str
    amount_cents: int
    value_date: dt.date | None
    booking_date: dt.date | None
    remittance: str
    flow_id: str
    reference: str


@dataclass(frozen=True)
class Statement:
    version: str
    message_id: str
    #: The accounts the file reports (one ``Stmt`` each), in order.
    ibans: tuple[str, ...]
    credits: tuple[Credit, ...]
    #: Entries left out because the same bank reference appeared earlier in the file.
    duplicates: int
    #: Debits, reversals and entries not yet booked: not pagoPA's credits.
    skipped: int

    @property
    def statement_date(self) -> dt.date | None:
        dates = [c.booking_date or c.value_date for c in self.credits]
        return max((d for d in dates if d), default=None)


def flow_id_of(remittance: str) -> str:
    """The flow id named by pagoPA's remittance convention, or ``""``."""
    found = FLOW_REMITTANCE.search(remittance or "")
    return found.group(1) if found else ""


def _iban(value: str | None) -> str:
    return "".join((value or "").split()).upper()


def _date(text: str | None, what: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        raise StatementError(_("Data non valida nel movimento %(ref)s: %(value)s.")
                             % {"ref": what, "value": text}) from None


def _cents(text: str | None, what: str) -> int:
    value = (text or "").strip()
    if not AMOUNT.match(value):
        raise StatementError(_("Importo non valido nel movimento %(ref)s: %(value)s.")
                             % {"ref": what, "value": value or "—"})
    try:
        return int(Decimal(value) * 100)
    except InvalidOperation:  # pragma: no cover - the pattern already refuses it
        raise StatementError(_("Importo non valido nel movimento %(ref)s.") % {"ref": what}) \
            from None


def _booked(status: str | None) -> bool:
    return (status or "BOOK").strip().upper() == "BOOK"


def parse_camt053(data: bytes) -> Statement:
    """Read a camt.053 file; :class:`StatementError` for anything else."""
    if not data or not data.strip():
        raise StatementError(_("Il file è vuoto."))
    try:
        parser = _Parser(data)
    except etree.XMLSyntaxError:
        raise StatementError(_("Il file non è un XML leggibile: controlla di aver scelto "
                               "l'estratto conto camt.053 scaricato dal tesoriere.")) from None
    except ValueError:  # lxml: a str with an encoding declaration, and the like
        raise StatementError(_("Il file non è un XML leggibile.")) from None
    root = parser.tree
    if root.getroottree().docinfo.doctype:
        raise StatementError(_("Il file contiene una dichiarazione DOCTYPE, che un estratto "
                               "conto camt.053 non ha: non viene letto."))
    namespace = etree.QName(root).namespace or ""
    version = NAMESPACE.match(namespace)
    if etree.QName(root).localname != "Document" or not version or int(version.group(1)) < 2:
        raise StatementError(_("Il file non è un estratto conto ISO 20022 camt.053 "
                               "(trovato: %(ns)s).") % {"ns": namespace or _("nessun namespace")})
    try:
        header = parser.get_group_header()
        accounts = parser.get_statement_info()
        rows = parser.get_transactions()
    except Camt053ParseError:
        raise StatementError(_("Il file non contiene alcun estratto conto (Stmt).")) from None
    except AttributeError:  # pycamt on a header without MsgId/CreDtTm
        raise StatementError(_("L'intestazione del file (GrpHdr) è incompleta.")) from None
    ibans = tuple(dict.fromkeys(_iban(a.get("IBAN")) for a in accounts))
    if not ibans or "" in ibans:
        raise StatementError(_("Ogni estratto conto del file deve indicare l'IBAN del conto."))
    credits: list[Credit] = []
    seen: set[str] = set()
    duplicates = skipped = 0
    for number, row in enumerate(rows, start=1):
        end_to_end = (row.get("EndToEndId") or "").strip()
        if end_to_end == "NOTPROVIDED":
            end_to_end = ""
        # The bank's own reference, else the SEPA credit's end-to-end id (pagoPA's
        # riversamento carries the regulation id there): what makes a credit the same one
        # in two overlapping statements.
        reference = (row.get("TransactionID") or "").strip() or end_to_end
        what = reference or f"n. {number}"
        if (row.get("CreditDebitIndicator") != "CRDT"
                or (row.get("ReversalIndicator") or "").lower() == "true"
                or not _booked(row.get("Status"))):
            skipped += 1
            continue
        if (row.get("Currency") or "EUR") != "EUR":
            raise StatementError(_("Il movimento %(ref)s non è in euro.") % {"ref": what})
        if reference:
            if reference in seen:
                duplicates += 1
                continue
            seen.add(reference)
        remittance = " ".join(filter(None, (
            row.get("RemittanceInformationFull") or row.get("RemittanceInformation"),
            row.get("AdditionalRemittanceInformation"),
            row.get("AdditionalEntryInformation"))))[:1000]
        credits.append(Credit(
            iban=_iban(row.get("AccountIBAN")),
            amount_cents=_cents(row.get("Amount"), what),
            value_date=_date(row.get("ValueDate"), what),
            booking_date=_date(row.get("BookingDate"), what),
            remittance=remittance,
            flow_id=flow_id_of(remittance),
            reference=reference[:140],
        ))
    return Statement(version=f"camt.053.001.{version.group(1)}",
                     message_id=(header.get("MessageID") or "")[:140], ibans=ibans,
                     credits=tuple(credits), duplicates=duplicates, skipped=skipped)
