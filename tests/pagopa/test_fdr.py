"""FdR organisations' API client, over real HTTP against canned answers that are valid
instances of openapi-organizations.json (checked before being served)."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest

from pagopa import fdr
from tests.pagopa.conftest import Reply
from tests.reconciliation.fdr_data import FakeFdr, dumps, flow, payment, validate

ORG = "80000120016"


def test_lists_reads_and_pages_with_the_subscription_key(http_server) -> None:
    fake = FakeFdr(ORG, page_size=2)
    payments = [payment(i, f"0100000000000000{i}", f"IUR{i}", 1000 + i) for i in range(1, 6)]
    fake.publish(flow("2026-11-2888888888888-0001", ORG, payments), payments)
    fake.publish(flow("2026-11-2888888888888-0002", ORG, [],
                      published="2026-11-28T09:00:00Z"), [])
    fake.publish(flow("2026-11-2888888888888-0003", ORG, [],
                      published="2026-11-28T10:00:00Z"), [])
    http_server.reply = fake
    client = fdr.FdrClient(http_server.url + "/", "secret", page_size=2)

    refs = list(client.list_flows(ORG, dt.datetime(2026, 11, 1, tzinfo=dt.UTC)))
    assert [r.fdr[-4:] for r in refs] == ["0001", "0002", "0003"]
    assert refs[0].revision == 1 and refs[0].psp_id == "88888888888"
    assert refs[0].published == dt.datetime(2026, 11, 28, 8, tzinfo=dt.UTC)
    first = http_server.requests[0]
    assert first.headers["Ocp-Apim-Subscription-Key"] == "secret"
    assert "publishedGt=2026-11-01T00%3A00%3A00Z" in first.path
    assert len(http_server.requests) == 2  # two pages of two, then one

    header = client.get_flow(ORG, refs[0].fdr, 1, "88888888888")
    assert header.regulation == "SEPA-2026-11-2888888888888-0001"
    assert header.regulation_date == dt.date(2026, 11, 28)
    assert header.declared_amount_cents == sum(1000 + i for i in range(1, 6))
    assert header.receiver.organization_id == ORG
    assert header.raw["sumPayments"] == "50.15"  # kept as text, never a float

    got = client.fetch_payments(ORG, refs[0].fdr, 1, "88888888888")
    assert [p.index for p in got.payments] == [1, 2, 3, 4, 5] and not got.rejected
    assert got.payments[0].amount_cents == 1001
    assert got.payments[0].pay_date == dt.datetime(2026, 11, 27, 10, tzinfo=dt.UTC)


def canned(data: dict) -> dict:
    """As the client reads it: amounts as Decimal."""
    return json.loads(dumps(data), parse_float=Decimal)


def test_amounts_are_exact_cents_never_floats() -> None:
    # 0.1 + 0.2 style trouble: 1234567.89 euro read as Decimal, 123456789 cents.
    item = json.loads(dumps(payment(1, "1", "2", 123456789)), parse_float=Decimal)
    assert fdr.parse_payment(item).amount_cents == 123456789


@pytest.mark.parametrize(("change", "message"), [
    ({"payStatus": "PAID"}, "payStatus"),
    ({"idTransfer": 6}, "idTransfer"),
    ({"pay": "10.00"}, "pay"),
    ({"iuv": ""}, "iuv"),
    ({"iuv": "x" * 36}, "iuv"),
    ({"payDate": "ieri"}, "payDate"),
    ({"index": 0}, "index"),
])
def test_a_malformed_payment_says_which_field(change: dict, message: str) -> None:
    item = {**canned(payment(1, "1", "2", 100)), **change}
    with pytest.raises(Exception):  # noqa: B017 - the schema refuses it too
        validate("Payment", item)
    with pytest.raises(fdr.FdrDataError, match=message):
        fdr.parse_payment(item)


@pytest.mark.parametrize(("pay", "message"), [
    (Decimal("1.005"), "two decimals"), (Decimal("-1.00"), "non-negative"),
    (Decimal("NaN"), "non-negative")])
def test_amounts_the_schema_lets_through_are_still_refused(pay: Decimal, message: str,
                                                          ) -> None:
    item = {**canned(payment(1, "1", "2", 100)), "pay": pay}
    with pytest.raises(fdr.FdrDataError, match=message):
        fdr.parse_payment(item)


def test_bad_payments_are_returned_apart_not_raised(http_server) -> None:
    fake = FakeFdr(ORG, strict=False)
    good = payment(1, "01000000000000001", "IUR1", 500)
    bad = {**payment(2, "01000000000000002", "IUR2", 500), "payStatus": "???"}
    fake.publish(flow("F1", ORG, [good]), [good, bad])
    http_server.reply = fake
    got = fdr.FdrClient(http_server.url, "k").fetch_payments(ORG, "F1", 1, "88888888888")
    assert [p.index for p in got.payments] == [1]
    assert got.rejected[0].position == 2 and "payStatus" in got.rejected[0].reason


@pytest.mark.parametrize("body", [b"<html>oops</html>", b"[1, 2]", b'{"data": 3}'])
def test_garbage_is_a_data_error(http_server, body: bytes) -> None:
    http_server.reply = lambda request: Reply(200, {"Content-Type": "application/json"}, body)
    with pytest.raises(fdr.FdrDataError):
        list(fdr.FdrClient(http_server.url, "k").list_flows(ORG))


def test_a_flow_without_its_receiver_is_a_data_error() -> None:
    header = canned(flow("F1", ORG, []))
    del header["receiver"]
    with pytest.raises(fdr.FdrDataError, match="receiver"):
        fdr.parse_flow(header)


@pytest.mark.parametrize(("status", "error"), [
    (500, fdr.FdrUnavailable), (503, fdr.FdrUnavailable), (429, fdr.FdrUnavailable),
    (400, fdr.FdrRefused), (401, fdr.FdrRefused), (404, fdr.FdrRefused),
    (302, fdr.FdrRefused),
])
def test_http_errors_are_classified(http_server, status: int, error: type) -> None:
    body = {"httpStatusCode": status, "appErrorCode": "FDR-0500",
            "errors": [{"message": "boom"}]}
    validate("ErrorResponse", body)
    http_server.reply = lambda request: Reply(status, {"Content-Type": "application/json",
                                                       "Location": "http://x/"},
                                              json.dumps(body).encode())
    with pytest.raises(error) as info:
        fdr.FdrClient(http_server.url, "k").get_flow(ORG, "F1", 1, "88888888888")
    assert info.value.status == status


def test_unreachable_is_unavailable() -> None:
    with pytest.raises(fdr.FdrUnavailable):
        fdr.FdrClient("http://127.0.0.1:9", "k", timeout=1).get_flow(ORG, "F", 1, "P")


def test_path_segments_are_escaped(http_server) -> None:
    http_server.reply = lambda request: Reply(404)
    with pytest.raises(fdr.FdrRefused):
        fdr.FdrClient(http_server.url, "k").get_flow(ORG, "../../x?y", 1, "P")
    assert http_server.requests[0].path.startswith(
        f"/organizations/{ORG}/fdrs/..%2F..%2Fx%3Fy/revisions/1/psps/P")
