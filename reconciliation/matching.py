"""Each flow payment against our receipts and transfers, set-based.

A payment is *riconciliato* when a receipt of ours has its IUV and IUR (the receipt's
receiptId) and the receipt's transfer ``idTransfer`` carries the same amount; *importo
diverso* when the amounts differ; *senza ricevuta* when the IUV is one of our notices
but no receipt arrived (an alarm: a receipt lost upstream, or a payment pagoPA made
without one: STAND_IN_NO_RPT / NO_RPT); *IUV sconosciuto* when the IUV is not one we
issued; *revocato* when the PSP reports the payment revoked (codice esito 3): staff
decide, nothing is reopened by itself; *doppio* when the same payment (IUV, IUR,
idTransfer) is already in another current flow stored before this one (a different flow
id, not an earlier revision of the same flow): the first flow counts it, the later one
raises *Pagamento rendicontato due volte* and is never *riconciliato* for it. STAND_IN
(codice 4) is an executed payment the Node took in Stand-In: matched like EXECUTED (its
receipt is flagged Stand-In).

The lookups are one query per kind of row for a whole flow (chunked IN lists), and the
results are written with one UPDATE per 1,000 rows: 10,000 payments in a few seconds (bench/).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext

from organizations.models import Organization
from payments.models import Receipt
from positions.models import PaymentOption, Transfer
from reconciliation.models import (
    Flow,
    FlowPayment,
    MatchState,
    PayStatus,
    ReconciliationIssue,
)

log = logging.getLogger(__name__)
Kind = ReconciliationIssue.Kind
CHUNK = 900  # under SQLite's smallest variable limit, with room for the other filters

#: The states a later receipt (or a corrected revision) can still change.
UNSETTLED = (MatchState.PENDING, MatchState.NO_RECEIPT, MatchState.UNKNOWN_IUV,
             MatchState.AMOUNT_MISMATCH)
#: The issue each state raises (RECONCILED raises none).
ISSUE_OF_STATE = {
    MatchState.AMOUNT_MISMATCH: Kind.AMOUNT_MISMATCH,
    MatchState.NO_RECEIPT: Kind.NO_RECEIPT,
    MatchState.UNKNOWN_IUV: Kind.UNKNOWN_IUV,
    MatchState.REVOKED: Kind.REVOKED,
    MatchState.DUPLICATE: Kind.DUPLICATE,
}
#: The issues a payment closes by itself when it agrees again.
SELF_CLOSING = [Kind.AMOUNT_MISMATCH, Kind.NO_RECEIPT, Kind.UNKNOWN_IUV, Kind.DUPLICATE]


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    # PostgreSQL takes long IN lists well; SQLite has a cap on bound variables.
    size = 10_000 if connection.vendor == "postgresql" else CHUNK
    for start in range(0, len(values), size):
        yield values[start:start + size]


def payment_issue_key(kind: str, payment_id: int) -> str:
    return f"{kind}:payment:{payment_id}"


def match_flow(flow: Flow, now: dt.datetime | None = None) -> dict[str, int]:
    """Match every payment of ``flow``; returns how many ended in each state."""
    payments = list(FlowPayment.objects.filter(flow=flow).order_by("index"))
    return match_payments(flow.organization, payments, now=now, flows={flow.pk: flow})


def match_in_memory(organization: Organization, payments: list[FlowPayment],
                    now: dt.datetime | None = None, *,
                    new_flow: tuple[str, str] | None = None) -> dict[str, int]:
    """Set the match fields of ``payments`` (saved or not) from our receipts, options
    and transfers; writes nothing. Returns how many ended in each state.

    A new flow's payments are matched this way before they are inserted (reads outside
    any transaction, rows inserted already matched: no UPDATE), with ``new_flow`` its
    (flow id, PSP) so that its own earlier revisions are not taken for other flows; a
    receipt arriving in between is caught by the sync's :func:`rematch_unsettled`."""
    now = now or timezone.now()
    iuvs = sorted({p.iuv for p in payments})
    receipts = _receipts(organization, iuvs)
    options = _options(organization, iuvs)
    transfers = _transfers([o[0] for o in options.values()])
    flows = dict.fromkeys([p.flow_id for p in payments if p.flow_id is not None])
    # One stored flow matched again (match_flow): its own rows can never be another
    # flow's report, and leaving them out keeps the read as small as for a new flow.
    reports = _current_reports(organization, iuvs,
                               exclude_flow=next(iter(flows)) if len(flows) == 1 else None)
    if flows:
        flows.update({pk: (fdr, psp) for pk, fdr, psp in Flow.objects.filter(
            pk__in=list(flows)).values_list("pk", "fdr", "psp_id")})
    counts: dict[str, int] = {}
    for payment in payments:
        _match_one(payment, receipts, options, transfers)
        own = new_flow if payment.flow_id is None else flows.get(payment.flow_id)
        first = _reported_before(payment, own, reports)
        payment.duplicate_of = first
        if first is not None and payment.pay_status != PayStatus.REVOKED:
            payment.match_state = MatchState.DUPLICATE
        payment.matched_at = now
        counts[payment.match_state] = counts.get(payment.match_state, 0) + 1
    return counts


