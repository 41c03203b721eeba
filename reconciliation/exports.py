"""The accounting office's layout: one row per collected receipt, with where its money is.

An Italian *ufficio ragioneria* books each collection on a *capitolo* against an
*accertamento* and closes it when the treasurer's credit arrived: so each row carries the
service's chapter and assessment, the flow that reported the payment (the one in force)
and the date of the treasurer's credit for that flow. Flow and credit come from
subqueries: one query however many rows, streamed with ``iterator``.

Columns are ``(header, kind)`` with the kinds of ``backoffice.exports`` (``text``,
``code``, ``cents``, ``date``, ``datetime``), so the back office (and the REST API) can
write them without this module knowing about either.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

from django.db.models import OuterRef, Subquery
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
    """Collected receipts of the Ente by payment date, annotated with flow and credit.

    ``reported``: True for receipts a flow in force reports, False for those none does yet.
    """
    in_flow = (FlowPayment.objects.filter(receipt=OuterRef("pk"),
                                          flow__status=Flow.Status.CURRENT)
               .order_by("flow__regulation_date", "pk"))
    credit = (TreasuryCredit.objects.filter(flow=OuterRef("flow_pk"))
              .order_by("value_date", "pk"))
    queryset = (Receipt.objects.collected().filter(organization=organization)
                .select_related("option__position__service", "option__position__debtor")
                .annotate(flow_pk=Subquery(in_flow.values("flow_id")[:1]),
                          flow_fdr=Subquery(in_flow.values("flow__fdr")[:1]),
                          regulation_date=Subquery(in_flow.values("flow__regulation_date")[:1]))
                .annotate(credit_value_date=Subquery(credit.values("value_date")[:1]),
                          credit_booking_date=Subquery(credit.values("booking_date")[:1]))
                .order_by("payment_date_time", "pk"))
    if date_from:
        queryset = queryset.filter(payment_date_time__date__gte=date_from)
    if date_to:
        queryset = queryset.filter(payment_date_time__date__lte=date_to)
    if reported is not None:
        queryset = queryset.filter(flow_pk__isnull=not reported)
    return queryset


def accounting_rows(organization: Organization, **filters) -> Iterator[list]:
    """The rows of :func:`accounting_columns`, in the same order."""
    for receipt in accounting_queryset(organization, **filters).iterator(chunk_size=500):
        position = receipt.option.position if receipt.option_id else None
        service = position.service if position else None
        debtor = receipt.debtor or {}
        yield [receipt.payment_date_time, receipt.creditor_reference_id,
               receipt.notice_number, debtor.get("id_value", ""),
               debtor.get("full_name", ""), service.name if service else "",
               service.accounting_chapter if service else "",
               service.accounting_assessment if service else "",
               position.causale if position else receipt.description,
               receipt.amount_cents, receipt.fee_cents, receipt.psp_company_name,
               receipt.receipt_id, receipt.flow_fdr or "", receipt.regulation_date,
               receipt.credit_value_date or receipt.credit_booking_date]
