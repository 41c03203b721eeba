"""The treasury's side of reconciliation: import a statement, match its credits to flows.

A pagoPA credit names its flow (``/PUR/LGPE-RIVERSAMENTO/URI/<flow id>``); it agrees when
the flow in force with that id totals the credited amount. What does not agree goes to
the work queue (``ReconciliationIssue``): a credit whose flow never arrived, a credit of
another amount, and a flow still without a credit ``RECONCILIATION_CREDIT_DAYS`` after its
regulation date. Matching runs again after every import and every sync, so an issue whose
cause went away (the flow arrived later) is closed by itself, with a note saying so.

The file is read and checked before any transaction; one transaction then writes the
statement, its credits and the audit entry, so a refused file leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from audit.log import log_action
from organizations.models import Organization
from positions.models import Transfer
from reconciliation.models import Flow, ReconciliationIssue
from reconciliation.treasury import Statement, StatementError, parse_camt053
from reconciliation.treasury_models import TreasuryCredit, TreasuryStatement

Kind = ReconciliationIssue.Kind
State = ReconciliationIssue.State
MAX_BYTES = 10 * 1024 * 1024


class ImportRefused(StatementError):
    """The file is a statement, but not one this Ente can import (again)."""


@dataclass(frozen=True)
class Outcome:
    matched: int
    amount_mismatch: int
    no_flow: int
    flows_without_credit: int


def credit_days() -> int:
    return settings.RECONCILIATION_CREDIT_DAYS


def _iban(value: str) -> str:
    return "".join((value or "").split()).upper()


def is_account_of(organization: Organization, iban: str) -> bool:
    """The statement's account is one the Ente is paid on (its own or a transfer's)."""
    iban = _iban(iban)
    if iban in {_iban(organization.iban), _iban(organization.postal_iban)}:
        return True
    return Transfer.objects.filter(option__position__organization=organization,
                                   beneficiary_fiscal_code=organization.fiscal_code,
                                   iban=iban).exists()


def import_statement(organization: Organization, file_name: str, data: bytes, user, *,
                     request=None) -> TreasuryStatement:
    """Store a camt.053 file and its credits, then match them; StatementError otherwise."""
    if len(data) > MAX_BYTES:
        raise ImportRefused(_("Il file supera i 10 MB: chiedi al tesoriere l'estratto di un "
                              "periodo più breve."))
    digest = hashlib.sha256(data).hexdigest()
    earlier = TreasuryStatement.objects.filter(organization=organization, sha256=digest).first()
    if earlier is not None:
        raise ImportRefused(_("Questo file è già stato caricato il %(when)s: non viene "
                              "importato di nuovo.")
                            % {"when": date_format(timezone.localtime(earlier.imported_at),
                                                   "SHORT_DATETIME_FORMAT")})
    parsed = parse_camt053(data)
    for iban in parsed.ibans:
        if not is_account_of(organization, iban):
            raise ImportRefused(_("Il conto %(iban)s dell'estratto non è un conto di "
                                  "accredito dell'Ente.") % {"iban": iban})
    try:
        statement = _store(organization, file_name, data, digest, parsed, user, request)
    except IntegrityError:  # the same file, uploaded twice at once
        raise ImportRefused(_("Questo file è già stato caricato.")) from None
    reconcile_treasury(organization)
    return statement


def _store(organization, file_name, data, digest, parsed: Statement, user, request):
    with transaction.atomic():
        statement = TreasuryStatement.objects.create(
            organization=organization, file_name=file_name[:255], sha256=digest,
            account_iban=", ".join(parsed.ibans)[:400], message_id=parsed.message_id,
            version=parsed.version, statement_date=parsed.statement_date,
            duplicates=parsed.duplicates, skipped=parsed.skipped,
            raw=data.decode("utf-8", errors="replace"), imported_by=user)
        references = [c.reference for c in parsed.credits if c.reference]
        known = set(TreasuryCredit.objects.filter(
            organization=organization, account_iban__in=parsed.ibans,
            reference__in=references).values_list("account_iban", "reference"))
        new = [TreasuryCredit(
            organization=organization, statement=statement, account_iban=c.iban,
            reference=c.reference, amount_cents=c.amount_cents, value_date=c.value_date,
            booking_date=c.booking_date, remittance=c.remittance, fdr=c.flow_id,
            state=(TreasuryCredit.State.NO_FLOW if c.flow_id
                   else TreasuryCredit.State.NOT_PAGOPA))
            for c in parsed.credits if not (c.reference and (c.iban, c.reference) in known)]
        TreasuryCredit.objects.bulk_create(new)
        statement.credits_count = len(new)
        statement.credits_amount_cents = sum(c.amount_cents for c in new)
        statement.duplicates += len(parsed.credits) - len(new)
        statement.save(update_fields=["credits_count", "credits_amount_cents", "duplicates"])
        log_action("treasury.imported", obj=statement, request=request, actor=user,
                   organization=organization,
                   data={"file": statement.file_name, "iban": statement.account_iban,
                         "credits": statement.credits_count,
                         "amount_cents": statement.credits_amount_cents,
                         "already_imported": statement.duplicates})
    return statement


def _open(organization, kind: str, key: str, *, detail: dict, **links) -> None:
    ReconciliationIssue.objects.get_or_create(
        organization=organization, key=key,
        defaults={"kind": kind, "detail": detail, **links})


def _close_by_itself(queryset, note: str) -> None:
    """Issues whose cause went away: resolved by the system (no person), with the reason."""
    now = timezone.now()
    for issue in queryset.filter(state=State.OPEN):
        issue.state, issue.resolved_at = State.RESOLVED, now
        issue.notes = _append(issue.notes, _("Sportello"), note, now)
        issue.save(update_fields=["state", "resolved_at", "notes", "updated_at"])


def _append(notes: str, who: str, text: str, when: dt.datetime) -> str:
    line = f"[{date_format(timezone.localtime(when), 'SHORT_DATETIME_FORMAT')} · {who}] {text}"
    return f"{notes}\n{line}" if notes else line


def _flow_total(flow: Flow) -> int:
    return (flow.declared_amount_cents if flow.declared_amount_cents is not None
            else flow.payments_amount_cents)


def reconcile_treasury(organization: Organization, today: dt.date | None = None) -> Outcome:
    """Match the Ente's pagoPA credits to the flows in force; queue what does not agree."""
    credits = list(TreasuryCredit.objects.filter(organization=organization).exclude(fdr="")
                   .exclude(state=TreasuryCredit.State.MATCHED,
                            flow__status=Flow.Status.CURRENT)
                   .select_related("flow"))
    flows: dict[str, Flow] = {}
    for flow in (Flow.objects.filter(organization=organization, status=Flow.Status.CURRENT,
                                     fdr__in={c.fdr for c in credits}).order_by("pk")):
        flows[flow.fdr] = flow
    counts = {TreasuryCredit.State.MATCHED: 0, TreasuryCredit.State.AMOUNT_MISMATCH: 0,
              TreasuryCredit.State.NO_FLOW: 0}
    for credit in credits:
        with transaction.atomic():
            state = _match(organization, credit, flows.get(credit.fdr))
        counts[state] += 1
    missing = _flows_without_credit(organization, today or timezone.localdate())
    return Outcome(counts[TreasuryCredit.State.MATCHED],
                   counts[TreasuryCredit.State.AMOUNT_MISMATCH],
                   counts[TreasuryCredit.State.NO_FLOW], missing)


