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
