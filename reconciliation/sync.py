"""Fetch the flows pagoPA published for each Ente since the last sync, store them once,
then match their payments.

Every network call happens outside any transaction or lock; each flow is written in its
own short transaction, then matched in another. Bad input never stops the run:

* a flow already stored (same Ente, flow id, revision, PSP) is skipped: no double count;
* an older revision than the one stored is logged and ignored;
* a newer revision supersedes the stored one (kept, marked superseded, its open issues
  closed) and a *nuova revisione* issue shows the totals before and after;
* garbage (not the schema, a flow for another Ente, a header that does not match the
  list) is refused with its reason in the run's ``problems`` and the log;
* data that parses but is wrong (a payment that does not, a duplicate index, totals that
  do not add up, a PSP none of our receipts ever named, a payment another current flow
  already reported) is stored and goes to the queue.

The watermark (``publishedGt`` of the next run) moves to the latest publication stored,
but never past a flow that could not be fetched because the service was unavailable.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TypeVar

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext

from organizations.models import Organization
from pagopa import fdr as api
from payments.models import Receipt
from reconciliation import credits, matching
from reconciliation.models import Flow, FlowPayment, ReconciliationIssue, SyncRun

log = logging.getLogger(__name__)
Kind = ReconciliationIssue.Kind
T = TypeVar("T")


def base_url() -> str:
    return settings.PAGOPA_FDR_URL or f"{settings.SITE_URL}/sandbox/fdr-org/service/v1"


def client() -> api.FdrClient:
    return api.FdrClient(base_url(), settings.PAGOPA_FDR_KEY)


def last_sync(organization: Organization) -> SyncRun | None:
    """The Ente's latest finished sync (whatever its outcome), for the dashboard."""
    return (SyncRun.objects.filter(organization=organization)
            .exclude(outcome=SyncRun.Outcome.RUNNING).order_by("-started_at", "-pk")
            .first())


def watermark(organization: Organization) -> dt.datetime | None:
    """``publishedGt`` for the Ente's next sync: None at the first one (the service then
    lists from the start of the previous month)."""
    return (SyncRun.objects.filter(organization=organization, watermark__isnull=False)
            .exclude(outcome=SyncRun.Outcome.RUNNING)
            .order_by("-watermark").values_list("watermark", flat=True).first())


class _AlreadyStored(Exception):
    """Another run stored this very revision while this one was fetching it."""


@dataclass
class _Outcome:
    stored: bool = False
    ignored: bool = False
    refused: bool = False
    unavailable: bool = False
    payments: int = 0
    reason: str = ""
    flow: Flow | None = None


@dataclass
class Result:
    runs: list[SyncRun] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return any(run.outcome == SyncRun.Outcome.FAILED for run in self.runs)


def sync_all(organizations=None, *, fdr: api.FdrClient | None = None, retries: int = 2,
             sleep: Callable[[float], None] = time.sleep) -> Result:
    """Sync every Ente (or those given); a failure of one never stops the others."""
    organizations = (Organization.objects.order_by("pk") if organizations is None
                     else organizations)
    fdr = fdr or client()
    result = Result()
    for organization in organizations:
        result.runs.append(sync_organization(organization, fdr=fdr, retries=retries,
                                             sleep=sleep))
    return result


def sync_organization(organization: Organization, *, fdr: api.FdrClient | None = None,
                      retries: int = 2, sleep: Callable[[float], None] = time.sleep,
                      now: dt.datetime | None = None) -> SyncRun:
    """One run for one Ente: list, fetch, store, match; recorded as a :class:`SyncRun`."""
    fdr = fdr or client()
    since = watermark(organization)
    run = SyncRun.objects.create(organization=organization, published_after=since,
                                 watermark=None)
    try:
        return _run(run, organization, fdr, since, retries, sleep, now)
    except Exception:  # a bug or the database: recorded, and the next Ente goes on
        log.exception("FdR sync of %s failed", organization.slug)
        return _finish(run, SyncRun.Outcome.FAILED, mark=since,
                       error=gettext("Errore interno: la prossima sincronizzazione "
                                     "riprende dallo stesso punto."))


