"""Checkout carts client against a real local HTTP server."""

from __future__ import annotations

import json

import pytest
import requests

from pagopa import checkout
from pagopa.checkout import CartRequest, PaymentNotice, ReturnUrls
from tests.pagopa import openapi_check
from tests.pagopa.conftest import Reply

NOTICE = PaymentNotice(notice_number="301234567890123456", fiscal_code="77777777777",
                       amount_cents=1000, company_name="Università di Prova",
                       description="Tassa d'iscrizione <2026> & more")
URLS = ReturnUrls(ok="https://ente.example/esito/ok", cancel="https://ente.example/esito/annullato",
                  error="https://ente.example/esito/errore",
                  waiting="https://ente.example/esito/attesa")
CART = CartRequest(payment_notices=(NOTICE,), return_urls=URLS, email_notice="a.b@example.it",
                   id_cart="cart-42", all_ccp=False)
SPECS = {1: ("checkout_v1.json", "CartRequest"), 2: ("checkout_v2.json", "CartRequestV2")}


def redirect_to(location: str):
    return lambda request: Reply(302, {"Location": location})


@pytest.mark.parametrize("version", [1, 2])
def test_create_cart_posts_valid_body_and_returns_location(http_server, version: int) -> None:
    http_server.reply = redirect_to("https://checkout.example/c/abc123")
    location = checkout.create_cart(http_server.url + "/checkout/ec", "secret-key", CART,
                                    version=version)
    assert location == "https://checkout.example/c/abc123"
    (request,) = http_server.requests  # the redirect was not followed
    assert request.path == f"/checkout/ec/v{version}/carts"
    assert request.headers["Ocp-Apim-Subscription-Key"] == "secret-key"
    assert request.headers["Content-Type"] == "application/json"
    body = request.json()
    openapi_check.validate(*SPECS[version], body)
    assert body["paymentNotices"][0]["amount"] == 1000
    assert body["idCart"] == "cart-42" and body["allCCP"] is False
    assert ("returnWaitingUrl" in body["returnUrls"]) is (version == 2)


def test_relative_location_is_resolved_against_the_api(http_server) -> None:
    path = "/ecommerce/checkout/v1/carts/xyz/redirect?clientId=CHECKOUT"
    http_server.reply = redirect_to(path)
    location = checkout.create_cart(http_server.url + "/checkout/ec/v1", "k", CART)
    assert location == http_server.url + path
    assert checkout.is_checkout_location(location, http_server.url + "/checkout/ec")


def test_session_is_used_when_given(http_server) -> None:
    http_server.reply = redirect_to("https://checkout.example/c/1")
    with requests.Session() as session:
        session.headers["X-Trace"] = "t1"
        checkout.create_cart(http_server.url, "k", CART, session=session)
    assert http_server.requests[0].headers["X-Trace"] == "t1"


@pytest.mark.parametrize("status", [400, 401, 422])
def test_client_errors_carry_the_problem(http_server, status: int) -> None:
    problem = {"type": "about:blank", "title": "Bad", "status": status, "detail": "no good"}
    http_server.reply = lambda request: Reply(
        status, {"Content-Type": "application/problem+json"}, json.dumps(problem).encode())
    with pytest.raises(checkout.CheckoutError) as info:
        checkout.create_cart(http_server.url, "k", CART)
    assert not isinstance(info.value, checkout.CheckoutUnavailable)
    assert info.value.status == status
    assert info.value.problem == problem
    assert "no good" in str(info.value)


def test_server_error_is_unavailable(http_server) -> None:
    http_server.reply = lambda request: Reply(500, {}, b"<html>oops</html>")
    with pytest.raises(checkout.CheckoutUnavailable) as info:
        checkout.create_cart(http_server.url, "k", CART)
    assert info.value.status == 500 and info.value.problem is None


@pytest.mark.parametrize("reply", [Reply(302), Reply(200, {}, b"{}")], ids=["no-location", "200"])
def test_missing_redirect_is_an_error(http_server, reply: Reply) -> None:
    http_server.reply = lambda request: reply
    with pytest.raises(checkout.CheckoutError, match="Location|redirect"):
        checkout.create_cart(http_server.url, "k", CART)


def test_unreachable_is_unavailable() -> None:
    with pytest.raises(checkout.CheckoutUnavailable):
        checkout.create_cart("http://127.0.0.1:9", "k", CART, timeout=2)


