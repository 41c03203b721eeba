"""A treasurer's end-of-day statement in ISO 20022 camt.053.001.02, written with lxml.

Used by the sandbox's treasurer: one entry per SEPA credit (a PSP pouring a flow's total
with the remittance ``/PUR/LGPE-RIVERSAMENTO/URI/<flow id>``). Pure: no Django, amounts
in integer cents; the element order follows the official schema (the tests validate the
output against camt.053.001.02.xsd).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from lxml import etree

from pagopa.money import cents_to_decimal_str

NS = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"

__all__ = ["NS", "Account", "Credit", "build_statement"]


@dataclass(frozen=True)
class Credit:
    """One credit booked on the account."""

    amount_cents: int
    booking_date: dt.date
    remittance: str  # unstructured remittance information, 140 characters at most
    end_to_end_id: str  # the regulation id of the SEPA credit transfer
    debtor_name: str  # who sent the money (the PSP)
    debtor_bic: str = ""
    value_date: dt.date | None = None


@dataclass(frozen=True)
class Account:
    """The statement of one account for one day."""

    iban: str
    owner_name: str
    day: dt.date
    opening_cents: int
    credits: Sequence[Credit]
    statement_id: str
    servicer_bic: str = ""


def _el(parent: etree._Element, tag: str, text: str | None = None, **attrs: str
        ) -> etree._Element:
    element = etree.SubElement(parent, f"{{{NS}}}{tag}", **attrs)
    if text is not None:
        element.text = text
    return element


def _path(parent: etree._Element, tags: str, text: str) -> etree._Element:
    for tag in tags.split("/"):
        parent = _el(parent, tag)
    parent.text = text
    return parent


def _amount(parent: etree._Element, cents: int, tag: str = "Amt") -> None:
    _el(parent, tag, cents_to_decimal_str(abs(cents)), Ccy="EUR")


def _balance(statement: etree._Element, code: str, cents: int, day: dt.date) -> None:
    balance = _el(statement, "Bal")
    _path(balance, "Tp/CdOrPrtry/Cd", code)
    _amount(balance, cents)
    _el(balance, "CdtDbtInd", "CRDT" if cents >= 0 else "DBIT")
    _path(balance, "Dt/Dt", day.isoformat())


def _entry(statement: etree._Element, credit: Credit, reference: str) -> None:
    entry = _el(statement, "Ntry")
    _el(entry, "NtryRef", reference)
    _amount(entry, credit.amount_cents)
    _el(entry, "CdtDbtInd", "CRDT")
    _el(entry, "Sts", "BOOK")
    _path(entry, "BookgDt/Dt", credit.booking_date.isoformat())
    _path(entry, "ValDt/Dt", (credit.value_date or credit.booking_date).isoformat())
    code = _el(entry, "BkTxCd")
    domain = _el(code, "Domn")
    _el(domain, "Cd", "PMNT")  # payments: received SEPA credit transfer
    family = _el(domain, "Fmly")
    _el(family, "Cd", "RCDT")
    _el(family, "SubFmlyCd", "ESCT")
    details = _el(_el(entry, "NtryDtls"), "TxDtls")
    _path(details, "Refs/EndToEndId", credit.end_to_end_id[:35])
    _path(details, "RltdPties/Dbtr/Nm", credit.debtor_name[:140])
    if credit.debtor_bic:
        _path(details, "RltdAgts/DbtrAgt/FinInstnId/BIC", credit.debtor_bic)
    _path(details, "RmtInf/Ustrd", credit.remittance[:140])


def build_statement(accounts: Sequence[Account], message_id: str,
                    created_at: dt.datetime) -> bytes:
    """``BkToCstmrStmt`` with one ``Stmt`` per account: opening balance, the credits,
    closing balance (opening plus the day's credits)."""
    root = etree.Element(f"{{{NS}}}Document", nsmap={None: NS})
    report = _el(root, "BkToCstmrStmt")
    header = _el(report, "GrpHdr")
    _el(header, "MsgId", message_id[:35])
    _el(header, "CreDtTm", created_at.replace(microsecond=0).isoformat())
    for account in accounts:
        statement = _el(report, "Stmt")
        _el(statement, "Id", account.statement_id[:35])
        _el(statement, "CreDtTm", created_at.replace(microsecond=0).isoformat())
        period = _el(statement, "FrToDt")
        start = dt.datetime.combine(account.day, dt.time.min)
        _el(period, "FrDtTm", start.isoformat())
        _el(period, "ToDtTm", dt.datetime.combine(account.day, dt.time(23, 59, 59)).isoformat())
        acct = _el(statement, "Acct")
        _path(acct, "Id/IBAN", account.iban)
        _el(acct, "Ccy", "EUR")
        _path(acct, "Ownr/Nm", account.owner_name[:140])
        if account.servicer_bic:
            _path(acct, "Svcr/FinInstnId/BIC", account.servicer_bic)
        _balance(statement, "OPBD", account.opening_cents, account.day)
        day_total = sum(credit.amount_cents for credit in account.credits)
        _balance(statement, "CLBD", account.opening_cents + day_total, account.day)
        summary = _el(statement, "TxsSummry")
        totals = _el(summary, "TtlCdtNtries")
        _el(totals, "NbOfNtries", str(len(account.credits)))
        _el(totals, "Sum", cents_to_decimal_str(day_total))
        for number, credit in enumerate(account.credits, start=1):
            _entry(statement, credit, f"{account.statement_id[:28]}-{number:04d}")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
