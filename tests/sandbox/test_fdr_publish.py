"""The sandbox's PSPs report a day and its treasurer books the credits: flows per PSP per
Ente from the Node's own payments, each fault, the camt.053 statement (valid against the
official camt.053.001.02 schema), the page and the command; read back over HTTP through
the organisations' API as the portal's sync does."""

from __future__ import annotations

import datetime as dt
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from lxml import etree

from sandbox import fdr_publish, node
from sandbox.models import Payment, SandboxFlow, TreasuryCredit
from tests.sandbox.conftest import EC, IBAN, OTHER_EC, OTHER_IBAN

CAMT = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
XSD = Path(__file__).parent / "data" / "camt.053.001.02.xsd"
NS = {"c": CAMT}


@pytest.fixture(scope="module")
def camt_schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def day_of_payments(sandbox_payment, today):
    """Three payments for the Ente with one PSP (one of them shared with another Ente),
    one with another PSP in Stand-In, and what must stay out: yesterday's, a refusal."""
    at = timezone.localtime().replace(hour=10, minute=0)  # 10:00 of the Ente's day
    return {
        "a": sandbox_payment("02000000000000001", paid_at=at),
        "b": sandbox_payment("02000000000000002", paid_at=at + dt.timedelta(minutes=1),
                             transfers=((EC, 1500, IBAN), (OTHER_EC, 500, OTHER_IBAN))),
        "c": sandbox_payment("02000000000000003", paid_at=at + dt.timedelta(minutes=2)),
        "d": sandbox_payment("02000000000000004", psp="SNDBXPY1", stand_in=True, paid_at=at),
        "old": sandbox_payment("02000000000000005", paid_at=at - dt.timedelta(days=1)),
        "refused": sandbox_payment("02000000000000006", status=Payment.Status.REFUSED,
                                   paid_at=at),
    }


def rows(flow: SandboxFlow) -> list[tuple]:
    return list(flow.payments.order_by("index").values_list(
        "index", "iuv", "iur", "id_transfer", "amount_cents", "pay_status"))


@pytest.mark.django_db
def test_one_flow_per_psp_per_ente_from_the_nodes_own_payments(day_of_payments, today):
    report = fdr_publish.publish_day(today)
    day = f"{today:%Y-%m-%d}"
    flows = {(f.psp_id, f.organization_id): f for f in report.flows}
    assert sorted(f.fdr for f in report.flows) == [
        f"{day}SNDBXIT1-0001", f"{day}SNDBXIT1-0002", f"{day}SNDBXPY1-0001"]
    ours = flows["SNDBXIT1", EC]
    a, b, c = (day_of_payments[k] for k in "abc")
    assert rows(ours) == [
        (1, "02000000000000001", a.token, 1, 2200, "EXECUTED"),
        (2, "02000000000000002", b.token, 1, 1500, "EXECUTED"),
        (3, "02000000000000003", c.token, 1, 2200, "EXECUTED")]
    assert (ours.tot_payments, ours.sum_payments_cents, ours.status) == (3, 5900, "PUBLISHED")
    assert ours.regulation_date == today and ours.bic == "SNDBITMMXXX"
    # The other Ente's share of payment b goes in that Ente's own flow.
    assert rows(flows["SNDBXIT1", OTHER_EC]) == [
        (1, "02000000000000002", b.token, 2, 500, "EXECUTED")]
    assert rows(flows["SNDBXPY1", EC])[0][5] == "STAND_IN"
    credits = {c.fdr: c for c in report.credits}
    assert credits[ours.fdr].amount_cents == 5900 and credits[ours.fdr].iban == IBAN
    assert credits[ours.fdr].remittance == f"/PUR/LGPE-RIVERSAMENTO/URI/{ours.fdr}"

    again = fdr_publish.publish_day(today)  # a second run publishes nothing twice
    assert again.flows == [] and again.credits == [] and len(again.skipped) == 3
    assert SandboxFlow.objects.count() == 3 and TreasuryCredit.objects.count() == 3


@pytest.mark.django_db
def test_only_the_ente_asked_for(day_of_payments, today):
    report = fdr_publish.publish_day(today, OTHER_EC)
    assert [(f.psp_id, f.organization_id) for f in report.flows] == [("SNDBXIT1", OTHER_EC)]


