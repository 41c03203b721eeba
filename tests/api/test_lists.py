"""Positions changed since a moment and receipts since a moment: opaque cursor, stable
order, nothing skipped or repeated, scoped to the token's Ente; the quietanza PDF."""

from __future__ import annotations

import pytest
from django.utils import timezone

from positions.models import PaymentOption, PaymentPosition
from tests.api.conftest import Api, position_body
from tests.api.test_positions import assert_problem

pytestmark = pytest.mark.django_db
SINCE = "2000-01-01T00:00:00Z"


def _all_pages(api, path, limit):
    seen, cursor, pages = [], None, 0
    while True:
        params = {"since": SINCE, "limit": limit, **({"cursor": cursor} if cursor else {})}
        response = api.get(path, **params)
        assert response.status_code == 200, response.content
        body = response.json()
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            return seen, pages


def test_changes_walks_every_position_once_in_order(api, service):
    ids = [api.post("/positions", position_body(reference=f"R-{n}")).json()["id"]
           for n in range(5)]
    # Many rows with the very same updated_at: the id breaks the tie.
    PaymentPosition.objects.update(updated_at=timezone.now())
    seen, pages = _all_pages(api, "/positions/changes", limit=2)
    assert seen == sorted(ids) and pages == 3


def test_a_position_changed_later_comes_again_after(api, service):
    first = api.post("/positions", position_body(reference="A")).json()
    api.post("/positions", position_body(reference="B"))
    page = api.get("/positions/changes", since=SINCE, limit=2).json()
    assert page["next_cursor"] is None
    last = api.get("/positions/changes", since=SINCE, limit=1).json()
    api.patch(f"/positions/{first['id']}", {"causale": "Cambiata"})
    rest, _pages = [], None
    cursor = last["next_cursor"]
    while cursor:
        body = api.get("/positions/changes", since=SINCE, cursor=cursor, limit=1).json()
        rest += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
    assert rest[-1] == first["id"]


def test_since_is_required_and_a_forged_cursor_refused(api, service):
    assert_problem(api.get("/positions/changes"), 422, "invalid_request")
    assert_problem(api.get("/positions/changes", since=SINCE, cursor="abc"), 400,
                   "invalid_cursor")
    assert_problem(api.get("/positions/changes", since="ieri"), 422, "invalid_request")


def test_changes_are_scoped_to_the_token(client, api, other_token, service):
    api.post("/positions", position_body())
    other = Api(client, other_token).get("/positions/changes", since=SINCE)
    assert other.status_code == 200 and other.json() == {"items": [], "next_cursor": None}


def test_receipts_since_and_their_quietanza(client, api, other_token, service):
    from demo.management.commands.seed_demo import pay_with_receipt

    body = api.post("/positions", position_body()).json()
    pay_with_receipt(PaymentOption.objects.get(), paid_at=None)
    listed = api.get("/receipts", since=SINCE)
    assert listed.status_code == 200, listed.content
    (receipt,) = listed.json()["items"]
    assert receipt["position_id"] == body["id"] and receipt["amount_cents"] == 12000
    assert receipt["iuv"] == body["options"][0]["iuv"] and receipt["applied"]
    pdf = api.get(f"/receipts/{receipt['id']}/quietanza.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    other = Api(client, other_token)
    assert other.get("/receipts", since=SINCE).json()["items"] == []
    assert_problem(other.get(f"/receipts/{receipt['id']}/quietanza.pdf"), 404, "not_found")
    after = api.get("/positions/changes", since=SINCE).json()["items"][0]
    assert after["status"] == "paid"


def test_the_accounting_rows_say_where_the_money_is(client, api, other_token, service):
    """The back office's accounting export through the API: the receipt, the flow in
    force that reports it and the treasurer's credit of that flow; another Ente sees
    nothing; ``reported`` splits what a flow reports from what none does yet."""
    import datetime as dt

    from demo.management.commands.seed_demo import pay_with_receipt
    from payments.models import Receipt
    from reconciliation.models import Flow, FlowPayment
    from reconciliation.treasury_models import TreasuryCredit, TreasuryStatement

    service.accounting_chapter, service.accounting_assessment = "1010", "2026/15"
    service.save()
    api.post("/positions", position_body(reference="A"))
    api.post("/positions", position_body(reference="B", amount=5000))
    first, second = PaymentOption.objects.order_by("pk")
    pay_with_receipt(first, paid_at=None)
    pay_with_receipt(second, paid_at=None)
    receipt = Receipt.objects.get(option=first)
    organization = receipt.organization
    flow = Flow.objects.create(organization=organization, fdr="2026-11-29SNDBXIT1-0001",
                               revision=1, psp_id="SNDBXIT1",
                               regulation_date=dt.date(2026, 11, 30))
    FlowPayment.objects.create(flow=flow, index=1, iuv=receipt.creditor_reference_id,
                               iur=receipt.receipt_id, id_transfer=1,
                               amount_cents=receipt.amount_cents, pay_status="EXECUTED",
                               receipt=receipt)
    statement = TreasuryStatement.objects.create(
        organization=organization, file_name="c.xml", sha256="c", account_iban="IT",
        version="camt.053.001.02", raw="")
    TreasuryCredit.objects.create(organization=organization, statement=statement,
                                  account_iban="IT", amount_cents=receipt.amount_cents,
                                  fdr=flow.fdr, flow=flow, value_date=dt.date(2026, 12, 1))

    response = api.get("/reconciliation/accounting", limit=1)
    assert response.status_code == 200, response.content
    page = response.json()
    assert len(page["items"]) == 1 and page["next_cursor"]
    row = page["items"][0]
    assert row["receipt"] == receipt.pk and row["iuv"] == receipt.creditor_reference_id
    assert (row["accounting_chapter"], row["accounting_assessment"]) == ("1010", "2026/15")
    assert row["flow_id"] == flow.fdr and row["regulation_date"] == "2026-11-30"
    assert row["credit_date"] == "2026-12-01" and row["amount_cents"] == 12000
    rest = api.get("/reconciliation/accounting", cursor=page["next_cursor"]).json()
    assert [r["amount_cents"] for r in rest["items"]] == [5000]
    assert rest["items"][0]["flow_id"] == "" and rest["next_cursor"] is None

    unreported = api.get("/reconciliation/accounting", reported="false").json()["items"]
    assert [r["receipt"] for r in unreported] == [Receipt.objects.get(option=second).pk]
    assert_problem(api.get("/reconciliation/accounting", date_from="2026-12-02",
                           date_to="2026-12-01"), 400, "invalid_dates")
    other = Api(client, other_token).get("/reconciliation/accounting")
    assert other.status_code == 200 and other.json()["items"] == []


def test_an_unknown_query_parameter_is_refused(api, service):
    """A typo (``sinse``) must not silently list everything."""
    response = api.get("/positions/changes", since=SINCE, sinse=SINCE)
    assert_problem(response, 400, "unknown_parameter")
    assert "sinse" in response.json()["detail"]


@pytest.mark.parametrize("since", ["0029-09-01T03:04:08.5239+22:58", "0001-01-01T00:30:00+01:00",
                                   "2026-01-01T00:00:00"])
def test_any_iso_instant_is_a_valid_since(api, service, since):
    """Offsets past PostgreSQL's ±15:59, an instant before year 1 in UTC, a naive time:
    all valid ISO 8601, so a page, never a 500."""
    api.post("/positions", position_body())
    for path in ("/positions/changes", "/receipts", "/reconciliation/accounting"):
        response = api.get(path, since=since)
        assert response.status_code == 200, (path, response.content)
