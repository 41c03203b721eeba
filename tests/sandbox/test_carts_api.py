"""The sandbox's carts API sends payers back only to the portal it serves (SITE_URL)."""

from __future__ import annotations

import json

import pytest

from sandbox.carts import under_site
from sandbox.models import Cart

pytestmark = pytest.mark.django_db

SITE = "http://127.0.0.1:8000"


def cart_body(**return_urls) -> str:
    urls = {"returnOkUrl": f"{SITE}/comune-di-prova/paga/x/ok/",
            "returnCancelUrl": f"{SITE}/comune-di-prova/paga/x/cancel/",
            "returnErrorUrl": f"{SITE}/comune-di-prova/paga/x/error/",
            "returnWaitingUrl": f"{SITE}/comune-di-prova/paga/x/waiting/"}
    urls.update(return_urls)
    return json.dumps({
        "paymentNotices": [{"noticeNumber": "301000000000000099", "fiscalCode": "80000120016",
                            "amount": 2200, "companyName": "Comune di Prova",
                            "description": "Trasporto scolastico"}],
        "returnUrls": urls})


def post(client, body: str):
    return client.post("/sandbox/checkout/ec/v2/carts", data=body,
                       content_type="application/json")


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


def test_return_urls_under_the_portal_are_taken(client):
    response = post(client, cart_body())
    assert response.status_code == 302
    assert Cart.objects.get().return_ok == f"{SITE}/comune-di-prova/paga/x/ok/"


@pytest.mark.parametrize("url", [
    "https://evil.example/phish",
    "http://127.0.0.1:8000@evil.example/ok/",
    "http://127.0.0.1:9000/ok/",
    "https://127.0.0.1:8000/ok/",
    "http://127.0.0.1.evil.example:8000/ok/",
])
@pytest.mark.parametrize("field", ["returnOkUrl", "returnCancelUrl", "returnErrorUrl",
                                   "returnWaitingUrl"])
def test_return_urls_elsewhere_are_refused(client, field, url):
    response = post(client, cart_body(**{field: url}))
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "outside the portal" in response.json()["detail"]
    assert not Cart.objects.exists()


def test_a_site_url_with_a_path_prefix():
    assert under_site("https://x.example/portale/a/ok/", "https://x.example/portale")
    assert not under_site("https://x.example/portalex/ok/", "https://x.example/portale")
    assert under_site("HTTPS://X.example/ok/", "https://x.example")
