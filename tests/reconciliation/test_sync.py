"""Issue 15 items 1, 2, 5 and the bad-input rules: the sync against a canned FdR over
real HTTP (answers checked against openapi-organizations.json), with real receipts."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from audit.models import AuditEntry
from pagopa.fdr import FdrClient
from payments.models import Receipt
from positions.models import PaymentOption
from reconciliation import actions, sync
from reconciliation.models import Flow, FlowPayment, MatchState, ReconciliationIssue, SyncRun
from tests.payments.test_receipt_review import deliver, info_for
from tests.reconciliation.fdr_data import FakeFdr, flow, payment

pytestmark = pytest.mark.django_db
Kind = ReconciliationIssue.Kind
PSP = "BCITITMM"  # the PSP of info_for's receipts


@pytest.fixture
def fake(http_server, organization):
    fake = FakeFdr(organization.fiscal_code)
    http_server.reply = fake
    return fake


@pytest.fixture
def client(http_server):
    return FdrClient(http_server.url, "key")


@pytest.fixture
def options(make_position):
    return [make_position(reference=f"R-{n}", amount_cents=1000 * n).options.get()
            for n in range(1, 6)]


def paid(option, iur):
    return deliver(option, info_for(option, receipt_id=iur)).receipt


def run(organization, client, **kwargs) -> SyncRun:
    return sync.sync_organization(organization, fdr=client, retries=0,
                                  sleep=lambda s: None, **kwargs)


def issues(**filters) -> list[tuple[str, str]]:
    return sorted(ReconciliationIssue.objects.filter(**filters)
                  .values_list("kind", "state"))


def test_every_state_of_a_payment(organization, fake, client, options):
    a, b, c, d, e = options
    paid(a, "IUR-A")
    paid(b, "IUR-B")
    paid(d, "IUR-D")
    paid(e, "IUR-E")
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents),                       # ok
            payment(2, b.iuv, "IUR-B", b.amount_cents - 1),                   # amount
            payment(3, c.iuv, "IUR-C", c.amount_cents),                       # no receipt
            payment(4, "09999999999999999", "IUR-X", 700),                    # not ours
            payment(5, d.iuv, "IUR-D", d.amount_cents, status="REVOKED"),     # revoked
            payment(6, e.iuv, "IUR-E", e.amount_cents, status="STAND_IN")]    # ok
    fake.publish(flow("2026-11-28BCITITMM-0001", organization.fiscal_code, rows,
                      psp_id=PSP), rows)

    result = run(organization, client)

    assert result.outcome == SyncRun.Outcome.OK and result.flows_stored == 1
    assert result.payments_stored == 6
    states = dict(FlowPayment.objects.values_list("index", "match_state"))
    assert states == {1: MatchState.RECONCILED, 2: MatchState.AMOUNT_MISMATCH,
                      3: MatchState.NO_RECEIPT, 4: MatchState.UNKNOWN_IUV,
                      5: MatchState.REVOKED, 6: MatchState.RECONCILED}
    first = FlowPayment.objects.get(index=1)
    assert first.receipt.receipt_id == "IUR-A" and first.option == a
    assert first.transfer == a.transfers.get()
    assert FlowPayment.objects.get(index=2).expected_amount_cents == b.amount_cents
    assert issues() == sorted([(Kind.AMOUNT_MISMATCH, "open"), (Kind.NO_RECEIPT, "open"),
                               (Kind.UNKNOWN_IUV, "open"), (Kind.REVOKED, "open")])
    # Revoked reopens nothing by itself: the option stays paid.
    d.refresh_from_db()
    assert d.status == PaymentOption.Status.PAID
    stored = Flow.objects.get()
    assert stored.regulation == "SEPA-2026-11-28BCITITMM-0001"
    assert stored.payments_count == 6 and stored.totals_agree
    assert sync.last_sync(organization) == result


def test_no_rpt_and_stand_in_no_rpt_without_receipt_are_alarms(organization, fake, client,
                                                                options):
    a, b = options[:2]
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents, status="NO_RPT"),
            payment(2, b.iuv, "IUR-B", b.amount_cents, status="STAND_IN_NO_RPT")]
    fake.publish(flow("F-NORPT", organization.fiscal_code, rows, psp_id=PSP), rows)
    run(organization, client)
    assert set(FlowPayment.objects.values_list("match_state", flat=True)) == {
        MatchState.NO_RECEIPT}
    assert issues(kind=Kind.NO_RECEIPT) == [(Kind.NO_RECEIPT, "open")] * 2


def test_sync_again_counts_nothing_twice(organization, fake, client, options):
    a = options[0]
    paid(a, "IUR-A")
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents)]
    fake.publish(flow("F1", organization.fiscal_code, rows, psp_id=PSP), rows)
    first = run(organization, client)
    assert first.watermark == dt.datetime(2026, 11, 28, 8, tzinfo=dt.UTC)
    second = run(organization, client)
    assert second.published_after == first.watermark
    assert second.flows_listed == 0 and second.flows_stored == 0
    SyncRun.objects.all().delete()  # even with the watermark lost
    third = run(organization, client)
    assert third.flows_listed == 1 and third.flows_stored == 0
    assert Flow.objects.count() == 1 and FlowPayment.objects.count() == 1
    assert ReconciliationIssue.objects.count() == 0


def test_a_new_revision_supersedes_and_the_change_is_visible(organization, fake, client,
                                                             options):
    a, b = options[:2]
    paid(a, "IUR-A")
    paid(b, "IUR-B")
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents),
            payment(2, b.iuv, "IUR-B", b.amount_cents + 50)]
    fake.publish(flow("F1", organization.fiscal_code, rows, psp_id=PSP), rows)
    run(organization, client)
    assert issues() == [(Kind.AMOUNT_MISMATCH, "open")]
    fixed = [rows[0], payment(2, b.iuv, "IUR-B", b.amount_cents)]
    fake.publish(flow("F1", organization.fiscal_code, fixed, psp_id=PSP, revision=2,
                      published="2026-11-28T12:00:00Z"), fixed)

    result = run(organization, client)

    assert result.flows_stored == 1
    old, new = Flow.objects.order_by("revision")
    assert old.status == Flow.Status.SUPERSEDED and old.superseded_by == new
    assert new.status == Flow.Status.CURRENT
    assert set(new.payments.values_list("match_state", flat=True)) == {
        MatchState.RECONCILED}
    change = ReconciliationIssue.objects.get(kind=Kind.NEW_REVISION)
    assert change.flow == new and change.state == "open"
    assert change.detail["previous_revision"] == 1 and change.detail["revision"] == 2
    assert (change.detail["previous_amount_cents"], change.detail["amount_cents"]) == (
        a.amount_cents + b.amount_cents + 50, a.amount_cents + b.amount_cents)
    closed = ReconciliationIssue.objects.get(kind=Kind.AMOUNT_MISMATCH)
    assert closed.state == "resolved" and "revisione 2" in closed.notes


def test_a_payment_in_two_current_flows_of_a_psp_counts_once(organization, fake, client,
                                                              options):
    a, b = options[:2]
    paid(a, "IUR-A")
    paid(b, "IUR-B")
    first_rows = [payment(1, a.iuv, "IUR-A", a.amount_cents)]
    fake.publish(flow("F1", organization.fiscal_code, first_rows, psp_id=PSP), first_rows)
    run(organization, client)
    # Another flow id of the same PSP, a day later, reports A again next to B.
    second_rows = [payment(1, a.iuv, "IUR-A", a.amount_cents),
                   payment(2, b.iuv, "IUR-B", b.amount_cents)]
    fake.publish(flow("F2", organization.fiscal_code, second_rows, psp_id=PSP,
                      published="2026-11-29T08:00:00Z"), second_rows)

    result = run(organization, client)
    run(organization, client)  # again: nothing changes, nothing is raised twice

    assert result.outcome == SyncRun.Outcome.OK and result.flows_stored == 1
    first, second = Flow.objects.order_by("pk")
    assert list(first.payments.values_list("match_state", flat=True)) == [
        MatchState.RECONCILED]
    assert dict(second.payments.values_list("index", "match_state")) == {
        1: MatchState.DUPLICATE, 2: MatchState.RECONCILED}
    assert FlowPayment.objects.filter(iuv=a.iuv,
                                      match_state=MatchState.RECONCILED).count() == 1
    issue = ReconciliationIssue.objects.get()
    assert (issue.kind, issue.state, issue.flow) == (Kind.DUPLICATE, "open", second)
    assert issue.get_kind_display() == "Pagamento rendicontato due volte"
    assert issue.payment.index == 1 and issue.detail["first_flow"] == "F1"
    # A full rematch of either flow keeps the first as the one that counts.
    from reconciliation import matching

    matching.match_flow(first)
    matching.match_flow(second)
    assert FlowPayment.objects.get(flow=first).match_state == MatchState.RECONCILED
    assert issues() == [(Kind.DUPLICATE, "open")]


def test_an_older_revision_is_logged_and_ignored(organization, fake, client, options,
                                                 caplog):
    a = options[0]
    paid(a, "IUR-A")
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents)]
    fake.publish(flow("F1", organization.fiscal_code, rows, psp_id=PSP, revision=3,
                      published="2026-11-28T08:00:00Z"), rows)
    run(organization, client)
    fake.flows.insert(0, (flow("F1", organization.fiscal_code, rows, psp_id=PSP,
                               revision=2, published="2026-11-28T09:00:00Z"), rows))
    result = run(organization, client)
    assert result.flows_ignored == 1 and result.flows_stored == 0
    assert result.outcome == SyncRun.Outcome.PARTIAL
    assert "più vecchia" in result.problems[0]["reason"]
    assert "older" not in caplog.text and "ignored" in caplog.text
    assert list(Flow.objects.values_list("revision", "status")) == [(3, "current")]


def test_revisions_relisted_are_silent_and_a_revision_stored_meanwhile_counts_once(
        organization, fake, client, options):
    a = options[0]
    paid(a, "IUR-A")
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents)]
    for revision in (1, 2):
        fake.publish(flow("F1", organization.fiscal_code, rows, psp_id=PSP,
                          revision=revision, published=f"2026-11-28T0{revision}:00:00Z"),
                     rows)
    assert run(organization, client).flows_stored == 2
    SyncRun.objects.all().delete()
    again = run(organization, client)  # both listed again: both already here
    assert again.outcome == SyncRun.Outcome.OK and not again.problems
    # A run that fetched revision 3 while another stored it stores nothing.
    from pagopa.fdr import Payments, parse_flow, parse_flow_ref, parse_payment
    from tests.pagopa.test_fdr import canned

    header = parse_flow(canned(flow("F1", organization.fiscal_code, rows, psp_id=PSP,
                                    revision=3)))
    ref = parse_flow_ref({"fdr": "F1", "pspId": PSP, "revision": 3})
    fetched = Payments([parse_payment(canned(rows[0]))])
    sync._store(organization, ref, header, fetched)
    with pytest.raises(sync._AlreadyStored):
        sync._store(organization, ref, header, fetched)
    assert Flow.objects.filter(status="current").count() == 1
    assert FlowPayment.objects.count() == 3


def test_malformed_data_is_stored_for_review_garbage_is_refused(organization, fake, client,
                                                                options, http_server):
    fake.strict = False
    a, b = options[:2]
    paid(a, "IUR-A")
    good = payment(1, a.iuv, "IUR-A", a.amount_cents)
    bad = {**payment(2, b.iuv, "IUR-B", b.amount_cents), "idTransfer": 9}
    fake.publish(flow("F-DATA", organization.fiscal_code, [good], psp_id=PSP,
                      declared=(2, a.amount_cents + b.amount_cents)), [good, bad])
    fake.publish(flow("F-GARBAGE", organization.fiscal_code, [], psp_id=PSP,
                      published="2026-11-28T09:00:00Z"), [])
    fake.garbage["/fdrs/F-GARBAGE/revisions"] = b"<html>proxy error</html>"
    fake.publish(flow("F-OTHER", "09876540023", [], psp_id=PSP,
                      published="2026-11-28T10:00:00Z"), [])
    fake.flows[-1][0]["fdr"] = "F-OTHER"

    result = run(organization, client)

    assert result.flows_stored == 1 and result.flows_refused == 2
    assert result.outcome == SyncRun.Outcome.PARTIAL
    reasons = {p["fdr"]: p["reason"] for p in result.problems}
    assert "JSON" in reasons["F-GARBAGE"] and "altro Ente" in reasons["F-OTHER"]
    stored = Flow.objects.get()
    assert stored.fdr == "F-DATA" and stored.payments_count == 1
    assert "idTransfer" in stored.problems[0]["reason"]
    assert issues() == sorted([(Kind.MALFORMED, "open"), (Kind.TOTAL_MISMATCH, "open")])
    total = ReconciliationIssue.objects.get(kind=Kind.TOTAL_MISMATCH).detail
    assert (total["declared_count"], total["payments_count"]) == (2, 1)
    # The watermark passes refused garbage (it would be refused forever) .
    assert result.watermark == dt.datetime(2026, 11, 28, 10, tzinfo=dt.UTC)


def test_an_outage_leaves_the_watermark_before_the_missed_flow(organization, fake, client,
                                                               options):
    a, b = options[:2]
    paid(a, "IUR-A")
    paid(b, "IUR-B")
    for n, (option, iur) in enumerate([(a, "IUR-A"), (b, "IUR-B")], start=1):
        rows = [payment(1, option.iuv, iur, option.amount_cents)]
        fake.publish(flow(f"F{n}", organization.fiscal_code, rows, psp_id=PSP,
                          published=f"2026-11-28T0{n}:00:00Z"), rows)
    fake.broken["/fdrs/F2/"] = 503

    failed = run(organization, client)

    assert failed.outcome == SyncRun.Outcome.FAILED and failed.flows_stored == 1
    assert failed.watermark == dt.datetime(2026, 11, 28, 1, tzinfo=dt.UTC)
    assert sync.last_sync(organization) == failed
    fake.broken.clear()
    again = run(organization, client)
    assert again.published_after == failed.watermark
    assert again.outcome == SyncRun.Outcome.OK and again.flows_stored == 1
    assert Flow.objects.count() == 2


def test_list_unavailable_fails_the_run_and_retries(organization, fake, client):
    fake.broken[f"/organizations/{organization.fiscal_code}/fdrs"] = 500
    slept = []
    result = sync.sync_organization(organization, fdr=client, retries=2, sleep=slept.append)
    assert result.outcome == SyncRun.Outcome.FAILED and "FdrUnavailable" in result.error
    assert slept == [1, 2]
    assert sync.watermark(organization) is None


def test_a_late_receipt_settles_the_payment(organization, fake, client, options):
    a = options[0]
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents)]
    fake.publish(flow("F1", organization.fiscal_code, rows, psp_id=PSP), rows)
    run(organization, client)
    assert issues(kind=Kind.NO_RECEIPT) == [(Kind.NO_RECEIPT, "open")]
    paid(a, "IUR-A")
    run(organization, client)
    assert FlowPayment.objects.get().match_state == MatchState.RECONCILED
    assert issues(kind=Kind.NO_RECEIPT) == [(Kind.NO_RECEIPT, "resolved")]


def test_a_receipt_no_flow_reports_is_flagged_after_the_days(organization, fake, client,
                                                             options, settings):
    settings.RECONCILIATION_UNREPORTED_DAYS = 5
    a, b = options[:2]
    old, recent = paid(a, "IUR-A"), paid(b, "IUR-B")
    Receipt.objects.filter(pk=old.pk).update(received_at=timezone.now() - dt.timedelta(
        days=6))
    Receipt.objects.filter(pk=recent.pk).update(received_at=timezone.now() - dt.timedelta(
        days=4))
    run(organization, client)
    flagged = ReconciliationIssue.objects.get()
    assert flagged.kind == Kind.UNREPORTED and flagged.receipt == old
    run(organization, client)
    assert ReconciliationIssue.objects.count() == 1  # not twice
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents)]
    fake.publish(flow("F1", organization.fiscal_code, rows, psp_id=PSP), rows)
    run(organization, client)
    assert issues() == [(Kind.UNREPORTED, "resolved")]


def test_a_psp_none_of_our_receipts_named_is_asked_about(organization, fake, client,
                                                         options):
    rows = [payment(1, options[0].iuv, "IUR-A", options[0].amount_cents)]
    fake.publish(flow("F1", organization.fiscal_code, rows, psp_id="UNKNOWNPSP1"), rows)
    run(organization, client)
    assert (Kind.UNKNOWN_PSP, "open") in issues()


def test_staff_recover_a_payment_without_receipt(organization, fake, client, options,
                                                  django_user_model):
    a, b = options[:2]
    paid(b, "IUR-B")
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents),
            payment(2, b.iuv, "IUR-B", b.amount_cents + 1)]
    fake.publish(flow("F1", organization.fiscal_code, rows, psp_id=PSP), rows)
    run(organization, client)
    staff = django_user_model.objects.create_user("op@comune.example", "x" * 12)
    alarm = ReconciliationIssue.objects.get(kind=Kind.NO_RECEIPT)

    option = actions.mark_recovered(alarm, staff, "Confermato dal PSP")

    assert option.status == PaymentOption.Status.PAID
    a.refresh_from_db()
    assert a.status == PaymentOption.Status.PAID
    assert a.paid_at == dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)
    alarm.refresh_from_db()
    assert alarm.state == "resolved" and alarm.resolved_by == staff
    entry = AuditEntry.objects.get(action="reconciliation.recovered")
    assert entry.actor == staff and entry.data["note"] == "Confermato dal PSP"
    assert entry.position_id == a.position_id
    with pytest.raises(actions.ActionRefused, match="già stata risolta"):
        actions.mark_recovered(alarm, staff)
    mismatch = ReconciliationIssue.objects.get(kind=Kind.AMOUNT_MISMATCH)
    with pytest.raises(actions.ActionRefused, match="senza ricevuta"):
        actions.mark_recovered(mismatch, staff)
    with pytest.raises(actions.ActionRefused, match="nota"):
        actions.resolve(mismatch, staff, "  ")
    actions.resolve(mismatch, staff, "Rimborso chiesto al PSP")
    assert AuditEntry.objects.filter(action="reconciliation.resolved").count() == 1


def test_recover_refused_when_the_option_is_no_longer_payable(organization, fake, client,
                                                               options, django_user_model):
    a = options[0]
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents)]
    fake.publish(flow("F1", organization.fiscal_code, rows, psp_id=PSP), rows)
    run(organization, client)
    alarm = ReconciliationIssue.objects.get(kind=Kind.NO_RECEIPT)
    PaymentOption.objects.get(pk=a.pk).cancel()
    staff = django_user_model.objects.create_user("op@comune.example", "x" * 12)
    with pytest.raises(actions.ActionRefused, match="non è più pagabile"):
        actions.mark_recovered(alarm, staff)
    alarm.refresh_from_db()
    assert alarm.state == "open"
    assert not AuditEntry.objects.filter(action="reconciliation.recovered").exists()


def test_command_and_schedule(organization, fake, http_server, settings, options):
    from scheduling.schedule import COMMANDS, configured

    settings.PAGOPA_FDR_URL = http_server.url
    a = options[0]
    paid(a, "IUR-A")
    rows = [payment(1, a.iuv, "IUR-A", a.amount_cents)]
    fake.publish(flow("F1", organization.fiscal_code, rows, psp_id=PSP), rows)
    out = StringIO()
    call_command("sync_fdr", "--organization", organization.slug, stdout=out)
    assert "comune-di-prova: ok, 1 listed, 1 stored, 1 payments" in out.getvalue()
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown Ente: nessuno"):
        call_command("sync_fdr", "--organization", "nessuno", stdout=StringIO())
    call_command("sync_fdr", "--organization", organization.fiscal_code, stdout=out)
    assert SyncRun.objects.count() == 2
    assert COMMANDS["sync_fdr"] == ("sync_fdr",)
    assert configured()["sync_fdr"] == 3600
    fake.broken["/fdrs"] = 503
    with pytest.raises(SystemExit) as exit_:
        call_command("sync_fdr", "--retries", "0", stdout=StringIO(), stderr=StringIO())
    assert exit_.value.code == 1


def test_the_worker_runs_it_and_a_failure_is_a_warning(organization, fake, http_server,
                                                       settings, caplog, monkeypatch):
    from reconciliation import sync as module
    from scheduling.tasks import run_scheduled

    settings.PAGOPA_FDR_URL = http_server.url
    monkeypatch.setattr(module.time, "sleep", lambda seconds: None)
    fake.broken["/fdrs"] = 503
    run_scheduled.call("sync_fdr")
    [record] = [r for r in caplog.records if r.name == "scheduling.tasks"]
    assert record.levelname == "WARNING" and "the next run retries" in record.getMessage()
    assert SyncRun.objects.get().outcome == SyncRun.Outcome.FAILED


def test_a_flow_missed_at_the_same_instant_as_a_stored_one_is_fetched_next_time(
        organization, fake, client, options):
    a, b = options[:2]
    for name, option in (("F1", a), ("F2", b)):
        rows = [payment(1, option.iuv, f"IUR-{name}", option.amount_cents)]
        fake.publish(flow(name, organization.fiscal_code, rows, psp_id=PSP,
                          published="2026-11-28T08:00:00Z"), rows)
    fake.broken["/fdrs/F2/"] = 503
    failed = run(organization, client)
    assert failed.flows_stored == 1
    assert failed.watermark < dt.datetime(2026, 11, 28, 8, tzinfo=dt.UTC)
    fake.broken.clear()
    assert run(organization, client).flows_stored == 1
    assert Flow.objects.count() == 2


def test_an_unexpected_error_on_one_flow_is_no_crash(organization, fake, client, options,
                                                     monkeypatch, caplog):
    a, b = options[:2]
    for name, option in (("F1", a), ("F2", b)):
        rows = [payment(1, option.iuv, f"IUR-{name}", option.amount_cents)]
        fake.publish(flow(name, organization.fiscal_code, rows, psp_id=PSP), rows)
    real = sync._store

    def broken(organization, ref, header, fetched):
        if ref.fdr == "F1":
            raise RuntimeError("disk full")
        return real(organization, ref, header, fetched)

    monkeypatch.setattr(sync, "_store", broken)
    result = run(organization, client)
    assert result.outcome == SyncRun.Outcome.FAILED and result.flows_stored == 1
    assert "disk full" in caplog.text
    monkeypatch.setattr(sync, "_store", real)
    assert run(organization, client).flows_stored == 1


def test_a_failure_outside_any_flow_is_recorded_not_raised(organization, fake, client,
                                                           monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(sync.matching, "flag_unreported", broken)
    result = run(organization, client)
    assert result.outcome == SyncRun.Outcome.FAILED and "Errore interno" in result.error
    assert "database gone" in caplog.text
    assert sync.last_sync(organization) == result
