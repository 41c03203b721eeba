"""Issue 15, "done means": the sync over HTTP against the sandbox's organisations' API
(live server), with positions paid through the sandbox's Checkout and Node, flows the
sandbox's PSPs publish (with their faults) and every state: riconciliato, importo
diverso, senza ricevuta, non rendicontata, revocato, second revision, malformed flow,
unknown IUV, FdR down. Run on SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from payments.models import Receipt
from positions.models import PaymentOption, PositionClaim
from reconciliation import actions, sync
from reconciliation.models import Flow, FlowPayment, MatchState, ReconciliationIssue, SyncRun
from sandbox import fdr_publish, node
from sandbox.models import Station
from tests.sandbox.test_checkout_flow import pay

pytestmark = pytest.mark.django_db(transaction=True)
Kind = ReconciliationIssue.Kind


@pytest.fixture
def browser(client, payer, site, settings):
    settings.PAGOPA_FDR_URL = ""  # the sandbox's organisations' API on the live server
    client.force_login(payer)
    return client


@pytest.fixture
def pay_positions(make_position, payer, browser):
    def make(count: int, **how) -> list[PaymentOption]:
        options = []
        for n in range(count):
            position = make_position(reference=f"R-{n}-{how.get('scenario', 'ok')}")
            PositionClaim.objects.create(user=payer, position=position, source="search")
            option = position.options.get()
            pay(browser, option, **how)
            options.append(option)
        return options

    return make


def publish(organization, *faults: str) -> fdr_publish.Report:
    return fdr_publish.publish_day(timezone.localdate(), organization.fiscal_code,
                                   frozenset(faults))


def states() -> dict[str, str]:
    return dict(FlowPayment.objects.filter(flow__status=Flow.Status.CURRENT)
                .values_list("iuv", "match_state"))


def open_issues() -> list[str]:
    return sorted(ReconciliationIssue.objects.filter(state="open")
                  .values_list("kind", flat=True))


def test_reconciled_amount_mismatch_and_unreported(organization, pay_positions, settings):
    settings.RECONCILIATION_UNREPORTED_DAYS = 0
    a, b, c = pay_positions(3)
    assert Receipt.objects.filter(applied=True).count() == 3
    publish(organization, "wrong_amount", "missing_payment")

    run = sync.sync_organization(organization)

    assert run.outcome == SyncRun.Outcome.OK, run.error
    assert run.flows_stored == 1 and run.payments_stored == 2
    assert states() == {a.iuv: MatchState.AMOUNT_MISMATCH, b.iuv: MatchState.RECONCILED}
    mismatch = ReconciliationIssue.objects.get(kind=Kind.AMOUNT_MISMATCH)
    assert mismatch.detail["amount_cents"] == 2200 + fdr_publish.WRONG_BY_CENTS
    assert mismatch.detail["expected_amount_cents"] == 2200
    unreported = ReconciliationIssue.objects.get(kind=Kind.UNREPORTED)
    assert unreported.receipt == Receipt.objects.get(option=c)
    # The two items of the work queue, and nothing else (the PSP is one we know).
    assert open_issues() == sorted([Kind.AMOUNT_MISMATCH, Kind.UNREPORTED])
    flow = Flow.objects.get()
    assert flow.psp_id == "SNDBXIT1" and flow.regulation_date == timezone.localdate()
    assert flow.totals_agree and flow.declared_amount_cents == 2 * 2200 + 100
    assert sync.last_sync(organization) == run

    again = sync.sync_organization(organization)  # nothing new, nothing twice
    assert again.flows_listed == 0 and Flow.objects.count() == 1
    assert FlowPayment.objects.count() == 2 and len(open_issues()) == 2


def test_in_flow_without_receipt_then_recovered(organization, pay_positions,
                                                django_user_model):
    (late,) = pay_positions(1, scenario="late", delay=3600)
    assert not Receipt.objects.exists()  # the Node has not sent it yet
    publish(organization)
    sync.sync_organization(organization)
    assert states() == {late.iuv: MatchState.NO_RECEIPT}
    alarm = ReconciliationIssue.objects.get(kind=Kind.NO_RECEIPT, state="open")

    staff = django_user_model.objects.create_user("op@comune.example", "x" * 12)
    actions.mark_recovered(alarm, staff, "Accredito verificato in tesoreria")
    late.refresh_from_db()
    assert late.status == PaymentOption.Status.PAID

    # The receipt arrives at last: it finds the option paid and the flow matches it.
    node.deliver_due(timezone.now() + dt.timedelta(hours=2))
    assert Receipt.objects.filter(option=late).exists()
    sync.sync_organization(organization)
    assert states() == {late.iuv: MatchState.RECONCILED}


def test_late_receipt_settles_the_alarm_by_itself(organization, pay_positions):
    (late,) = pay_positions(1, scenario="late", delay=3600)
    publish(organization)
    sync.sync_organization(organization)
    # No receipt of this PSP yet either: it is asked about too.
    assert open_issues() == sorted([Kind.NO_RECEIPT, Kind.UNKNOWN_PSP])
    node.deliver_due(timezone.now() + dt.timedelta(hours=2))
    sync.sync_organization(organization)
    assert states() == {late.iuv: MatchState.RECONCILED}
    assert open_issues() == []


def test_second_revision_supersedes_the_first(organization, pay_positions):
    a, b = pay_positions(2)
    report = publish(organization, "second_revision")
    assert [f.revision for f in report.flows] == [2]

    run = sync.sync_organization(organization)

    first, second = Flow.objects.order_by("revision")
    assert (first.revision, first.status) == (1, Flow.Status.SUPERSEDED)
    assert (second.revision, second.status) == (2, Flow.Status.CURRENT)
    assert first.superseded_by == second and run.flows_stored == 2
    assert first.payments_count == 1 and second.payments_count == 2
    assert states() == {a.iuv: MatchState.RECONCILED, b.iuv: MatchState.RECONCILED}
    change = ReconciliationIssue.objects.get(kind=Kind.NEW_REVISION)
    assert (change.detail["previous_count"], change.detail["count"]) == (1, 2)
    # The next day's run of the PSP corrects the same flow once more: revision 3.
    publish(organization, "second_revision")
    sync.sync_organization(organization)
    assert list(Flow.objects.filter(status="current").values_list("revision", flat=True)) \
        == [3]
    assert FlowPayment.objects.filter(flow__status="current").count() == 2


def test_malformed_flow_is_kept_for_review(organization, pay_positions):
    pay_positions(2)
    publish(organization, "malformed")
    run = sync.sync_organization(organization)
    assert run.outcome == SyncRun.Outcome.OK and run.flows_stored == 1
    flow = Flow.objects.get()
    assert flow.payments_count == 0 and len(flow.problems) == 2
    assert "iur" in flow.problems[0]["reason"]
    assert open_issues() == sorted([Kind.MALFORMED, Kind.TOTAL_MISMATCH])
    assert not FlowPayment.objects.exists()


def test_unknown_iuv(organization, pay_positions):
    (a,) = pay_positions(1)
    publish(organization, "unknown_iuv")
    sync.sync_organization(organization)
    found = states()
    assert found.pop(a.iuv) == MatchState.RECONCILED
    ((iuv, state),) = found.items()
    assert state == MatchState.UNKNOWN_IUV and iuv.startswith("99")
    assert open_issues() == [Kind.UNKNOWN_IUV]


def test_revoked_and_no_rpt_published_through_the_psp_api(organization, pay_positions,
                                                          psp_api):
    a, b = pay_positions(2)
    receipt = Receipt.objects.get(option=a)
    today = timezone.localdate()
    name = f"{today:%Y-%m-%d}SNDBXIT1-0050"
    rows = [{"index": 1, "iuv": a.iuv, "iur": receipt.receipt_id, "idTransfer": 1,
             "pay": 22.0, "payStatus": "REVOKED", "payDate": f"{today}T10:00:00Z"},
            {"index": 2, "iuv": b.iuv, "iur": "NORPT0001", "idTransfer": 1,
             "pay": 22.0, "payStatus": "STAND_IN_NO_RPT", "payDate": f"{today}T10:00:00Z"}]
    fiscal_code = organization.fiscal_code
    header = {
        "fdr": name, "fdrDate": f"{today}T18:00:00Z",
        "sender": {"type": "LEGAL_PERSON", "id": "12345678901", "pspId": "SNDBXIT1",
                   "pspName": "Banca Sandbox", "pspBrokerId": "12345678901",
                   "channelId": "SNDBXIT1_01"},
        "receiver": {"id": fiscal_code, "organizationId": fiscal_code,
                     "organizationName": organization.name},
        "regulation": f"{today:%Y%m%d}SNDBXIT10050SCT", "regulationDate": str(today),
        "bicCodePouringBank": "SNDBITMMXXX", "totPayments": 2, "sumPayments": 44.0}
    assert psp_api.call("POST", f"/psps/SNDBXIT1/fdrs/{name}", header).status_code == 201
    psp_api.call("PUT", f"/psps/SNDBXIT1/fdrs/{name}/payments/add", {"payments": rows})
    assert psp_api.call("POST", f"/psps/SNDBXIT1/fdrs/{name}/publish").status_code == 200

    sync.sync_organization(organization)

    assert states() == {a.iuv: MatchState.REVOKED, b.iuv: MatchState.NO_RECEIPT}
    revoked = ReconciliationIssue.objects.get(kind=Kind.REVOKED)
    assert revoked.receipt == receipt and revoked.state == "open"
    a.refresh_from_db()
    assert a.status == PaymentOption.Status.PAID  # revoked reopens nothing by itself
    assert ReconciliationIssue.objects.get(kind=Kind.NO_RECEIPT).detail["pay_status"] == (
        "STAND_IN_NO_RPT")


def test_fdr_down_fails_the_run_and_the_next_one_catches_up(organization, pay_positions):
    (a,) = pay_positions(1)
    publish(organization)
    Station.objects.update_or_create(ec_fiscal_code=organization.fiscal_code,
                                     defaults={"fdr_failure": "500"},
                                     create_defaults={"fdr_failure": "500",
                                                      "broker_id": organization.fiscal_code,
                                                      "station_id": "x_01"})
    failed = sync.sync_organization(organization, retries=1, sleep=lambda s: None)
    assert failed.outcome == SyncRun.Outcome.FAILED and failed.watermark is None
    assert not Flow.objects.exists()
    Station.objects.filter(ec_fiscal_code=organization.fiscal_code).update(
        fdr_failure="401")
    refused = sync.sync_organization(organization, retries=0)
    assert refused.outcome == SyncRun.Outcome.FAILED and "401" in refused.error
    Station.objects.filter(ec_fiscal_code=organization.fiscal_code).update(fdr_failure="")
    ok = sync.sync_organization(organization)
    assert ok.outcome == SyncRun.Outcome.OK and states() == {a.iuv: MatchState.RECONCILED}


def test_a_payment_in_a_second_flow_of_the_psp_is_counted_once(organization, pay_positions):
    a, b = pay_positions(2)
    report = publish(organization, "duplicated_payment")
    assert len(report.flows) == 2 and report.flows[0].fdr != report.flows[1].fdr

    run = sync.sync_organization(organization)

    assert run.outcome == SyncRun.Outcome.OK and run.flows_stored == 2
    first, second = Flow.objects.order_by("pk")
    assert first.status == second.status == Flow.Status.CURRENT
    assert first.psp_id == second.psp_id and first.fdr != second.fdr
    assert dict(first.payments.values_list("iuv", "match_state")) == {
        a.iuv: MatchState.RECONCILED, b.iuv: MatchState.RECONCILED}
    assert list(second.payments.values_list("iuv", "match_state")) == [
        (a.iuv, MatchState.DUPLICATE)]
    assert FlowPayment.objects.filter(match_state=MatchState.RECONCILED).count() == 2
    issue = ReconciliationIssue.objects.get(state="open")
    assert (issue.kind, issue.flow) == (Kind.DUPLICATE, second)
    assert issue.detail["first_flow"] == first.fdr
    again = sync.sync_organization(organization)  # nothing new, nothing raised twice
    assert again.flows_stored == 0 and open_issues() == [Kind.DUPLICATE]
