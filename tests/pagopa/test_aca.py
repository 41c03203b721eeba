"""ACA paCreatePosition client against a real local HTTP server."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json

import pytest

from pagopa import aca
from tests.pagopa import openapi_check
from tests.pagopa.conftest import Reply

ROME = dt.timezone(dt.timedelta(hours=1))
POSITION = aca.DebtPosition(
    pa_fiscal_code="77777777777", entity_type="F", entity_fiscal_code="RSSMRA80A01H501U",
    entity_full_name="Mario Rossi", iuv="01234567890123456", nav="301234567890123456",
    amount_cents=3050, description="TARI 2026 rata unica",
    expiration_date=dt.datetime(2026, 12, 31, 23, 59, 59, tzinfo=ROME),
    iban="IT60X0542811101000000123456", switch_to_expired=True, pay_stand_in=True,
)


def test_posts_a_schema_valid_body(http_server) -> None:
    answer = {"paFiscalCode": "77777777777", "iuv": POSITION.iuv, "amount": 3050,
              "status": "VALID"}
    http_server.reply = lambda request: Reply(200, {"Content-Type": "application/json"},
                                              json.dumps(answer).encode())
    result = aca.create_or_update_position(http_server.url + "/aca/v1/", "key", POSITION)
    assert result == answer
    (request,) = http_server.requests
    assert request.path == "/aca/v1/paCreatePosition"
    assert request.headers["Ocp-Apim-Subscription-Key"] == "key"
    body = request.json()
    openapi_check.validate("paCreatePosition.json", "NewDebtPositionRequest", body)
    assert body["amount"] == 3050
    assert body["expirationDate"] == "2026-12-31T23:59:59+01:00"
    assert "postalIban" not in body


def test_zero_amount_closes_the_position(http_server) -> None:
    http_server.reply = lambda request: Reply(200)
    closing = dataclasses.replace(POSITION, amount_cents=0)
    assert aca.create_or_update_position(http_server.url, "k", closing) == {}
    openapi_check.validate("paCreatePosition.json", "NewDebtPositionRequest",
                           http_server.requests[0].json())


@pytest.mark.parametrize("status", [400, 404, 409, 422])
def test_client_errors_are_permanent(http_server, status: int) -> None:
    problem = {"title": "Invocation exception", "status": status, "detail": "conflict"}
    http_server.reply = lambda request: Reply(status, {"Content-Type": "application/json"},
                                              json.dumps(problem).encode())
    with pytest.raises(aca.AcaPermanentError) as info:
        aca.create_or_update_position(http_server.url, "k", POSITION)
    assert info.value.status == status and info.value.problem == problem


@pytest.mark.parametrize("status", [408, 429, 500, 502, 503])
def test_server_errors_are_retryable(http_server, status: int) -> None:
    http_server.reply = lambda request: Reply(status, {}, b"busy")
    with pytest.raises(aca.AcaRetryableError) as info:
        aca.create_or_update_position(http_server.url, "k", POSITION)
    assert info.value.status == status


def test_redirect_is_not_followed(http_server) -> None:
    http_server.reply = lambda request: Reply(302, {"Location": "/elsewhere"})
    with pytest.raises(aca.AcaPermanentError):
        aca.create_or_update_position(http_server.url, "k", POSITION)
    assert len(http_server.requests) == 1


def test_network_error_is_retryable() -> None:
    with pytest.raises(aca.AcaRetryableError):
        aca.create_or_update_position("http://127.0.0.1:9", "k", POSITION, timeout=2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pa_fiscal_code": "123"}, "paFiscalCode"),
        ({"entity_type": "X"}, "entityType"),
        ({"entity_fiscal_code": "R"}, "entityFiscalCode"),
        ({"amount_cents": -1}, "amount"),
        ({"amount_cents": aca.MAX_AMOUNT_CENTS + 1}, "amount"),
        ({"description": "x" * 256}, "description"),
        ({"iban": "IT60"}, "iban"),
        ({"expiration_date": dt.datetime(2026, 12, 31)}, "timezone"),
    ],
)
def test_validation(change: dict, message: str, http_server) -> None:
    with pytest.raises(ValueError, match=message):
        aca.create_or_update_position(http_server.url, "k", dataclasses.replace(POSITION, **change))
    assert http_server.requests == []
