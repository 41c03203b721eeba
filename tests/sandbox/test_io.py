"""The sandbox's App IO as another party: APIM's and IO's answers, its own record of each
message, the inbox rendering markdown safely, Paga only while IO would allow it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.utils import timezone

from sandbox.models import Cart, IoMessage, IoProfile, IoService

pytestmark = pytest.mark.django_db

CF = "RSSMRA80E12H501I"
API = "/sandbox/io/api/v1"


@pytest.fixture
def service():
    return IoService.objects.create(name="Comune di Prova", key="k" * 20,
                                    organization_fiscal_code="80000120016")


def post(client, path, body, key="k" * 20):
    return client.post(API + path, json.dumps(body), content_type="application/json",
                       HTTP_OCP_APIM_SUBSCRIPTION_KEY=key)


def new_message(markdown="Gentile contribuente, " + "x" * 80, **payment):
    return {"fiscal_code": CF, "content": {
        "subject": "Comune di Prova: nuovo avviso", "markdown": markdown,
        "due_date": "2026-12-31T23:59:59.000Z",
        "payment_data": {"amount": 2200, "notice_number": "301000000000012373",
                         "payee": {"fiscal_code": "80000120016"}, **payment}}}


def test_gateway_refusals_are_apims_not_problem_json(client, service):
    response = post(client, "/profiles", {"fiscal_code": CF}, key="sconosciuta")
    assert response.status_code == 401 and "title" not in response.json()
    IoService.objects.update(suspended=True)
    response = post(client, "/profiles", {"fiscal_code": CF})
    assert response.status_code == 403 and "title" not in response.json()


def test_profiles_and_preferences(client, service):
    assert post(client, "/profiles", {"fiscal_code": CF}).status_code == 404
    profile = IoProfile.objects.create(fiscal_code=CF)
    assert post(client, "/profiles", {"fiscal_code": CF}).json()["sender_allowed"] is True
    profile.blocked_services.add(service)
    assert post(client, "/profiles", {"fiscal_code": CF}).json()["sender_allowed"] is False


@pytest.mark.parametrize("broken", [
    {"content": {"subject": "corto", "markdown": "x" * 80}},
    {"content": {"subject": "x" * 20, "markdown": "breve"}},
    {"fiscal_code": "non-valido"},
])
def test_invalid_messages_are_400(client, service, broken):
    body = {**new_message(), **broken}
    assert post(client, "/messages", body).status_code == 400
    assert not IoMessage.objects.exists()


def test_message_to_someone_not_on_io_is_accepted_then_rejected(client, service):
    response = post(client, "/messages", new_message())
    assert response.status_code == 201 and response["Location"]
    assert IoMessage.objects.get().status == IoMessage.Status.REJECTED


def test_failure_modes(client, service):
    IoProfile.objects.create(fiscal_code=CF)
    IoService.objects.update(failure=IoService.Failure.TOO_MANY, retry_after_seconds=7)
    response = post(client, "/messages", new_message())
    assert response.status_code == 429 and response["Retry-After"] == "7"
    IoService.objects.update(failure=IoService.Failure.ERROR)
    assert post(client, "/messages", new_message()).status_code == 500
    IoService.objects.update(failure=IoService.Failure.NOT_ALLOWED)
    response = post(client, "/messages", new_message())
    assert response.status_code == 403 and response.json()["title"]
    IoService.objects.update(failure=IoService.Failure.PROFILE_NOT_FOUND)
    assert post(client, "/profiles", {"fiscal_code": CF}).status_code == 404


def test_inbox_renders_markdown_without_html_or_scripts(client, service):
    IoProfile.objects.create(fiscal_code=CF)
    markdown = ("**Importo** <script>alert(1)</script> <img src=x onerror=alert(1)> "
                "[cattivo](javascript:alert(1)) [buono](https://example.it/paga/) " + "x" * 40)
    assert post(client, "/messages", new_message(markdown)).status_code == 201
    page = client.get(f"/sandbox/io/{CF}/").content.decode()
    assert "<strong>Importo</strong>" in page
    assert "<script>alert" not in page and "<img" not in page
    assert 'href="javascript' not in page
    assert 'href="https://example.it/paga/"' in page and "22,00 €" in page


def test_paga_builds_the_cart_from_ios_own_record(client, service, settings):
    IoProfile.objects.create(fiscal_code=CF)
    post(client, "/messages", new_message())
    message = IoMessage.objects.get()
    response = client.post(f"/sandbox/io/messaggi/{message.id}/paga/")
    assert response.status_code == 302 and "/sandbox/checkout/c/" in response["Location"]
    cart = Cart.objects.get()
    assert cart.notices == [{"noticeNumber": "301000000000012373",
                             "fiscalCode": "80000120016", "amount": 2200,
                             "companyName": "Comune di Prova",
                             "description": "Comune di Prova: nuovo avviso"}]
    assert cart.return_ok.startswith(settings.SITE_URL)


def test_no_paga_past_the_due_date_when_invalid_after_it(client, service):
    IoProfile.objects.create(fiscal_code=CF)
    post(client, "/messages", new_message(invalid_after_due_date=True))
    message = IoMessage.objects.get()
    IoMessage.objects.update(due_date=timezone.now() - dt.timedelta(days=1))
    assert "io_pay" not in client.get(f"/sandbox/io/{CF}/").content.decode()
    response = client.post(f"/sandbox/io/messaggi/{message.id}/paga/")
    assert response["Location"].endswith("?esito=scaduto") and not Cart.objects.exists()