def first_flow(report) -> SandboxFlow:
    return next(f for f in report.flows if f.psp_id == "SNDBXIT1" and f.organization_id == EC)


@pytest.mark.django_db
def test_fault_missing_payment(day_of_payments, today):
    flow = first_flow(fdr_publish.publish_day(today, EC, frozenset({"missing_payment"})))
    assert [r[1][-1] for r in rows(flow)] == ["1", "2"]  # payment 3 is missing
    assert flow.tot_payments == 2 and flow.sum_payments_cents == 3700


@pytest.mark.django_db
def test_fault_wrong_amount(day_of_payments, today):
    flow = first_flow(fdr_publish.publish_day(today, EC, frozenset({"wrong_amount"})))
    assert [r[4] for r in rows(flow)] == [2300, 1500, 2200]
    assert flow.sum_payments_cents == 6000  # the flow adds up: only the payment is wrong
    assert TreasuryCredit.objects.get(fdr=flow.fdr).amount_cents == 6000


@pytest.mark.django_db
def test_fault_unknown_iuv(day_of_payments, today):
    flow = first_flow(fdr_publish.publish_day(today, EC, frozenset({"unknown_iuv"})))
    extra = rows(flow)[-1]
    assert extra[1] == f"99{today:%Y%m%d}0000001" and extra[4] == 1000
    assert not Payment.objects.filter(notice_number="3" + extra[1]).exists()


@pytest.mark.django_db
def test_fault_second_revision_in_the_same_run_and_later(day_of_payments, today):
    flow = first_flow(fdr_publish.publish_day(today, EC, frozenset({"second_revision"})))
    revisions = SandboxFlow.objects.filter(fdr=flow.fdr).order_by("revision")
    assert [(f.revision, f.tot_payments) for f in revisions] == [(1, 2), (2, 3)]
    assert TreasuryCredit.objects.filter(fdr=flow.fdr).get().amount_cents == 5900
    # Asked again later, the PSP corrects the flow it published: revision 3, same credit.
    later = fdr_publish.publish_day(today, EC, frozenset({"second_revision"}))
    assert [(f.fdr, f.revision) for f in later.flows if f.fdr == flow.fdr] == [(flow.fdr, 3)]
    assert later.credits == [] and TreasuryCredit.objects.filter(fdr=flow.fdr).count() == 1


@pytest.mark.django_db
def test_faults_on_the_treasury_side(day_of_payments, today):
    report = fdr_publish.publish_day(today, EC, frozenset({"no_credit", "orphan_credit"}))
    flow = first_flow(report)
    assert not TreasuryCredit.objects.filter(fdr=flow.fdr).exists()  # a flow with no credit
    # Only the first flow has the faults: the other PSP's flow is credited as usual, and
    # no credit with no flow is possible without the flow it would have copied.
    assert TreasuryCredit.objects.filter(psp_id="SNDBXPY1").count() == 1
    report = fdr_publish.publish_day(today, OTHER_EC, frozenset({"orphan_credit"}))
    orphan = TreasuryCredit.objects.get(fdr="")
    assert orphan.remittance.endswith("-9999") and orphan.organization_id == OTHER_EC
    name = orphan.remittance.rsplit("/", 1)[1]
    assert not SandboxFlow.objects.filter(fdr=name).exists()


@pytest.mark.django_db
def test_a_flow_the_fdr_service_refuses_is_skipped_with_its_reason(day_of_payments, today,
                                                                  monkeypatch):
    name = f"{today:%Y-%m-%d}SNDBXIT1-0001"
    # Another click got there first: it drafted the flow after this run chose the name.
    monkeypatch.setattr(fdr_publish, "_next_name", lambda day, psp_id: (
        f"{day:%Y-%m-%d}{psp_id}-0001", 1))
    fdr_publish.fdr.create("SNDBXIT1", name, {**fdr_publish._header(
        name, 1, today, fdr_publish.psp("SNDBXIT1"), EC, "Comune", timezone.now()),
        "totPayments": 1, "sumPayments": 1})
    report = fdr_publish.publish_day(today, EC)
    assert report.skipped == [f"{name}: Reporting fdr [{name}] already exists in draft"]
    assert [f.psp_id for f in report.flows] == ["SNDBXPY1"]
    assert not TreasuryCredit.objects.filter(fdr=name).exists()


