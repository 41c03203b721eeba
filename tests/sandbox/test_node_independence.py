"""The sandbox as an independent party, over HTTP through our real EC endpoint, with
every message it sends and receives validated against the official XSDs: Stand-In from
ACA's data, V1 per station, a Poste counter, Checkout's checkPosition (422), and an
Ente that changes its position between verify, activation and receipt."""

from __future__ import annotations

import datetime as dt
import types

import pytest
import requests
from django.utils import timezone

from payments.models import Activation, Receipt
from positions.models import PaymentOption, PositionClaim
from sandbox import node
from sandbox.models import AcaPosition, Cart, Payment, ReceiptDelivery, Station

pytestmark = pytest.mark.django_db(transaction=True)

POSTAL_IBAN = "IT10N0760101600000000123456"  # ABI 07601: Poste Italiane


@pytest.fixture
def wire(monkeypatch, validate):
    """Every SOAP exchange of the sandbox Node, XSD-checked both ways; the SOAPActions."""
    actions = []

    def post(url, data, headers, timeout):
        validate(data)
        response = requests.post(url, data=data, headers=headers, timeout=timeout)
        validate(response.content)
        actions.append(headers["SOAPAction"])
        return response

    monkeypatch.setattr(node, "requests", types.SimpleNamespace(
        post=post, RequestException=requests.RequestException))
    return actions


@pytest.fixture
def station(organization):
    return Station.objects.create(ec_fiscal_code=organization.fiscal_code,
                                  broker_id=organization.broker_id,
                                  station_id=organization.station_id)


@pytest.fixture
def option(make_position, site):
    return make_position().options.get()


def counter_pay(client, option, **extra):
    fiscal_code = option.organization.fiscal_code
    page = client.post("/sandbox/psp/", {"notice_number": option.notice_number,
                                         "fiscal_code": fiscal_code})
    return page, client.post("/sandbox/psp/paga/", {
        "notice_number": option.notice_number, "fiscal_code": fiscal_code,
        "psp": "SNDBXTB1", "scenario": "ok", **extra})


def later(minutes=5):
    return timezone.now() + dt.timedelta(minutes=minutes)


# --- Stand-In -------------------------------------------------------------------------

def test_stand_in_receipt_is_built_from_aca_and_waits_for_the_station(
        client, option, station, wire, organization, validate):
    station.stand_in = True
    station.save()
    page, _ = counter_pay(client, option)
    assert "22,00 €" in page.content.decode()
    assert wire == []  # the Node never called the Ente: it used ACA
    payment = Payment.objects.get()
    assert payment.stand_in and payment.version == 2
    assert AcaPosition.objects.get(iuv=option.iuv).status == "PAID"
    delivery = ReceiptDelivery.objects.get()
    assert delivery.status == ReceiptDelivery.Status.PENDING  # the station is down
    assert "Stand-In" in delivery.last_error
    validate(delivery.body.encode())
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.UNPAID
    station.stand_in = False
    station.save()
    node.deliver_due(later())
    assert wire == ["paSendRTV2"]
    assert ReceiptDelivery.objects.get().status == ReceiptDelivery.Status.DELIVERED
    receipt = Receipt.objects.get()
    assert receipt.stand_in is True and receipt.applied
    assert receipt.flags == [Receipt.Flag.STANDIN_WITHOUT_ACTIVATION]
    assert receipt.raw_xml and receipt.needs_attention
    (transfer,) = receipt.transfers
    assert transfer["transfer_category"] == "STAND-IN"
    assert transfer["iban"] == organization.iban and transfer["amount_cents"] == 2200
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID


def test_stand_in_receipt_for_another_amount_than_aca_had_is_flagged(
        client, option, station, wire):
    # ACA holds what we pushed (22,00 €); the Node collects what it holds now.
    AcaPosition.objects.filter(iuv=option.iuv).update(amount_cents=2500)
    station.stand_in = True
    station.save()
    counter_pay(client, option)
    station.stand_in = False
    station.save()
    node.deliver_due(later())
    receipt = Receipt.objects.get()
    assert Receipt.Flag.STANDIN_AMOUNT in receipt.flags
    assert Receipt.Flag.AMOUNT_MISMATCH in receipt.flags
    assert receipt.amount_cents == 2500 and receipt.raw_xml
    # Answered OK: the Node stops retrying.
    assert ReceiptDelivery.objects.get().status == ReceiptDelivery.Status.DELIVERED