def issues_of(organization: Organization, payments: list[FlowPayment],
              ) -> list[ReconciliationIssue]:
    """The work-queue items of saved, matched ``payments`` (insert with
    ``ignore_conflicts``: one per payment and kind, ever)."""
    issues = []
    for payment in payments:
        kind = ISSUE_OF_STATE.get(payment.match_state)
        if kind is not None:
            issues.append(ReconciliationIssue(
                organization=organization, kind=kind,
                key=payment_issue_key(kind, payment.pk), flow_id=payment.flow_id,
                payment=payment, receipt_id=payment.receipt_id, detail=_detail(payment)))
    return issues


def match_payments(organization: Organization, payments: list[FlowPayment], *,
                   now: dt.datetime | None = None,
                   flows: dict[int, Flow] | None = None) -> dict[str, int]:
    """Match stored ``payments`` (of current flows of ``organization``) again, raise
    their issues and close the issues of those that now agree. One transaction, one
    UPDATE for all the rows."""
    now = now or timezone.now()
    counts = match_in_memory(organization, payments, now)
    new_issues = issues_of(organization, payments)
    with transaction.atomic():
        _write_results(payments)
        ReconciliationIssue.objects.bulk_create(new_issues, ignore_conflicts=True,
                                                batch_size=500)
        # A payment that agrees now (a late receipt) closes what it had raised; so does
        # one whose problem changed (e.g. no receipt -> amount differs): the new one is
        # open above.
        open_issues = ReconciliationIssue.objects.filter(
            organization=organization, state=ReconciliationIssue.State.OPEN,
            kind__in=SELF_CLOSING)
        current_key = {payment_issue_key(ISSUE_OF_STATE[p.match_state], p.pk)
                       for p in payments if p.match_state in ISSUE_OF_STATE}
        for chunk in _chunks([p.pk for p in payments]):
            stale = [pk for pk, key in open_issues.filter(payment_id__in=chunk)
                     .values_list("pk", "key") if key not in current_key]
            if stale:
                ReconciliationIssue.objects.filter(pk__in=stale).update(
                    state=ReconciliationIssue.State.RESOLVED, resolved_at=now,
                    updated_at=now, notes=_auto_note())
        for flow_id in {p.flow_id for p in payments}:
            Flow.objects.filter(pk=flow_id).update(matched_at=now)
    if flows:
        for flow in flows.values():
            flow.matched_at = now
    return counts


_RESULT_FIELDS = ("receipt", "option", "transfer", "expected_amount_cents", "match_state",
                  "matched_at")


def _write_results(payments: list[FlowPayment]) -> None:
    """What ``bulk_update`` does, without its cost.

    Django's ``bulk_update`` builds a ``CASE WHEN pk=…`` per field and row: quadratic in
    the batch, and 30 s of Python for 10,000 payments (bench/). On PostgreSQL one
    ``UPDATE … FROM unnest(arrays)`` writes them all with one parameter per column; on
    SQLite (3.33+) an ``UPDATE … FROM (VALUES …)`` per 900 rows.
    """
    fields = [FlowPayment._meta.get_field(name) for name in _RESULT_FIELDS]
    quote = connection.ops.quote_name
    table = quote(FlowPayment._meta.db_table)
    # Ints, texts and NULLs as they are; ``matched_at`` is the one datetime (adapted for
    # SQLite, which stores text).
    adapt = connection.ops.adapt_datetimefield_value
    columns = [[adapt(getattr(p, f.attname)) if f.attname == "matched_at"
                else getattr(p, f.attname) for p in payments] for f in fields]
    ids = [p.pk for p in payments]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            arrays = ", ".join(["%s::bigint[]"] + [f"%s::{f.db_type(connection)}[]"
                                                   for f in fields])
            names = ", ".join(["id"] + [quote(f.column) for f in fields])
            sets = ", ".join(f"{quote(f.column)} = v.{quote(f.column)}" for f in fields)
            # Names come from the model's meta; every value is a bound parameter.
            sql = (f"UPDATE {table} SET {sets} FROM unnest({arrays}) AS v({names}) "  # noqa: S608
                   f"WHERE {table}.id = v.id")
            cursor.execute(sql, [ids, *columns])
            return
        sets = ", ".join(f"{quote(f.column)} = v.column{i}"
                         for i, f in enumerate(fields, start=2))
        width = len(fields) + 1
        rows = list(zip(ids, *columns, strict=True))
        for start in range(0, len(rows), CHUNK):
            chunk = rows[start:start + CHUNK]
            values = ", ".join(["(" + ", ".join(["%s"] * width) + ")"] * len(chunk))
            sql = (f"UPDATE {table} SET {sets} FROM (VALUES {values}) AS v "  # noqa: S608
                   f"WHERE {table}.id = v.column1")
            cursor.execute(sql, [value for row in chunk for value in row])