def _run(run: SyncRun, organization: Organization, fdr: api.FdrClient,
         since: dt.datetime | None, retries: int, sleep: Callable[[float], None],
         now: dt.datetime | None) -> SyncRun:
    try:
        refs = _with_retries(lambda: list(fdr.list_flows(organization.fiscal_code, since)),
                             retries, sleep)
    except api.FdrError as exc:
        return _finish(run, SyncRun.Outcome.FAILED, error=f"{type(exc).__name__}: {exc}",
                       mark=since)
    run.flows_listed = len(refs)
    # Oldest publication first, so the watermark can stop before the first failure.
    refs.sort(key=lambda r: (r.published or dt.datetime.min.replace(tzinfo=dt.UTC),
                             r.fdr, r.revision))
    mark = since
    blocked = False
    for ref in refs:
        try:
            outcome = _sync_flow(organization, fdr, ref, retries, sleep)
        except Exception:  # a bug or the database: this flow waits, the run goes on
            log.exception("FdR %s rev. %s of %s could not be stored", ref.fdr,
                          ref.revision, organization.slug)
            outcome = _Outcome(unavailable=True, reason=gettext("errore interno"))
        if outcome.unavailable:
            blocked = True
            # publishedGt is strict: stop just before this flow, even if others
            # published at the same instant were stored (they are skipped next time).
            if ref.published is not None and mark is not None and mark >= ref.published:
                mark = ref.published - dt.timedelta(microseconds=1)
        elif not blocked and ref.published is not None and (mark is None
                                                            or ref.published > mark):
            mark = ref.published
        if outcome.stored:
            run.flows_stored += 1
            run.payments_stored += outcome.payments
        if outcome.ignored or outcome.refused or outcome.unavailable:
            if outcome.ignored:
                run.flows_ignored += 1
            elif outcome.refused:
                run.flows_refused += 1
            if outcome.reason:
                run.problems.append({"fdr": ref.fdr, "revision": ref.revision,
                                     "psp": ref.psp_id, "reason": outcome.reason})
    matching.rematch_unsettled(organization, now=now)
    matching.flag_unreported(organization, now=now)
    _settle_known_psps(organization)
    # The treasury's credits against the flows just stored (recon-pages).
    credits.reconcile_treasury(organization)
    if blocked:
        return _finish(run, SyncRun.Outcome.FAILED, mark=mark,
                       error=gettext("FdR non disponibile per alcuni flussi: saranno "
                                     "ripresi alla prossima sincronizzazione."))
    partial = run.flows_refused or any(p for p in run.problems)
    return _finish(run, SyncRun.Outcome.PARTIAL if partial else SyncRun.Outcome.OK,
                   mark=mark)


def _with_retries(call: Callable[[], T], retries: int, sleep: Callable[[float], None]) -> T:
    """``call()``, again after 1 s, 2 s… (at most 30) while FdR is unavailable."""
    for attempt in range(retries + 1):
        try:
            return call()
        except api.FdrUnavailable:
            if attempt == retries:
                raise
            sleep(min(2 ** attempt, 30))
    raise AssertionError("unreachable")


def _finish(run: SyncRun, outcome: str, *, mark: dt.datetime | None,
            error: str = "") -> SyncRun:
    run.outcome = outcome
    run.finished_at = timezone.now()
    run.watermark = mark
    run.error = error
    run.save()
    level = logging.WARNING if outcome != SyncRun.Outcome.OK else logging.INFO
    log.log(level, "FdR sync of %s: %s, %d listed, %d stored, %d ignored, %d refused%s",
            run.organization.slug, outcome, run.flows_listed, run.flows_stored,
            run.flows_ignored, run.flows_refused, f" ({error})" if error else "")
    return run