@pytest.mark.django_db
def test_unknown_fault_is_refused():
    with pytest.raises(ValueError, match="unknown faults"):
        fdr_publish.publish_day(dt.date(2026, 11, 27), faults=frozenset({"everything"}))


@pytest.mark.django_db(transaction=True)
def test_the_organisations_api_serves_the_days_flows_with_faults(day_of_payments, today,
                                                                 org_api):
    fdr_publish.publish_day(today, EC, frozenset({"second_revision", "malformed"}))
    listed = org_api.call("GET", f"/organizations/{EC}/fdrs").json()["data"]
    names = [(f["fdr"][10:], f["revision"]) for f in listed]
    assert names == [("SNDBXIT1-0001", 1), ("SNDBXIT1-0001", 2), ("SNDBXPY1-0001", 1)]
    name = listed[1]["fdr"]
    flow = org_api.call("GET", f"/organizations/{EC}/fdrs/{name}/revisions/2/psps/SNDBXIT1")
    assert flow.json()["computedSumPayments"] == 59.0
    garbled = org_api.call("GET", f"/organizations/{EC}/fdrs/{name}/revisions/2/psps/SNDBXIT1"
                                  "/payments", valid=False).json()["data"]
    assert all("iur" not in row for row in garbled)
    # The first revision was published before the fault and reads well.
    rows_1 = org_api.call("GET", f"/organizations/{EC}/fdrs/{name}/revisions/1/psps/SNDBXIT1"
                                 "/payments").json()
    assert rows_1["count"] == 2


# --- the treasurer ----------------------------------------------------------------------

@pytest.mark.django_db
def test_statement_of_a_day_is_valid_camt053_with_one_credit_per_flow(
        client, day_of_payments, today, camt_schema):
    fdr_publish.publish_day(today, EC, frozenset({"orphan_credit"}))
    TreasuryCredit.objects.create(  # an earlier credit: the opening balance
        organization_id=EC, booking_date=today - dt.timedelta(days=3), amount_cents=10_000,
        remittance="/PUR/LGPE-RIVERSAMENTO/URI/x", regulation="R0", psp_id="SNDBXIT1",
        psp_name="Banca Sandbox", iban=IBAN)
    response = client.post("/sandbox/fdr/", {
        "action": "statement", "statement-day": today.isoformat(),
        "statement-organization": EC})
    assert response.status_code == 200 and response["Content-Type"] == "application/xml"
    assert f"camt053_{EC}_{today:%Y%m%d}.xml" in response["Content-Disposition"]
    document = etree.fromstring(response.content)
    camt_schema.assertValid(document)
    entries = document.findall(".//c:Ntry", NS)
    remittances = {e.findtext(".//c:Ustrd", namespaces=NS): e.findtext("c:Amt", namespaces=NS)
                   for e in entries}
    ours = SandboxFlow.objects.get(psp_id="SNDBXIT1", organization_id=EC)
    stand_in = SandboxFlow.objects.get(psp_id="SNDBXPY1")
    assert remittances == {
        f"/PUR/LGPE-RIVERSAMENTO/URI/{ours.fdr}": "59.00",
        f"/PUR/LGPE-RIVERSAMENTO/URI/{stand_in.fdr}": "22.00",
        f"/PUR/LGPE-RIVERSAMENTO/URI/{today:%Y-%m-%d}SNDBXIT1-9999": "43.21"}
    assert document.findtext(".//c:Acct/c:Id/c:IBAN", namespaces=NS) == IBAN
    balances = {b.findtext(".//c:Cd", namespaces=NS): b.findtext("c:Amt", namespaces=NS)
                for b in document.findall(".//c:Bal", NS)}
    assert balances == {"OPBD": "100.00", "CLBD": "224.21"}
    entry = entries[0]
    assert entry.findtext("c:CdtDbtInd", namespaces=NS) == "CRDT"
    assert entry.findtext(".//c:EndToEndId", namespaces=NS) == ours.regulation
    assert entry.findtext(".//c:Dbtr/c:Nm", namespaces=NS) == "Banca Sandbox"