def _auto_note() -> str:
    return gettext("Chiusa dalla riconciliazione: il pagamento ora corrisponde (o ha "
                   "un'altra anomalia, aperta a parte).")


def _match_one(payment: FlowPayment, receipts: dict, options: dict, transfers: dict) -> None:
    receipt = receipts.get((payment.iuv, payment.iur))
    option = options.get(payment.iuv)
    payment.receipt_id = receipt["pk"] if receipt else None
    payment.option_id = option[0] if option else (receipt["option_id"] if receipt else None)
    transfer = transfers.get((payment.option_id, payment.id_transfer))
    payment.transfer_id = transfer[0] if transfer else None
    if receipt is not None:
        payment.expected_amount_cents = receipt["transfers"].get(payment.id_transfer)
    else:
        payment.expected_amount_cents = transfer[1] if transfer else None
    if payment.pay_status == PayStatus.REVOKED:
        payment.match_state = MatchState.REVOKED
    elif receipt is not None:
        payment.match_state = (MatchState.RECONCILED
                               if payment.expected_amount_cents == payment.amount_cents
                               else MatchState.AMOUNT_MISMATCH)
    elif option is not None:
        payment.match_state = MatchState.NO_RECEIPT
    else:
        payment.match_state = MatchState.UNKNOWN_IUV


def _detail(payment: FlowPayment) -> dict[str, Any]:
    detail = {"iuv": payment.iuv, "iur": payment.iur, "id_transfer": payment.id_transfer,
              "amount_cents": payment.amount_cents,
              "expected_amount_cents": payment.expected_amount_cents,
              "pay_status": payment.pay_status}
    first = getattr(payment, "duplicate_of", None)
    if payment.match_state == MatchState.DUPLICATE and first is not None:
        detail["first_flow"], detail["first_psp"] = first[1], first[2]
    return detail


#: (IUV, IUR, idTransfer) -> [(flow pk, flow id, PSP)] of the current flows reporting it.
Reports = dict[tuple[str, str, int], list[tuple[int, str, str]]]


def _current_reports(organization: Organization, iuvs: list[str],
                     exclude_flow: int | None = None) -> Reports:
    """Where the current flows of the Ente (but ``exclude_flow``) already report these
    IUVs (revocations left out: a revocation after the payment is a report of its own,
    not a second count)."""
    found: Reports = {}
    for chunk in _chunks(iuvs):
        rows = (FlowPayment.objects
                .filter(flow__organization=organization, flow__status=Flow.Status.CURRENT,
                        iuv__in=chunk)
                .exclude(pay_status=PayStatus.REVOKED))
        if exclude_flow is not None:
            rows = rows.exclude(flow_id=exclude_flow)
        rows = (rows
                .values_list("iuv", "iur", "id_transfer", "flow_id", "flow__fdr",
                             "flow__psp_id"))
        for iuv, iur, id_transfer, flow_pk, fdr, psp in rows:
            found.setdefault((iuv, iur, id_transfer), []).append((flow_pk, fdr, psp))
    return found


def _reported_before(payment: FlowPayment, own: tuple[str, str] | None,
                     reports: Reports) -> tuple[int, str, str] | None:
    """The first other flow (stored before this payment's, not a revision of it) that
    reports the same payment; None when this one is the first."""
    earlier = [(pk, fdr, psp)
               for pk, fdr, psp in reports.get((payment.iuv, payment.iur,
                                                payment.id_transfer), [])
               if (fdr, psp) != own and (payment.flow_id is None or pk < payment.flow_id)]
    return min(earlier) if earlier else None