def test_stand_in_cannot_collect_what_aca_invalidated(client, option, station, wire):
    option.cancel()
    station.stand_in = True
    station.save()
    page, _ = counter_pay(client, option)
    assert node.UNREACHABLE in page.content.decode()
    assert not Payment.objects.exists()
    assert "il Nodo usa lo Stand-In" in client.get("/sandbox/").content.decode()


# --- V1 / V2 per station --------------------------------------------------------------

def test_v1_station_gets_paGetPayment_and_paSendRT(client, option, station, wire):
    station.version = 1
    station.save()
    counter_pay(client, option)
    assert wire == ["paVerifyPaymentNotice", "paGetPayment", "paSendRT"]
    receipt = Receipt.objects.get()
    assert receipt.version == 1 and receipt.applied and receipt.flags == []
    assert Activation.objects.get().version == 1
    assert Payment.objects.get().version == 1


# --- the Node's own record --------------------------------------------------------------

def test_receipt_comes_from_the_activation_not_from_asking_again(client, option, wire):
    counter_pay(client, option, scenario="late", delay_seconds=60)
    # The Ente changes the position after the activation: the Node does not know, and
    # the receipt says so (the amount agreed at activation is what was collected).
    PaymentOption.objects.filter(pk=option.pk).update(amount_cents=2500)
    option.transfers.update(amount_cents=2500)
    node.deliver_due(later())
    assert wire == ["paVerifyPaymentNotice", "paGetPaymentV2", "paSendRTV2"]
    receipt = Receipt.objects.get()
    assert receipt.amount_cents == 2200  # what was activated and collected
    assert receipt.flags == [Receipt.Flag.CHANGED_AFTER_ACTIVATION] and receipt.fee_cents == 200
    assert receipt.payment_date_time == Payment.objects.get().paid_at.replace(microsecond=0)


def test_amount_changed_between_verify_and_activation(client, payer, make_position, site,
                                                       wire):
    position = make_position()
    PositionClaim.objects.create(user=payer, position=position, source="search")
    option = position.options.get()
    client.force_login(payer)
    location = client.post(f"/{option.organization.slug}/paga/",
                           {"option": option.pk})["Location"]
    assert "22,00 €" in client.get(location).content.decode()  # verify
    PaymentOption.objects.filter(pk=option.pk).update(amount_cents=2500)
    option.transfers.update(amount_cents=2500)
    psp_page = client.post(location, {"method": "CP"})["Location"]
    client.post(psp_page, {"psp": "SNDBXIT1", "scenario": "ok"})
    payment = Payment.objects.get()
    assert (payment.verified_amount_cents, payment.amount_cents) == (2200, 2500)
    assert "paGetPaymentV2" in wire
    receipt = Receipt.objects.get()
    assert receipt.amount_cents == 2500 and receipt.applied and receipt.flags == []
    page = client.get(f"/sandbox/pagamenti/{payment.token}/").content.decode()
    assert "Importo alla verifica" in page


# --- Poste ------------------------------------------------------------------------------

def test_poste_counter_asks_postal_transfers_and_the_node_checks_them(
        client, option, wire):
    _, response = counter_pay(client, option, poste="on")
    # The Ente answered its bank IBAN for transferType POSTAL: the Node refuses.
    assert "PPT_SEMANTICA" in response.content.decode()
    assert wire[-1] == "paGetPaymentV2" and not Payment.objects.exists()


def test_poste_counter_pays_with_a_postal_account(client, make_position, organization,
                                                  site, wire):
    # The Ente keeps its bank IBAN and adds a postal one: POSTAL answers the postal IBAN.
    organization.postal_iban = POSTAL_IBAN
    organization.save()
    option = make_position().options.get()
    counter_pay(client, option, poste="on")
    payment = Payment.objects.get()
    assert payment.channel == "poste" and payment.transfer_type == "POSTAL"
    assert payment.psp == "SNDBXPO1"
    receipt = Receipt.objects.get()
    assert receipt.applied and receipt.psp_company_name == "Poste Sandbox"
    assert receipt.transfers[0]["iban"] == POSTAL_IBAN


