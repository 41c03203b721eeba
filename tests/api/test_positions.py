"""The REST API on positions: create (idempotent), read, update, cancel, scope, errors."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client

from api.tokens import issue_token, revoke_token
from audit.models import AuditEntry
from positions.models import PaymentOption, PaymentPosition
from tests.api.conftest import Api, position_body

pytestmark = pytest.mark.django_db
PROBLEM = "application/problem+json"


def assert_problem(response, status: int, code: str) -> dict:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == PROBLEM
    body = response.json()
    assert {"type", "title", "status", "detail", "instance", "code", "errors"} <= set(body)
    assert body["status"] == status and body["code"] == code
    return body


# --- create -------------------------------------------------------------------------------

def test_create_a_single_payment(api, service):
    response = api.post("/positions", position_body())
    assert response.status_code == 201, response.content
    body = response.json()
    position = PaymentPosition.objects.get(pk=body["id"])
    assert position.external_reference == "TARI-2026-0001"
    assert body["options"][0]["amount_cents"] == 12000
    assert len(body["options"][0]["notice_number"]) == 18
    assert body["debtor"]["entity_type"] == "F"


def test_create_installments_with_transfers(api, service, other_organization):
    due = date.today() + timedelta(days=30)
    options = [{"amount_cents": 12000, "due_date": due.isoformat()}] + [
        {"amount_cents": 4000, "due_date": (due + timedelta(days=30 * n)).isoformat(),
         "installment_number": n + 1,
         "transfers": [{"amount_cents": 3000},
                       {"amount_cents": 1000, "iban": "IT60X0542811101000000123456",
                        "beneficiary_fiscal_code": other_organization.fiscal_code}]}
        for n in range(3)]
    response = api.post("/positions", position_body(options=options))
    assert response.status_code == 201, response.content
    body = response.json()
    assert [o["plan"] for o in body["options"]] == [0, 1, 1, 1]
    assert [len(o["transfers"]) for o in body["options"]] == [1, 2, 2, 2]
    assert body["options"][1]["transfers"][1]["beneficiary_fiscal_code"] == "09876540023"


def test_same_reference_returns_the_existing_position(api, service):
    first = api.post("/positions", position_body())
    again = api.post("/positions", position_body(amount=999))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert PaymentPosition.objects.count() == 1


def test_same_idempotency_key_returns_the_existing_position(api, service):
    headers = {"Idempotency-Key": "req-42"}
    first = api.post("/positions", position_body(reference=""), headers=headers)
    again = api.post("/positions", position_body(reference=""), headers=headers)
    other = api.post("/positions", position_body(reference=""), headers={"Idempotency-Key": "x"})
    assert (first.status_code, again.status_code, other.status_code) == (201, 200, 201)
    assert again.json()["id"] == first.json()["id"] != other.json()["id"]
    assert PaymentPosition.objects.count() == 2


def test_the_write_is_audited_with_the_token_as_actor(api, service):
    api.post("/positions", position_body())
    entry = AuditEntry.objects.get(action="position.created")
    assert entry.actor is None and entry.actor_label.startswith("API: Gestionale tributi")


# --- bad input ----------------------------------------------------------------------------

def test_bad_json_is_a_400_problem(api, service):
    assert_problem(api.post("/positions", "{not json", raw=True), 400, "invalid_json")


def test_missing_and_unknown_fields_are_named_in_italian(api, service):
    body = position_body()
    del body["causale"]
    body["colour"] = "blue"
    problem = assert_problem(api.post("/positions", body), 422, "invalid_request")
    errors = {e["field"]: e["message"] for e in problem["errors"]}
    assert errors["body.causale"] == "Campo obbligatorio."
    assert errors["body.colour"] == "Campo sconosciuto."


@pytest.mark.parametrize("change, expected", [
    ({"options": [{"amount_cents": 1000, "due_date": "2099-01-01",
                   "transfers": [{"amount_cents": 600}, {"amount_cents": 300}]}]},
     "somma dei trasferimenti"),
    ({"options": [{"amount_cents": 600, "due_date": "2099-01-01",
                   "transfers": [{"amount_cents": 100}] * 6}]}, None),
    ({"options": [{"amount_cents": 1000, "due_date": "2099-01-01",
                   "transfers": [{"amount_cents": 1000,
                                  "iban": "IT00X0542811101000000123456"}]}]}, "IBAN"),
    ({"debtor": {"fiscal_code": "RSSMRA80E12H501X", "full_name": "Mario Rossi"}}, None),
    ({"debtor": {"fiscal_code": "80000120017", "full_name": "Ditta"}}, None),
    ({"options": [{"amount_cents": 1000, "due_date": "2001-01-01"}]}, "passato"),
])
def test_broken_rules_are_422_and_write_nothing(api, service, change, expected):
    response = api.post("/positions", position_body(**change))
    assert response.status_code == 422 and response["Content-Type"] == PROBLEM, response.content
    if expected:
        assert expected in json.dumps(response.json(), ensure_ascii=False)
    assert PaymentPosition.objects.count() == 0 and PaymentOption.objects.count() == 0


def test_unknown_service(api, service):
    problem = assert_problem(api.post("/positions", position_body(service="nessuno")), 422,
                             "unknown_service")
    assert "nessuno" in problem["detail"]


# --- auth and scope -----------------------------------------------------------------------

def test_no_wrong_or_revoked_token_is_401(client, organization, service):
    assert_problem(client.get("/api/v1/positions/1"), 401, "unauthorized")
    wrong = Api(client, "spt_nope_" + "x" * 40)
    assert_problem(wrong.get("/positions/1"), 401, "unauthorized")
    token, raw = issue_token(organization, "Vecchio")
    revoke_token(token)
    assert_problem(Api(client, raw).post("/positions", position_body()), 401, "unauthorized")
    assert PaymentPosition.objects.count() == 0


def test_a_staff_session_is_no_api_login(client, organization, service):
    from tests.backoffice.conftest import login_staff, make_staff

    login_staff(client, make_staff(organization, "resp@example.it", "responsabile"))
    response = client.post("/api/v1/positions", json.dumps(position_body()),
                           content_type="application/json")
    assert_problem(response, 401, "unauthorized")


def test_a_token_needs_no_csrf_token(organization, service, token):
    client = Client(enforce_csrf_checks=True)
    assert Api(client, token).post("/positions", position_body()).status_code == 201


def test_another_entes_position_is_404(client, api, other_token, service):
    body = api.post("/positions", position_body()).json()
    option = body["options"][0]
    other = Api(client, other_token)
    for path in (f"/positions/{body['id']}", f"/positions/by-iuv/{option['iuv']}",
                 f"/positions/by-notice/{option['notice_number']}",
                 "/positions/by-reference/TARI-2026-0001",
                 f"/positions/{body['id']}/notice.pdf"):
        assert_problem(other.get(path), 404, "not_found")
    assert_problem(other.patch(f"/positions/{body['id']}", {"causale": "Mia"}), 404, "not_found")
    assert_problem(other.post(f"/positions/{body['id']}/cancel", {"reason": "Non mia"}), 404,
                   "not_found")
    assert PaymentPosition.objects.get().causale == "TARI 2026"


def test_read_by_each_identifier(api, service):
    body = api.post("/positions", position_body()).json()
    option = body["options"][0]
    for path in (f"/positions/{body['id']}", f"/positions/by-iuv/{option['iuv']}",
                 f"/positions/by-notice/{option['notice_number']}",
                 "/positions/by-reference/TARI-2026-0001"):
        response = api.get(path)
        assert response.status_code == 200 and response.json()["id"] == body["id"], path


def test_rate_limit_per_token(api, service, settings):
    settings.API_RATE = "2/m"
    assert api.get("/positions/1").status_code == 404
    assert api.get("/positions/1").status_code == 404
    problem = assert_problem(api.get("/positions/1"), 429, "rate_limited")
    assert problem["detail"]


def test_unknown_address_and_method_are_problems(api):
    assert_problem(api.get("/nothing-here"), 404, "not_found")
    response = api.client.delete("/api/v1/positions/changes",
                                 HTTP_AUTHORIZATION=f"Bearer {api.raw}")
    assert_problem(response, 405, "method_not_allowed")
    assert "GET" in response["Allow"]


# --- update and cancel --------------------------------------------------------------------

def test_update_an_unpaid_position(api, service):
    body = api.post("/positions", position_body()).json()
    iuv = body["options"][0]["iuv"]
    response = api.patch(f"/positions/{body['id']}", {
        "version": body["version"], "causale": "TARI 2026 corretta",
        "options": [{"iuv": iuv, "amount_cents": 13000}]})
    assert response.status_code == 200, response.content
    updated = response.json()
    assert updated["causale"] == "TARI 2026 corretta"
    assert updated["options"][0]["amount_cents"] == 13000
    assert updated["options"][0]["transfers"][0]["amount_cents"] == 13000
    assert updated["version"] == body["version"] + 1
    stale = api.patch(f"/positions/{body['id']}", {"version": body["version"],
                                                   "causale": "Altro"})
    assert_problem(stale, 409, "concurrent_edit")


def test_a_paid_position_cannot_change(api, service):
    from demo.management.commands.seed_demo import pay_with_receipt

    body = api.post("/positions", position_body()).json()
    pay_with_receipt(PaymentOption.objects.get(), paid_at=None)
    assert_problem(api.patch(f"/positions/{body['id']}", {"causale": "Nuova"}), 409,
                   "not_editable")
    assert_problem(api.post(f"/positions/{body['id']}/cancel", {"reason": "Errore di invio"}),
                   409, "not_editable")


def test_cancel_with_reason(api, service):
    body = api.post("/positions", position_body()).json()
    short = api.post(f"/positions/{body['id']}/cancel", {"reason": "no"})
    assert_problem(short, 422, "invalid_request")
    response = api.post(f"/positions/{body['id']}/cancel", {"reason": "Emessa per errore"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "cancelled"
    assert response.json()["cancellation_reason"] == "Emessa per errore"
    assert_problem(api.get(f"/positions/{body['id']}/notice.pdf"), 409, "nothing_payable")


def test_notice_pdf(api, service):
    body = api.post("/positions", position_body()).json()
    response = api.get(f"/positions/{body['id']}/notice.pdf")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_numbers_and_flags_are_strict(api, service):
    body = position_body(switch_to_expired=1)
    body["options"][0]["plan"] = True
    body["options"][0]["amount_cents"] = 120.0
    problem = assert_problem(api.post("/positions", body), 422, "invalid_request")
    assert {e["field"] for e in problem["errors"]} == {
        "body.switch_to_expired", "body.options.0.plan", "body.options.0.amount_cents"}