def _match(organization, credit: TreasuryCredit, flow: Flow | None) -> str:
    States = TreasuryCredit.State
    if flow is None:
        credit.flow, credit.state = None, States.NO_FLOW
        _open(organization, Kind.CREDIT_NO_FLOW, f"accredito-senza-flusso:{credit.pk}",
              credit=credit, detail={"fdr": credit.fdr, "amount_cents": credit.amount_cents})
    elif _flow_total(flow) == credit.amount_cents:
        credit.flow, credit.state = flow, States.MATCHED
        _close_by_itself(ReconciliationIssue.objects.filter(
            organization=organization, credit=credit,
            kind__in=[Kind.CREDIT_NO_FLOW, Kind.CREDIT_AMOUNT]),
            _("Il flusso %(fdr)s ora corrisponde all'accredito.") % {"fdr": flow.fdr})
    else:
        credit.flow, credit.state = flow, States.AMOUNT_MISMATCH
        _close_by_itself(ReconciliationIssue.objects.filter(
            organization=organization, credit=credit, kind=Kind.CREDIT_NO_FLOW),
            _("Il flusso %(fdr)s è arrivato.") % {"fdr": flow.fdr})
        _open(organization, Kind.CREDIT_AMOUNT, f"accredito-importo:{credit.pk}:{flow.pk}",
              credit=credit, flow=flow,
              detail={"fdr": flow.fdr, "revision": flow.revision,
                      "credit_cents": credit.amount_cents, "flow_cents": _flow_total(flow)})
    if flow is not None:
        _close_by_itself(ReconciliationIssue.objects.filter(
            organization=organization, flow=flow, kind=Kind.FLOW_NO_CREDIT),
            _("Accredito del tesoriere ricevuto."))
    credit.save(update_fields=["flow", "state"])
    return credit.state


def _flows_without_credit(organization, today: dt.date) -> int:
    """Flows in force whose credit is overdue: one issue each (raised once)."""
    cutoff = today - dt.timedelta(days=credit_days())
    late = (Flow.objects.filter(organization=organization, status=Flow.Status.CURRENT,
                                regulation_date__lte=cutoff)
            .exclude(Exists(TreasuryCredit.objects.filter(flow=OuterRef("pk"))))
            .exclude(Exists(ReconciliationIssue.objects.filter(
                organization=organization, flow=OuterRef("pk"), kind=Kind.FLOW_NO_CREDIT))))
    count = 0
    for flow in late:
        _open(organization, Kind.FLOW_NO_CREDIT, f"flusso-senza-accredito:{flow.pk}", flow=flow,
              detail={"fdr": flow.fdr, "revision": flow.revision,
                      "regulation_date": flow.regulation_date.isoformat(),
                      "flow_cents": _flow_total(flow)})
        count += 1
    return count
