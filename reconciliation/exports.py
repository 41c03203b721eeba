"""The accounting office's layout: one row per collected receipt, with where its money is.

An Italian *ufficio ragioneria* books each collection on a *capitolo* against an
*accertamento* and closes it when the treasurer's credit arrived: so each row carries the
service's chapter and assessment, the flow that reported the payment (the one in force)
and the date of the treasurer's credit for that flow. Receipts are streamed 500 at a time
and each chunk's flows and credits read with two ``IN`` queries: correlated subqueries
per row were at the planner's mercy (minutes for 10,000 rows on fresh tables).

Columns are ``(header, kind)`` with the kinds of ``backoffice.exports`` (``text``,
``code``, ``cents``, ``date``, ``datetime``), so the back office (and the REST API) can
write them without this module knowing about either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from organizations.models import Organization
from payments.models import Receipt
from reconciliation.models import Flow, FlowPayment
from reconciliation.treasury_models import TreasuryCredit


def accounting_columns() -> list[tuple[str, str]]:
    return [(_("Data del pagamento"), "datetime"), (_("IUV"), "code"),
            (_("Codice avviso"), "code"), (_("Codice fiscale debitore"), "code"),
            (_("Debitore"), "text"), (_("Servizio"), "text"), (_("Capitolo"), "text"),
            (_("Accertamento"), "text"), (_("Causale"), "text"), (_("Importo"), "cents"),
            (_("Commissione"), "cents"), (_("PSP"), "text"),
            (_("Identificativo ricevuta (IUR)"), "code"), (_("Identificativo flusso"), "code"),
            (_("Data regolamento"), "date"), (_("Data accredito tesoriere"), "date")]


def accounting_queryset(organization: Organization, *, date_from: dt.date | None = None,
                        date_to: dt.date | None = None, reported: bool | None = None):
    """Collected receipts of the Ente by payment date.

    ``reported``: True for receipts a flow in force reports, False for those none does yet.
    """
    queryset = (Receipt.objects.collected().filter(organization=organization)
                .select_related("option__position__service")
                .order_by("payment_date_time", "pk"))
    if date_from:
        queryset = queryset.filter(payment_date_time__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(payment_date_time__date__lte=date_to)
    if reported is not None:
        in_flow = Exists(FlowPayment.objects.filter(receipt=OuterRef("pk"),
                                                    flow__status=Flow.Status.CURRENT))
        queryset = queryset.filter(in_flow if reported else ~in_flow)
    return queryset


def _where_reported(receipt_ids: list[int]) -> dict[int, tuple]:
    """receipt id → (flow id, regulation date, credit date) for a chunk of receipts: two
    queries per chunk, whatever the planner knows about the tables."""
    flows: dict[int, tuple] = {}
    for receipt_id, flow_pk, fdr, regulation in (
            FlowPayment.objects.filter(receipt_id__in=receipt_ids,
                                       flow__status=Flow.Status.CURRENT)
            .order_by("flow__regulation_date", "pk")
            .values_list("receipt_id", "flow_id", "flow__fdr", "flow__regulation_date")):
        flows.setdefault(receipt_id, (flow_pk, fdr, regulation))
    credited: dict[int, dt.date | None] = {}
    for flow_pk, value_date, booking_date in (
            TreasuryCredit.objects.filter(flow_id__in={f[0] for f in flows.values()})
            .order_by("value_date", "pk").values_list("flow_id", "value_date",
                                                      "booking_date")):
        credited.setdefault(flow_pk, value_date or booking_date)
    return {receipt_id: (fdr, regulation, credited.get(flow_pk))
            for receipt_id, (flow_pk, fdr, regulation) in flows.items()}


def accounting_rows(organization: Organization, **filters) -> Iterator[list]:
    """The rows of :func:`accounting_columns`, in the same order, 500 receipts at a time."""
    chunk: list[Receipt] = []
    for receipt in accounting_queryset(organization, **filters).iterator(chunk_size=500):
        chunk.append(receipt)
        if len(chunk) == 500:
            yield from _rows(chunk)
            chunk = []
    yield from _rows(chunk)


def _rows(receipts: list[Receipt]) -> Iterator[list]:
    reported = _where_reported([r.pk for r in receipts]) if receipts else {}
    for receipt in receipts:
        position = receipt.option.position if receipt.option_id else None
        service = position.service if position else None
        debtor = receipt.debtor or {}
        fdr, regulation, credit = reported.get(receipt.pk, ("", None, None))
        yield [receipt.payment_date_time, receipt.creditor_reference_id,
               receipt.notice_number, debtor.get("id_value", ""),
               debtor.get("full_name", ""), service.name if service else "",
               service.accounting_chapter if service else "",
               service.accounting_assessment if service else "",
               position.causale if position else receipt.description,
               receipt.amount_cents, receipt.fee_cents, receipt.psp_company_name,
               receipt.receipt_id, fdr, regulation, credit]


#: Machine names of :func:`accounting_columns`, in the same order (the REST API's fields).
ACCOUNTING_KEYS = ("payment_date_time", "iuv", "notice_number", "debtor_fiscal_code",
                   "debtor_name", "service", "accounting_chapter", "accounting_assessment",
                   "causale", "amount_cents", "fee_cents", "psp", "receipt_id", "flow_id",
                   "regulation_date", "credit_date")


def accounting_records(receipts: list[Receipt]) -> list[dict]:
    """The rows of the given receipts (one page of the REST API) as dicts keyed by
    :data:`ACCOUNTING_KEYS`, with their receipt's id."""
    return [{"receipt": receipt.pk, **dict(zip(ACCOUNTING_KEYS, row, strict=True))}
            for receipt, row in zip(receipts, _rows(receipts), strict=True)]

