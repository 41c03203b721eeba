"""*Paga* → Checkout (the sandbox's carts API, over HTTP) → method and PSP → the sandbox
Node calls our EC endpoint → receipt → the portal says what is true. One test per
failure mode: nothing lost, nothing paid twice."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import OperationalError
from django.utils import timezone

from mail.models import OutgoingEmail
from payments.models import PaymentAttempt, Receipt
from payments.status import PaymentState, option_payment_state
from positions.models import PaymentOption, PositionClaim
from sandbox import node
from sandbox.models import Cart, Payment, ReceiptDelivery
from tests.core.test_pages import _assert_english
from tests.pagopa.conftest import Reply, http_server  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def option(make_position, payer):
    position = make_position()
    PositionClaim.objects.create(user=payer, position=position, source="search")
    return position.options.get()


@pytest.fixture
def browser(client, payer, site):
    client.force_login(payer)
    return client


def pay(browser, option, scenario="ok", delay=0, method="CP", psp="SNDBXIT1"):
    """Walk the payer through: Paga → sandbox Checkout → method → PSP → back."""
    response = browser.post(f"/{option.organization.slug}/paga/",
                            {"option": option.pk, "next": "/"})
    assert response.status_code == 302, response
    location = response["Location"]
    assert re.search(r"/sandbox/checkout/c/[0-9a-f-]{36}/$", location)
    page = browser.get(location)
    assert page.status_code == 200
    assert "22,00 €" in page.content.decode()  # the amount the Ente answered in verify
    response = browser.post(location, {"method": method})
    response = browser.post(response["Location"], {"psp": psp, "scenario": scenario,
                                                   "delay_seconds": delay})
    assert response.status_code == 302
    return response["Location"]


def back(browser, url):
    """Follow the return URL onto the portal's outcome page."""
    path = url.split("://", 1)[1].split("/", 1)[1]
    return browser.get("/" + path).content.decode()


def test_pay_online_v2(browser, option, payer):
    url = pay(browser, option)
    assert url.endswith("/ok/")
    page = back(browser, url)
    assert "Pagamento completato" in page
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
    receipt = Receipt.objects.get()
    assert receipt.applied and receipt.psp_company_name == "Banca Sandbox"
    assert receipt.fee_cents == 100 and receipt.payment_method == "creditCard"
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == PaymentAttempt.Status.PAID
    assert receipt.attempt == attempt
    assert receipt.payment_note == attempt.id_cart  # Checkout's idCart came back
    assert attempt.activations.count() == 1
    cart = Cart.objects.get()
    assert cart.version == 2 and cart.return_waiting.endswith("/waiting/")
    assert cart.email == payer.email
    assert OutgoingEmail.objects.get().to == payer.email
    assert receipt.receipt_id in page


def test_pay_online_v1(browser, option, settings):
    settings.PAGOPA_CHECKOUT_VERSION = 1
    url = pay(browser, option)
    assert "Pagamento completato" in back(browser, url)
    assert Cart.objects.get().version == 1
    assert Cart.objects.get().return_waiting == ""


def test_psp_refuses(browser, option):
    url = pay(browser, option, scenario="refuse")
    assert url.endswith("/error/")
    page = back(browser, url)
    assert "Pagamento non riuscito" in page and "Riprova il pagamento" in page
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.UNPAID
    assert not Receipt.objects.exists() and not ReceiptDelivery.objects.exists()
    # The return URL is a GET: it only reads. The payer gives the attempt up on the page.
    assert PaymentAttempt.objects.get().status == PaymentAttempt.Status.REDIRECTED
    assert "Annulla questo pagamento" in page
    browser.post("/" + url.split("://", 1)[1].split("/", 1)[1])
    attempt = PaymentAttempt.objects.get()
    assert (attempt.status, attempt.returned) == (PaymentAttempt.Status.CANCELLED, "error")
    assert option_payment_state([option])[option.pk] is PaymentState.NONE


def test_payer_cancels(browser, option):
    url = pay(browser, option, scenario="cancel")
    assert url.endswith("/cancel/")
    page = back(browser, url)
    assert "Pagamento annullato" in page and "Riprova il pagamento" in page
    assert PaymentAttempt.objects.get().status == PaymentAttempt.Status.REDIRECTED
    page = browser.post("/" + url.split("://", 1)[1].split("/", 1)[1], follow=True)
    assert "Pagamento annullato: la pratica resta da pagare." in page.content.decode()
    assert "Annulla questo pagamento" not in page.content.decode()
    assert PaymentAttempt.objects.get().status == PaymentAttempt.Status.CANCELLED
    assert not Payment.objects.exists()
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.UNPAID


def test_cancel_button_on_checkout(browser, option):
    response = browser.post(f"/{option.organization.slug}/paga/", {"option": option.pk})
    cart = Cart.objects.get()
    response = browser.post(f"/sandbox/checkout/c/{cart.id}/annulla/")
    assert response["Location"].endswith("/cancel/")


def test_late_receipt_shows_payment_in_progress_until_it_arrives(browser, option):
    url = pay(browser, option, scenario="late", delay=120)
    assert url.endswith("/waiting/")  # v2: outcome not yet known
    page = back(browser, url)
    assert "Pagamento in corso" in page
    assert '<meta http-equiv="refresh" content="5">' in page  # <noscript> fallback
    assert "payment-status.js" in page
    assert option_payment_state([option])[option.pk] is PaymentState.IN_PROGRESS
    status_path = "/" + url.split("://", 1)[1].split("/", 1)[1].replace("/waiting/", "/stato/")
    assert browser.get(status_path).json() == {"outcome": "waiting"}
    assert node.deliver_due() == 0  # not due yet
    assert node.deliver_due(timezone.now() + dt.timedelta(seconds=121)) == 1
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
    page = back(browser, url)
    assert "Pagamento completato" in page and "payment-status.js" not in page
    assert browser.get(status_path).json() == {"outcome": "paid"}