# --- Checkout's checkPosition -------------------------------------------------------------

def cart_body(site, *notices):
    return {"paymentNotices": [{"noticeNumber": n.notice_number,
                                "fiscalCode": n.organization.fiscal_code, "amount": 2200,
                                "companyName": "Comune", "description": "x"}
                               for n in notices],
            "returnUrls": {"returnOkUrl": f"{site}/ok", "returnCancelUrl": f"{site}/ko",
                           "returnErrorUrl": f"{site}/ko", "returnWaitingUrl": f"{site}/w"}}


def test_checkout_refuses_a_duplicate_notice_in_the_cart(client, option, site):
    response = client.post("/sandbox/checkout/ec/v2/carts", cart_body(site, option, option),
                           content_type="application/json")
    assert response.status_code == 422 and "DUPLICATO" in response.json()["detail"]
    assert not Cart.objects.exists()


def test_checkout_refuses_a_notice_being_paid_then_paid(client, option, site):
    counter_pay(client, option, scenario="refuse")
    Payment.objects.update(status=Payment.Status.ACTIVATED)  # a live token at a PSP
    response = client.post("/sandbox/checkout/ec/v2/carts", cart_body(site, option),
                           content_type="application/json")
    assert response.status_code == 422 and "IN_CORSO" in response.json()["detail"]
    Payment.objects.update(status=Payment.Status.PAID)
    response = client.post("/sandbox/checkout/ec/v2/carts", cart_body(site, option),
                           content_type="application/json")
    assert response.status_code == 422 and "DUPLICATO" in response.json()["detail"]


def test_checkout_check_position_ko_reaches_the_payer_without_an_error_page(
        client, payer, option, station):
    station.check_position_ko = True
    station.save()
    PositionClaim.objects.create(user=payer, position=option.position, source="search")
    client.force_login(payer)
    response = client.post(f"/{option.organization.slug}/paga/", {"option": option.pk},
                           follow=True)
    assert response.status_code == 200 and not Cart.objects.exists()


def test_v1_station_through_checkout(client, payer, make_position, site, station, wire):
    station.version = 1
    station.save()
    position = make_position()
    PositionClaim.objects.create(user=payer, position=position, source="search")
    option = position.options.get()
    client.force_login(payer)
    location = client.post(f"/{option.organization.slug}/paga/",
                           {"option": option.pk})["Location"]
    client.get(location)
    psp_page = client.post(location, {"method": "CP"})["Location"]
    client.post(psp_page, {"psp": "SNDBXIT1", "scenario": "ok"})
    assert wire == ["paVerifyPaymentNotice", "paGetPayment", "paSendRT"]
    receipt = Receipt.objects.get()
    assert receipt.version == 1 and receipt.applied and receipt.payment_note == ""
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID


def test_all_ccp_cart_activates_with_postal_transfers(client, option, site, wire):
    body = {**cart_body(site, option), "allCCP": True}
    location = client.post("/sandbox/checkout/ec/v2/carts", body,
                           content_type="application/json")["Location"]
    cart = Cart.objects.get()
    assert cart.all_ccp
    client.get(location)
    psp_page = client.post(location, {"method": "CP"})["Location"]
    response = client.post(psp_page, {"psp": "SNDBXIT1", "scenario": "ok"})
    # Our Ente answers its bank IBAN: the Node refuses, Checkout returns with an error.
    assert response["Location"] == f"{site}/ko" and wire[-1] == "paGetPaymentV2"
    assert Cart.objects.get().status == Cart.Status.ERROR


def test_stand_in_honours_pay_stand_in_false(client, option, station):
    AcaPosition.objects.filter(iuv=option.iuv).update(pay_stand_in=False)
    station.stand_in = True
    station.save()
    page, _ = counter_pay(client, option)
    assert node.UNREACHABLE in page.content.decode() and not Payment.objects.exists()
