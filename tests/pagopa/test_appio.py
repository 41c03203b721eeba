"""The App IO client: request shapes (IO's OpenAPI), validation before sending, and each
answer mapped to its typed error, over real HTTP to a local server."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from pagopa.appio import (
    IoClient,
    IoInvalidRequest,
    IoKeyRefused,
    IoNotAllowed,
    IoProfileNotFound,
    IoRateLimited,
    IoUnavailable,
    Message,
    PaymentData,
)
from tests.pagopa.conftest import Reply

CF = "RSSMRA80E12H501I"


def message(**overrides) -> Message:
    values = {"fiscal_code": CF, "subject": "Comune di Prova: nuovo avviso",
              "markdown": "Gentile contribuente, " + "x" * 80,
              "due_date": dt.datetime(2026, 12, 31, 23, 59, tzinfo=dt.UTC),
              "payment_data": PaymentData(2200, "301000000000000123", "80000120016")}
    values.update(overrides)
    return Message(**values)


def problem(status: int, title: str = "Problem") -> Reply:
    return Reply(status, {"Content-Type": "application/problem+json"},
                 json.dumps({"title": title, "status": status}).encode())


def test_profile_posts_the_fiscal_code_in_the_body_with_the_key_header(http_server):
    http_server.reply = lambda r: Reply(200, {}, b'{"sender_allowed": true}')
    profile = IoClient(http_server.url + "/api/v1", "the-key").profile(CF)
    assert profile.sender_allowed is True
    (sent,) = http_server.requests
    assert sent.path == "/api/v1/profiles" and json.loads(sent.body) == {"fiscal_code": CF}
    assert sent.headers["Ocp-Apim-Subscription-Key"] == "the-key"


def test_submit_sends_new_message_shape(http_server):
    http_server.reply = lambda r: Reply(201, {}, b'{"id": "01ABC"}')
    assert IoClient(http_server.url, "k").submit(message()) == "01ABC"
    body = json.loads(http_server.requests[0].body)
    assert body["fiscal_code"] == CF
    assert body["content"]["due_date"] == "2026-12-31T23:59:00.000Z"
    assert body["content"]["payment_data"] == {
        "amount": 2200, "notice_number": "301000000000000123",
        "invalid_after_due_date": False, "payee": {"fiscal_code": "80000120016"}}


@pytest.mark.parametrize("overrides", [
    {"subject": "corto"}, {"subject": "x" * 121}, {"markdown": "troppo breve"},
    {"markdown": "x" * 10_001}, {"fiscal_code": "rssmra80e12h501i"},
    {"due_date": dt.datetime(2026, 12, 31)},
    {"payment_data": PaymentData(0, "301000000000000123", "80000120016")},
    {"payment_data": PaymentData(100, "401000000000000123", "80000120016")},
    {"payment_data": PaymentData(100, "301000000000000123", "8000012001")},
])
def test_invalid_messages_never_leave(http_server, overrides):
    with pytest.raises(ValueError):
        IoClient(http_server.url, "k").submit(message(**overrides))
    assert http_server.requests == []


@pytest.mark.parametrize(("reply", "error"), [
    (Reply(401, {}, b'{"statusCode": 401, "message": "invalid key"}'), IoKeyRefused),
    (Reply(403, {}, b'{"statusCode": 403, "message": "inactive subscription"}'),
     IoKeyRefused),
    (problem(403, "You are not allowed"), IoNotAllowed),
    (problem(400, "Invalid payload"), IoInvalidRequest),
    (problem(500), IoUnavailable),
    (Reply(502, {}, b"<html>bad gateway</html>"), IoUnavailable),
])
def test_answers_map_to_typed_errors(http_server, reply, error):
    http_server.reply = lambda r: reply
    with pytest.raises(error):
        IoClient(http_server.url, "k").submit(message())


def test_profile_404_is_not_found_and_429_carries_retry_after(http_server):
    http_server.reply = lambda r: problem(404, "Profile not found")
    with pytest.raises(IoProfileNotFound):
        IoClient(http_server.url, "k").profile(CF)
    http_server.reply = lambda r: Reply(429, {"Retry-After": "42"}, b"{}")
    with pytest.raises(IoRateLimited) as caught:
        IoClient(http_server.url, "k").profile(CF)
    assert caught.value.retry_after == 42 and caught.value.retryable


def test_unreachable_is_retryable_and_the_key_never_shows():
    client = IoClient("http://127.0.0.1:9/api/v1", "segreta-123", timeout=(0.5, 0.5))
    with pytest.raises(IoUnavailable) as caught:
        client.profile(CF)
    assert "segreta-123" not in str(caught.value) and "segreta-123" not in repr(client)