def _receipts(organization: Organization, iuvs: list[str]) -> dict[tuple[str, str], dict]:
    """(IUV, receiptId) -> the receipt's pk, option and {idTransfer: cents}."""
    found: dict[tuple[str, str], dict] = {}
    for chunk in _chunks(iuvs):
        rows = (Receipt.objects.collected()
                .filter(organization=organization, creditor_reference_id__in=chunk)
                .values_list("pk", "creditor_reference_id", "receipt_id", "option_id",
                             "transfers"))
        for pk, iuv, receipt_id, option_id, transfer_list in rows:
            amounts = {t.get("id_transfer"): t.get("amount_cents")
                       for t in transfer_list or [] if isinstance(t, dict)}
            found[(iuv, receipt_id)] = {"pk": pk, "option_id": option_id,
                                        "transfers": amounts}
    return found


def _options(organization: Organization, iuvs: list[str]) -> dict[str, tuple[int, int]]:
    found: dict[str, tuple[int, int]] = {}
    for chunk in _chunks(iuvs):
        for pk, iuv, amount in (PaymentOption.objects
                                .filter(organization=organization, iuv__in=chunk)
                                .values_list("pk", "iuv", "amount_cents")):
            found[iuv] = (pk, amount)
    return found


def _transfers(option_ids: Iterable[int]) -> dict[tuple[int, int], tuple[int, int]]:
    found: dict[tuple[int, int], tuple[int, int]] = {}
    for chunk in _chunks(sorted(set(option_ids))):
        for pk, option_id, index, amount in (Transfer.objects.filter(option_id__in=chunk)
                                             .values_list("pk", "option_id", "index",
                                                          "amount_cents")):
            found[(option_id, index)] = (pk, amount)
    return found


def rematch_unsettled(organization: Organization, now: dt.datetime | None = None,
                      ) -> dict[str, int]:
    """Match again the payments of current flows that did not agree: a receipt that
    arrived after the flow (or was applied after review) settles them."""
    payments = list(FlowPayment.objects.filter(
        flow__organization=organization, flow__status=Flow.Status.CURRENT,
        match_state__in=[MatchState.NO_RECEIPT, MatchState.UNKNOWN_IUV,
                         MatchState.PENDING]))
    if not payments:
        return {}
    return match_payments(organization, payments, now=now)


def flag_unreported(organization: Organization, now: dt.datetime | None = None) -> int:
    """Receipts (outcome OK) received more than RECONCILIATION_UNREPORTED_DAYS ago that
    no current flow reports go to the work queue; those reported since leave it.
    Returns how many were added."""
    now = now or timezone.now()
    older = now - dt.timedelta(days=settings.RECONCILIATION_UNREPORTED_DAYS)
    newer = now - dt.timedelta(days=settings.RECONCILIATION_LOOKBACK_DAYS)
    reported = FlowPayment.objects.filter(receipt_id=OuterRef("pk"),
                                          flow__status=Flow.Status.CURRENT)
    unreported = list(Receipt.objects.collected()
                      .filter(organization=organization, received_at__lt=older,
                              received_at__gte=newer)
                      .exclude(Exists(reported))
                      .values_list("pk", "creditor_reference_id", "receipt_id",
                                   "amount_cents", "received_at"))
    issues = [ReconciliationIssue(
        organization=organization, kind=Kind.UNREPORTED,
        key=f"{Kind.UNREPORTED}:receipt:{pk}", receipt_id=pk,
        detail={"iuv": iuv, "iur": iur, "amount_cents": amount,
                "received_at": received.isoformat(),
                "days": settings.RECONCILIATION_UNREPORTED_DAYS})
        for pk, iuv, iur, amount, received in unreported]
    with transaction.atomic():
        before = ReconciliationIssue.objects.filter(organization=organization,
                                                    kind=Kind.UNREPORTED).count()
        ReconciliationIssue.objects.bulk_create(issues, ignore_conflicts=True,
                                                batch_size=500)
        added = ReconciliationIssue.objects.filter(organization=organization,
                                                   kind=Kind.UNREPORTED).count() - before
        (ReconciliationIssue.objects
         .filter(organization=organization, kind=Kind.UNREPORTED,
                 state=ReconciliationIssue.State.OPEN)
         .filter(Exists(FlowPayment.objects.filter(receipt_id=OuterRef("receipt_id"),
                                                   flow__status=Flow.Status.CURRENT)))
         .update(state=ReconciliationIssue.State.RESOLVED, resolved_at=now,
                 updated_at=now, notes=gettext("Chiusa dalla riconciliazione: la "
                                               "ricevuta è ora in un flusso.")))
    if added:
        log.warning("%d receipts of %s not reported by any flow after %d days", added,
                    organization.slug, settings.RECONCILIATION_UNREPORTED_DAYS)
    return added
