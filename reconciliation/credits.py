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
from django.db.models import Case, Exists, F, OuterRef, TextField, Value, When
from django.db.models.functions import Concat
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


def _close_by_itself(queryset, note: str) -> int:
    """Issues whose cause went away: resolved by the system (no person), the reason
    appended to their notes; one UPDATE."""
    now = timezone.now()
    line = _append("", _("Sportello"), note, now)
    return queryset.filter(state=State.OPEN).update(
        state=State.RESOLVED, resolved_at=now, updated_at=now,
        notes=Case(When(notes="", then=Value(line)),
                   default=Concat(F("notes"), Value("\n" + line), output_field=TextField()),
                   output_field=TextField()))


def _append(notes: str, who: str, text: str, when: dt.datetime) -> str:
    line = f"[{date_format(timezone.localtime(when), 'SHORT_DATETIME_FORMAT')} · {who}] {text}"
    return f"{notes}\n{line}" if notes else line


def _flow_total(flow: Flow) -> int:
    return (flow.declared_amount_cents if flow.declared_amount_cents is not None
            else flow.payments_amount_cents)


def reconcile_treasury(organization: Organization, today: dt.date | None = None) -> Outcome:
    """Match the Ente's pagoPA credits to the flows in force; queue what does not agree.

    Set-based: a handful of queries whatever the number of credits (a big Ente's account
    has thousands of entries a month), in one transaction that locks nothing but the
    rows it writes."""
    States = TreasuryCredit.State
    credits = list(TreasuryCredit.objects.filter(organization=organization).exclude(fdr="")
                   .exclude(state=States.MATCHED, flow__status=Flow.Status.CURRENT))
    flows: dict[str, Flow] = {}
    for flow in (Flow.objects.filter(organization=organization, status=Flow.Status.CURRENT,
                                     fdr__in={c.fdr for c in credits}).order_by("pk")):
        flows[flow.fdr] = flow
    new_issues: list[ReconciliationIssue] = []
    for credit in credits:
        flow = flows.get(credit.fdr)
        credit.flow = flow
        if flow is None:
            credit.state = States.NO_FLOW
            new_issues.append(ReconciliationIssue(
                organization=organization, kind=Kind.CREDIT_NO_FLOW, credit=credit,
                key=f"accredito-senza-flusso:{credit.pk}",
                detail={"fdr": credit.fdr, "amount_cents": credit.amount_cents}))
        elif _flow_total(flow) == credit.amount_cents:
            credit.state = States.MATCHED
        else:
            credit.state = States.AMOUNT_MISMATCH
            new_issues.append(ReconciliationIssue(
                organization=organization, kind=Kind.CREDIT_AMOUNT, credit=credit, flow=flow,
                key=f"accredito-importo:{credit.pk}:{flow.pk}",
                detail={"fdr": flow.fdr, "revision": flow.revision,
                        "credit_cents": credit.amount_cents,
                        "flow_cents": _flow_total(flow)}))
    by_state = {state: [c for c in credits if c.state == state] for state in States.values}
    issues = ReconciliationIssue.objects.filter(organization=organization)
    with transaction.atomic():
        TreasuryCredit.objects.bulk_update(credits, ["flow", "state"], batch_size=500)
        ReconciliationIssue.objects.bulk_create(new_issues, ignore_conflicts=True,
                                                batch_size=500)
        _close_by_itself(issues.filter(credit__in=by_state[States.MATCHED],
                                       kind__in=[Kind.CREDIT_NO_FLOW, Kind.CREDIT_AMOUNT]),
                         _("Il flusso ora corrisponde all'accredito."))
        _close_by_itself(issues.filter(credit__in=by_state[States.AMOUNT_MISMATCH],
                                       kind=Kind.CREDIT_NO_FLOW),
                         _("Il flusso dell'accredito è arrivato."))
        _close_by_itself(issues.filter(kind=Kind.FLOW_NO_CREDIT,
                                       flow__in=[c.flow for c in credits if c.flow]),
                         _("Accredito del tesoriere ricevuto."))
    missing = _flows_without_credit(organization, today or timezone.localdate())
    return Outcome(len(by_state[States.MATCHED]), len(by_state[States.AMOUNT_MISMATCH]),
                   len(by_state[States.NO_FLOW]), missing)


def _flows_without_credit(organization, today: dt.date) -> int:
    """Flows in force whose credit is overdue: one issue each (raised once)."""
    cutoff = today - dt.timedelta(days=credit_days())
    late = (Flow.objects.filter(organization=organization, status=Flow.Status.CURRENT,
                                regulation_date__lte=cutoff)
            .exclude(Exists(TreasuryCredit.objects.filter(flow=OuterRef("pk"))))
            .exclude(Exists(ReconciliationIssue.objects.filter(
                organization=organization, flow=OuterRef("pk"), kind=Kind.FLOW_NO_CREDIT))))
    issues = [ReconciliationIssue(
        organization=organization, kind=Kind.FLOW_NO_CREDIT, flow=flow,
        key=f"flusso-senza-accredito:{flow.pk}",
        detail={"fdr": flow.fdr, "revision": flow.revision,
                "regulation_date": flow.regulation_date.isoformat(),
                "flow_cents": _flow_total(flow)}) for flow in late]
    ReconciliationIssue.objects.bulk_create(issues, ignore_conflicts=True, batch_size=500)
    return len(issues)