@pytest.mark.django_db
def test_statement_of_a_day_without_credits_is_still_a_valid_document(client, camt_schema):
    response = client.post("/sandbox/fdr/", {
        "action": "statement", "statement-day": "2026-11-27", "statement-organization": EC})
    document = etree.fromstring(response.content)
    camt_schema.assertValid(document)
    assert document.findall(".//c:Ntry", NS) == []


# --- the page and the command --------------------------------------------------------------

@pytest.mark.django_db
def test_the_page_publishes_with_faults_and_lists_flows_and_credits(
        client, day_of_payments, today):
    page = client.get("/sandbox/fdr/")
    html = page.content.decode()
    assert page.status_code == 200 and "Pubblica i flussi del giorno" in html
    assert "<script" not in html and "style=" not in html  # CSP: nothing inline
    for fault in fdr_publish.FAULTS:
        assert f'value="{fault}"' in html
    done = client.post("/sandbox/fdr/", {
        "action": "publish", "publish-day": today.isoformat(), "publish-organization": EC,
        "publish-faults": ["wrong_amount"]}, follow=True)
    html = done.content.decode()
    assert "Flussi pubblicati: 2; accrediti in tesoreria: 2." in html
    flow = SandboxFlow.objects.get(psp_id="SNDBXIT1")
    assert flow.fdr in html and "60,00" in html
    assert flow.payments.get(index=1).amount_cents == 2300


@pytest.mark.django_db
def test_the_page_keeps_what_was_typed_and_explains_in_italian(client):
    response = client.post("/sandbox/fdr/", {
        "action": "publish", "publish-day": "31/02/2026", "publish-organization": "123"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Il codice fiscale di un Ente ha 11 cifre." in html and 'value="123"' in html
    assert "Inserisci una data valida." in html
    assert not SandboxFlow.objects.exists()


@pytest.mark.django_db
def test_the_page_is_gone_when_the_sandbox_is(client, settings):
    settings.SANDBOX_ENABLED = False
    assert client.get("/sandbox/fdr/").status_code == 404
    assert client.get(f"/sandbox/fdr-org/service/v1/organizations/{EC}/fdrs").status_code == 404


@pytest.mark.django_db
def test_the_command(day_of_payments, today):
    out = StringIO()
    call_command("sandbox_publish_fdr", "--date", today.isoformat(), "--organization", EC,
                 "--fault", "missing_payment", "--fault", "no_credit", stdout=out)
    text = out.getvalue()
    assert re.search(rf"published {today:%Y-%m-%d}SNDBXIT1-0001 revision 1 \(2 payments\)",
                     text)
    assert text.strip().endswith("2 flows, 1 credits")
    assert TreasuryCredit.objects.count() == 1


# --- end to end with the portal: the flow carries our receipt's IUV and IUR ----------------

@pytest.mark.django_db(transaction=True)
def test_a_payment_at_the_counter_is_reported_with_the_receipt_the_ente_got(
        client, make_position, site, today):
    from payments.models import Receipt

    option = make_position().options.get()
    client.post("/sandbox/psp/", {"notice_number": option.notice_number,
                                  "fiscal_code": option.organization.fiscal_code})
    client.post("/sandbox/psp/paga/", {
        "notice_number": option.notice_number, "fiscal_code": option.organization.fiscal_code,
        "psp": "SNDBXTB1", "scenario": "ok"})
    node.deliver_due(timezone.now() + dt.timedelta(minutes=5))
    receipt = Receipt.objects.get()
    (flow,) = fdr_publish.publish_day(today).flows
    (row,) = flow.payments.all()
    assert (row.iuv, row.iur) == (receipt.creditor_reference_id, receipt.receipt_id)
    assert row.amount_cents == option.amount_cents == flow.sum_payments_cents
    assert flow.fdr == f"{today:%Y-%m-%d}SNDBXTB1-0001"
    assert flow.organization_id == option.organization.fiscal_code