def _sync_flow(organization: Organization, fdr: api.FdrClient, ref: api.FlowRef,
               retries: int, sleep: Callable[[float], None]) -> _Outcome:
    revisions = set(Flow.objects.filter(organization=organization, fdr=ref.fdr,
                                        psp_id=ref.psp_id).values_list("revision", flat=True))
    if ref.revision in revisions:
        return _Outcome()  # already here: nothing to say, nothing counted
    if revisions and max(revisions) > ref.revision:
        reason = gettext("revisione %(revision)s più vecchia di quella registrata "
                         "(%(stored)s)") % {"revision": ref.revision,
                                            "stored": max(revisions)}
        log.warning("FdR %s of %s: %s: ignored", ref.fdr, organization.slug, reason)
        return _Outcome(ignored=True, reason=reason)
    try:
        header = _with_retries(lambda: fdr.get_flow(organization.fiscal_code, ref.fdr,
                                                    ref.revision, ref.psp_id),
                               retries, sleep)
        payments = _with_retries(lambda: fdr.fetch_payments(
            organization.fiscal_code, ref.fdr, ref.revision, ref.psp_id), retries, sleep)
    except api.FdrUnavailable as exc:
        log.warning("FdR %s of %s unavailable: %s", ref.fdr, organization.slug, exc)
        return _Outcome(unavailable=True, reason=str(exc))
    except (api.FdrDataError, api.FdrRefused) as exc:
        return _refuse(organization, ref, str(exc))
    mismatch = _header_mismatch(organization, ref, header)
    if mismatch:
        return _refuse(organization, ref, mismatch)
    try:
        flow, count = _store(organization, ref, header, payments)
    except (IntegrityError, _AlreadyStored):
        # Stored meanwhile by another run: it counted it.
        return _Outcome()
    if flow is None:
        return _Outcome(ignored=True,
                        reason=gettext("revisione più vecchia di quella registrata"))
    return _Outcome(stored=True, payments=count, flow=flow)


def _refuse(organization: Organization, ref: api.FlowRef, reason: str) -> _Outcome:
    log.warning("FdR %s rev. %s (PSP %s) for %s refused: %s", ref.fdr, ref.revision,
                ref.psp_id, organization.slug, reason)
    return _Outcome(refused=True, reason=reason)


def _header_mismatch(organization: Organization, ref: api.FlowRef,
                     header: api.Flow) -> str:
    if header.receiver.organization_id != organization.fiscal_code:
        return gettext("flusso per un altro Ente (%(other)s, non %(ours)s)") % {
            "other": header.receiver.organization_id, "ours": organization.fiscal_code}
    if header.fdr != ref.fdr or header.revision != ref.revision:
        return gettext("il flusso letto (%(fdr)s rev. %(revision)s) non è quello "
                       "elencato") % {"fdr": header.fdr, "revision": header.revision}
    if header.sender.psp_id != ref.psp_id:
        return gettext("PSP del flusso (%(psp)s) diverso da quello elencato") % {
            "psp": header.sender.psp_id}
    return ""


def _store(organization: Organization, ref: api.FlowRef, header: api.Flow,
           fetched: api.Payments) -> tuple[Flow | None, int]:
    """Write the flow, its payments (matched beforehand, outside the transaction) and
    its issues in one transaction."""
    problems = [{"position": r.position, "reason": r.reason} for r in fetched.rejected]
    seen: set[int] = set()
    rows: list[api.Payment] = []
    for payment in fetched.payments:
        if payment.index in seen:
            problems.append({"index": payment.index, "reason": gettext("indice ripetuto")})
            continue
        seen.add(payment.index)
        rows.append(payment)
    total = sum(p.amount_cents for p in rows)
    now = timezone.now()
    payments = [FlowPayment(index=p.index, iuv=p.iuv, iur=p.iur, id_transfer=p.id_transfer,
                            amount_cents=p.amount_cents, pay_status=p.pay_status,
                            pay_date=p.pay_date) for p in rows]
    matching.match_in_memory(organization, payments, now,
                             new_flow=(header.fdr, header.sender.psp_id))
    with transaction.atomic():
        same = Flow.objects.filter(organization=organization, fdr=ref.fdr,
                                   psp_id=ref.psp_id)
        # Lock the stored revisions, then read them again: a revision another run
        # committed while this one waited is in the second read (a new snapshot).
        list(same.select_for_update().values_list("pk", flat=True))
        latest = same.order_by("-revision").values_list("revision", flat=True).first()
        if latest == header.revision:
            raise _AlreadyStored
        if latest is not None and latest > header.revision:
            return None, 0
        previous = list(same.filter(status=Flow.Status.CURRENT))
        flow = Flow.objects.create(
            organization=organization, fdr=header.fdr, revision=header.revision,
            psp_id=header.sender.psp_id, psp_name=header.sender.psp_name,
            flow_date=header.fdr_date or ref.flow_date, regulation=header.regulation,
            regulation_date=header.regulation_date, bic=header.bic,
            computed_count=header.computed_count,
            computed_amount_cents=header.computed_amount_cents,
            declared_count=header.declared_count,
            declared_amount_cents=header.declared_amount_cents,
            payments_count=len(rows), payments_amount_cents=total, problems=problems,
            raw=header.raw, published_at=header.published or ref.published,
            matched_at=now)
        for payment in payments:
            payment.flow = flow
        FlowPayment.objects.bulk_create(payments, batch_size=1000)
        issues: list[ReconciliationIssue | None] = list(
            matching.issues_of(organization, payments))
        issues += _flow_issues(organization, flow, problems)
        for old in previous:
            issues.append(_supersede(organization, old, flow))
        ReconciliationIssue.objects.bulk_create([i for i in issues if i is not None],
                                                ignore_conflicts=True)
    return flow, len(rows)


