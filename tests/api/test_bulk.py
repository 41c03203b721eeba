"""Bulk create through positions.bulk: all or nothing by default, per-item results on
request, idempotent by reference, never half a batch."""

from __future__ import annotations

import pytest

from audit.models import AuditEntry
from positions.models import PaymentOption, PaymentPosition
from tests.api.conftest import position_body
from tests.api.test_positions import assert_problem

pytestmark = pytest.mark.django_db
BAD_IBAN = [{"amount_cents": 12000, "due_date": "2099-01-31",
             "transfers": [{"amount_cents": 12000, "iban": "IT00X0542811101000000123456"}]}]


def _batch(n=3, **bad):
    items = [position_body(reference=f"TARI-{i}", amount=1000 + i) for i in range(n)]
    for index, change in bad.items():
        items[int(index.removeprefix("i"))].update(change)
    return {"positions": items}


def test_a_batch_is_created_and_a_retry_changes_nothing(api, service):
    response = api.post("/positions/bulk", _batch())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["counts"] == {"created": 3} and body["all_or_nothing"] is True
    assert [i["outcome"] for i in body["items"]] == ["created"] * 3
    assert PaymentPosition.objects.count() == 3
    again = api.post("/positions/bulk", _batch()).json()
    assert again["counts"] == {"unchanged": 3} and PaymentPosition.objects.count() == 3
    entry = AuditEntry.objects.filter(action="position.imported").first()
    assert entry.actor is None and entry.actor_label.startswith("API: ")


def test_one_bad_item_writes_nothing_by_default(api, service):
    response = api.post("/positions/bulk", _batch(i1={"options": BAD_IBAN}))
    problem = assert_problem(response, 422, "batch_rejected")
    assert {e["field"] for e in problem["errors"]} == {"body.positions.1"}
    assert any("IBAN" in e["message"] for e in problem["errors"])
    assert PaymentPosition.objects.count() == 0 and PaymentOption.objects.count() == 0


def test_per_item_results_write_the_valid_ones(api, service):
    body = _batch(i1={"options": BAD_IBAN}, i2={"service": "nessuno"})
    response = api.client.post("/api/v1/positions/bulk?all_or_nothing=false",
                               __import__("json").dumps(body), content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {api.raw}")
    assert response.status_code == 200, response.content
    items = response.json()["items"]
    assert [i["outcome"] for i in items] == ["created", "invalid", "invalid"]
    assert items[1]["errors"] and "Servizio sconosciuto" in items[2]["errors"][0]
    assert list(PaymentPosition.objects.values_list("external_reference", flat=True)) == [
        "TARI-0"]


def test_a_reference_is_required_and_unique_in_the_batch(api, service):
    body = _batch(i1={"reference": ""}, i2={"reference": "TARI-0"})
    problem = assert_problem(api.post("/positions/bulk", body), 422, "batch_rejected")
    assert {e["field"] for e in problem["errors"]} == {"body.positions.1", "body.positions.2"}
    assert PaymentPosition.objects.count() == 0


def test_more_than_1000_is_refused(api, service):
    body = {"positions": [position_body(reference=f"R{i}") for i in range(1001)]}
    problem = assert_problem(api.post("/positions/bulk", body), 422, "invalid_request")
    assert problem["errors"][0]["field"] == "body.positions"


def test_a_failure_mid_batch_leaves_nothing_written(api, service, monkeypatch):
    import positions.bulk

    real, calls = positions.bulk.make_iuv, []

    def failing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 30:
            raise RuntimeError("database went away")
        return real(*args, **kwargs)

    monkeypatch.setattr(positions.bulk, "make_iuv", failing)
    response = api.post("/positions/bulk", _batch(n=50))
    assert_problem(response, 500, "server_error")
    assert len(calls) == 30
    assert PaymentPosition.objects.count() == 0 and PaymentOption.objects.count() == 0
    assert not AuditEntry.objects.filter(action="position.imported").exists()


def test_a_field_bulk_cannot_apply_is_refused_not_dropped(api, service):
    problem = assert_problem(api.post("/positions/bulk", _batch(i0={"switch_to_expired": True})),
                             422, "batch_rejected")
    assert "switch_to_expired" in problem["errors"][0]["message"]
    assert PaymentPosition.objects.count() == 0