def test_validation_happens_before_any_request(http_server) -> None:
    bad = CartRequest(payment_notices=(NOTICE,) * 6, return_urls=URLS)
    with pytest.raises(checkout.CartValidationError, match="1..5"):
        checkout.create_cart(http_server.url, "k", bad)
    assert http_server.requests == []


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"notice_number": "30123"}, "noticeNumber"),
        ({"fiscal_code": "7777777777A"}, "fiscalCode"),
        ({"amount_cents": 0}, "amount"),
        ({"amount_cents": True}, "amount"),
        ({"company_name": "x" * 141}, "companyName"),
        ({"description": "x" * 141}, "description"),
    ],
)
def test_notice_limits(change: dict, message: str) -> None:
    import dataclasses

    cart = CartRequest(payment_notices=(dataclasses.replace(NOTICE, **change),), return_urls=URLS)
    with pytest.raises(checkout.CartValidationError, match=message):
        cart.validate()


def test_limits_at_the_boundary_are_accepted() -> None:
    import dataclasses

    notice = dataclasses.replace(NOTICE, company_name="x" * 140, description="è" * 140,
                                 amount_cents=1)
    cart = CartRequest(payment_notices=(notice,) * 5, return_urls=URLS)
    for version in (1, 2):
        openapi_check.validate(*SPECS[version], cart.to_json(version))


def test_v2_needs_the_waiting_url() -> None:
    cart = CartRequest(payment_notices=(NOTICE,),
                       return_urls=ReturnUrls(ok=URLS.ok, cancel=URLS.cancel, error=URLS.error))
    cart.validate(1)
    with pytest.raises(checkout.CartValidationError, match="returnWaitingUrl"):
        cart.validate(2)


@pytest.mark.parametrize("url", ["www.comune.di.prova.it/ok", "javascript:alert(1)", ""])
def test_return_urls_must_be_absolute(url: str) -> None:
    cart = CartRequest(payment_notices=(NOTICE,), return_urls=ReturnUrls(url, URLS.cancel,
                                                                          URLS.error))
    with pytest.raises(checkout.CartValidationError, match="returnOkUrl"):
        cart.validate()


def test_published_example_is_rejected_for_its_scheme_less_urls() -> None:
    example = json.loads(openapi_check.example_path("post-carts-v1.request.json").read_text())
    urls = example["returnUrls"]
    cart = CartRequest(
        payment_notices=tuple(PaymentNotice(n["noticeNumber"], n["fiscalCode"], n["amount"],
                                            n["companyName"], n["description"])
                              for n in example["paymentNotices"]),
        return_urls=ReturnUrls(urls["returnOkUrl"], urls["returnCancelUrl"],
                               urls["returnErrorUrl"]),
    )
    with pytest.raises(checkout.CartValidationError):
        cart.validate()
    fixed = CartRequest(cart.payment_notices, ReturnUrls(*("https://" + u for u in (
        urls["returnOkUrl"], urls["returnCancelUrl"], urls["returnErrorUrl"]))),
        email_notice=example["emailNotice"], id_cart=example["idCart"], all_ccp=False)
    openapi_check.validate("checkout_v1.json", "CartRequest", fixed.to_json(1))


@pytest.mark.parametrize(
    ("base", "version", "expected"),
    [
        ("https://api.platform.pagopa.it/checkout/ec", 1,
         "https://api.platform.pagopa.it/checkout/ec/v1/carts"),
        ("https://api.uat.platform.pagopa.it/checkout/ec/", 2,
         "https://api.uat.platform.pagopa.it/checkout/ec/v2/carts"),
        ("https://api.platform.pagopa.it/checkout/ec/v1", 1,
         "https://api.platform.pagopa.it/checkout/ec/v1/carts"),
    ],
)
def test_carts_url(base: str, version: int, expected: str) -> None:
    assert checkout.carts_url(base, version) == expected


def test_carts_url_refuses_a_version_mismatch() -> None:
    with pytest.raises(ValueError, match="v1"):
        checkout.carts_url("https://api.platform.pagopa.it/checkout/ec/v1", 2)


@pytest.mark.parametrize(
    ("location", "expected"),
    [
        ("https://api.platform.pagopa.it/ecommerce/checkout/v1/carts/1/redirect", True),
        ("https://API.platform.pagopa.it:443/x", True),
        ("http://api.platform.pagopa.it/x", False),
        ("https://api.platform.pagopa.it:8443/x", False),
        ("https://api.platform.pagopa.it.evil.example/x", False),
        ("https://evil.example/?https://api.platform.pagopa.it", False),
        ("//evil.example/x", False),
        ("/relative", False),
        ("https://api.platform.pagopa.it:notaport/x", False),
    ],
)
def test_is_checkout_location(location: str, expected: bool) -> None:
    base = "https://api.platform.pagopa.it/checkout/ec"
    assert checkout.is_checkout_location(location, base) is expected