def test_receipt_sent_twice_pays_once(browser, option):
    pay(browser, option, scenario="twice")
    deliveries = ReceiptDelivery.objects.all()
    assert [d.status for d in deliveries] == ["delivered", "delivered"]
    assert {d.answer for d in deliveries} == {"OK"}
    assert Receipt.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1


def test_two_different_receipts_keep_both_and_pay_once(browser, option):
    pay(browser, option, scenario="different")
    assert Receipt.objects.count() == 2
    applied, flagged = (Receipt.objects.get(applied=True),
                        Receipt.objects.get(applied=False))
    assert flagged.flags == ["already_paid"] and flagged.needs_attention
    assert applied.receipt_id != flagged.receipt_id
    assert OutgoingEmail.objects.count() == 1


def test_ec_unreachable_then_retried(browser, option, settings):
    url = pay(browser, option, scenario="unreachable")
    assert "Pagamento in corso" in back(browser, url)
    delivery = ReceiptDelivery.objects.get()
    assert delivery.status == "pending" and "irraggiungibile" in delivery.last_error
    assert not Receipt.objects.exists()
    later = timezone.now() + dt.timedelta(seconds=settings.SANDBOX_RT_RETRY_SECONDS + 1)
    assert node.deliver_due(later) == 1
    delivery.refresh_from_db()
    assert delivery.status == "delivered" and delivery.attempts == 2
    assert Receipt.objects.count() == 1
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID


def test_ec_database_down_answers_error_and_the_node_retries(browser, option, monkeypatch):
    from payments import receipts

    real = receipts.receive

    def down(*args, **kwargs):
        raise OperationalError("database unavailable")

    monkeypatch.setattr(receipts, "receive", down)
    pay(browser, option)
    delivery = ReceiptDelivery.objects.get()
    assert delivery.status == "pending" and "HTTP 500" in delivery.last_error
    monkeypatch.setattr(receipts, "receive", real)
    node.deliver_due(timezone.now() + dt.timedelta(minutes=5))
    assert ReceiptDelivery.objects.get().status == "delivered"
    assert Receipt.objects.count() == 1


def test_notice_already_paid_is_refused_by_the_ente_at_checkout(browser, option):
    response = browser.post(f"/{option.organization.slug}/paga/", {"option": option.pk})
    option.mark_paid()
    page = browser.get(response["Location"]).content.decode()
    assert "PAA_PAGAMENTO_DUPLICATO" in page


def test_only_the_checkout_host_may_be_redirected_to(browser, option, settings,
                                                    http_server):  # noqa: F811
    http_server.reply = lambda request: Reply(302, {"Location": "https://evil.example/x"})
    settings.PAGOPA_CHECKOUT_URL = http_server.url + "/checkout/ec"
    response = browser.post(f"/{option.organization.slug}/paga/",
                            {"option": option.pk, "next": "/comune-di-prova/"})
    assert response["Location"] == "/comune-di-prova/"
    attempt = PaymentAttempt.objects.get()
    assert attempt.status == PaymentAttempt.Status.FAILED
    assert "evil.example" in attempt.error
    body = http_server.requests[0].json()
    assert body["paymentNotices"][0]["noticeNumber"] == option.notice_number
    assert body["paymentNotices"][0]["amount"] == 2200
    assert body["returnUrls"]["returnOkUrl"].endswith("/ok/")


def test_checkout_down_tells_the_payer(browser, option, settings, http_server):  # noqa: F811
    http_server.reply = lambda request: Reply(503)
    settings.PAGOPA_CHECKOUT_URL = http_server.url + "/checkout/ec"
    response = browser.post(f"/{option.organization.slug}/paga/",
                            {"option": option.pk, "next": "/comune-di-prova/"}, follow=True)
    assert "non è disponibile in questo momento" in response.content.decode()


def test_return_page_is_private(browser, option, client, django_user_model):
    url = pay(browser, option)
    stranger = django_user_model.objects.create_user("altro@example.it", "Password-lunga-123")
    client.force_login(stranger)
    path = "/" + url.split("://", 1)[1].split("/", 1)[1]
    assert client.get(path).status_code == 404


def test_sandbox_can_be_switched_off(client, settings):
    settings.SANDBOX_ENABLED = False
    assert client.get("/sandbox/").status_code == 404
    assert client.post("/sandbox/checkout/ec/v2/carts", data="{}",
                       content_type="application/json").status_code == 404


def test_checkout_pages_follow_the_chosen_language(browser, option):
    """The payer who chose English on the portal gets the simulated Checkout in English."""
    browser.post("/i18n/setlang/", {"language": "en", "next": "/"})
    response = browser.post(f"/{option.organization.slug}/paga/",
                            {"option": option.pk, "next": "/"})
    location = response["Location"]
    page = unescape(browser.get(location).content.decode())
    assert "Pay with pagoPA" in page and "Credit, debit or prepaid card" in page
    assert "€22.00" in page
    _assert_english(page, location)
    response = browser.post(location, {"method": "CP"})
    page = unescape(browser.get(response["Location"]).content.decode())
    assert "Choose who handles the payment" in page and "Banca Sandbox — fee €1.00" in page
    _assert_english(page, response["Location"])