def _flow_issues(organization: Organization, flow: Flow,
                 problems: list[dict]) -> list[ReconciliationIssue | None]:
    issues: list[ReconciliationIssue | None] = []

    def issue(kind: str, **detail) -> None:
        issues.append(ReconciliationIssue(organization=organization, kind=kind,
                                          key=f"{kind}:flow:{flow.pk}", flow=flow,
                                          detail=detail))

    if problems:
        issue(Kind.MALFORMED, problems=problems[:100], count=len(problems))
    if not flow.totals_agree:
        issue(Kind.TOTAL_MISMATCH, declared_count=flow.declared_count,
              declared_amount_cents=flow.declared_amount_cents,
              payments_count=flow.payments_count,
              payments_amount_cents=flow.payments_amount_cents)
    if not Receipt.objects.filter(organization=organization, id_psp=flow.psp_id).exists():
        issue(Kind.UNKNOWN_PSP, psp_id=flow.psp_id, psp_name=flow.psp_name)
    return issues


def _settle_known_psps(organization: Organization) -> None:
    """A PSP asked about because none of our receipts named it is known once one does."""
    (ReconciliationIssue.objects
     .filter(organization=organization, kind=Kind.UNKNOWN_PSP,
             state=ReconciliationIssue.State.OPEN)
     .filter(Exists(Receipt.objects.filter(organization=organization,
                                           id_psp=OuterRef("flow__psp_id"))))
     .update(state=ReconciliationIssue.State.RESOLVED, resolved_at=timezone.now(),
             updated_at=timezone.now(),
             notes=gettext("Chiusa dalla riconciliazione: è arrivata una ricevuta di "
                           "questo PSP.")))


def _supersede(organization: Organization, old: Flow, new: Flow) -> ReconciliationIssue:
    """``old`` stays, marked superseded; its open issues close (the new revision's own
    are raised when it is matched) and one issue shows what changed."""
    now = timezone.now()
    Flow.objects.filter(pk=old.pk).update(status=Flow.Status.SUPERSEDED, superseded_by=new)
    (ReconciliationIssue.objects
     .filter(organization=organization, state=ReconciliationIssue.State.OPEN)
     .filter(Q(flow_id=old.pk) | Q(payment__flow_id=old.pk))
     .update(state=ReconciliationIssue.State.RESOLVED, resolved_at=now, updated_at=now,
             notes=gettext("Chiusa: il flusso è stato sostituito dalla revisione "
                           "%(revision)s.") % {"revision": new.revision}))
    log.info("FdR %s (PSP %s) of %s: revision %d supersedes %d", new.fdr, new.psp_id,
             organization.slug, new.revision, old.revision)
    return ReconciliationIssue(
        organization=organization, kind=Kind.NEW_REVISION,
        key=f"{Kind.NEW_REVISION}:flow:{new.pk}", flow=new,
        detail={"previous_flow_id": old.pk, "previous_revision": old.revision,
                "revision": new.revision,
                "previous_count": old.payments_count, "count": new.payments_count,
                "previous_amount_cents": old.payments_amount_cents,
                "amount_cents": new.payments_amount_cents})
