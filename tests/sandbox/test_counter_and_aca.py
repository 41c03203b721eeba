"""A printed notice paid at the sandbox's Sportello PSP (typed or from the QR photo), and
the central archive (ACA) kept in step with every change of a position."""

from __future__ import annotations

import datetime as dt
import io

import pytest
import segno
from django.core.management import call_command
from django.utils import timezone

from pagopa.qr import qr_payload
from payments import aca
from payments.models import AcaPush, Receipt
from positions.models import PaymentOption
from sandbox.models import AcaPosition, Payment

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def option(make_position, site):
    return make_position().options.get()


def test_counter_pays_a_typed_notice(client, option, organization):
    spaced = " ".join(option.notice_number[i:i + 4] for i in range(0, 18, 4))
    page = client.post("/sandbox/psp/", {"notice_number": spaced,
                                         "fiscal_code": organization.fiscal_code})
    text = page.content.decode()
    assert "22,00 €" in text and organization.name in text
    response = client.post("/sandbox/psp/paga/", {
        "notice_number": option.notice_number, "fiscal_code": organization.fiscal_code,
        "psp": "SNDBXTB1", "scenario": "ok"})
    payment = Payment.objects.get()
    assert response["Location"] == f"/sandbox/pagamenti/{payment.token}/"
    assert "Pagamento eseguito" in client.get(response["Location"]).content.decode()
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
    receipt = Receipt.objects.get()
    assert receipt.receipt_id == payment.token
    assert receipt.payment_method == "cash" and receipt.fee_cents == 200
    assert receipt.attempt is None and receipt.flags == []


def test_counter_reads_the_qr_of_the_avviso(client, option, organization):
    image = io.BytesIO()
    segno.make_qr(qr_payload(option.notice_number, organization.fiscal_code, 2200),
                  error="m").save(image, kind="png", scale=6)
    image.seek(0)
    image.name = "avviso.png"
    page = client.post("/sandbox/psp/", {"qr": image}).content.decode()
    assert "22,00 €" in page
    assert f'value="{option.notice_number}"' in page


def test_counter_explains_a_picture_without_qr(client, option):
    image = io.BytesIO()
    segno.make_qr("hello").save(image, kind="png", scale=4)  # a QR, not a pagoPA one
    image.seek(0)
    image.name = "foto.png"
    page = client.post("/sandbox/psp/", {"qr": image}).content.decode()
    assert "non c&#x27;è un codice QR pagoPA" in page or "non c'è un codice QR pagoPA" in page


def test_counter_shows_what_the_ente_answers_for_a_paid_notice(client, option, organization):
    option.mark_paid()
    page = client.post("/sandbox/psp/", {"notice_number": option.notice_number,
                                         "fiscal_code": organization.fiscal_code})
    assert "PAA_PAGAMENTO_DUPLICATO" in page.content.decode()


def test_counter_form_errors_keep_what_was_typed(client, site):
    page = client.post("/sandbox/psp/", {"notice_number": "1234", "fiscal_code": "abc"})
    text = page.content.decode()
    assert "Il codice avviso ha 18 cifre." in text and 'value="1234"' in text


def test_counter_psp_refuses(client, option, organization):
    client.post("/sandbox/psp/paga/", {
        "notice_number": option.notice_number, "fiscal_code": organization.fiscal_code,
        "psp": "SNDBXTB1", "scenario": "refuse"})
    assert Payment.objects.get().status == Payment.Status.REFUSED
    assert not Receipt.objects.exists()
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.UNPAID


# --- ACA ----------------------------------------------------------------------------

def test_every_change_reaches_aca(client, option, organization, django_user_model):
    held = AcaPosition.objects.get(pa_fiscal_code=organization.fiscal_code, iuv=option.iuv)
    assert held.amount_cents == 2200 and held.nav == option.notice_number
    assert held.entity_fiscal_code == "RSSMRA80E12H501I"
    option.cancel()
    held.refresh_from_db()
    assert held.status == "INVALID"
    assert AcaPush.objects.get(option=option).status == AcaPush.Status.DONE
    client.force_login(django_user_model.objects.create_user(
        "staff@comune.example", "Password-lunga-123", is_staff=True))
    assert "INVALID" in client.get("/sandbox/aca/").content.decode()


def test_the_aca_archive_is_for_staff_only(client, option, django_user_model):
    # Every Ente's positions and debtors: anonymous and payers are sent to the login.
    response = client.get("/sandbox/aca/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    client.force_login(django_user_model.objects.create_user("mario@example.it",
                                                             "Password-lunga-123"))
    response = client.get("/sandbox/aca/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]
    assert "RSSMRA80E12H501I" not in response.content.decode()


def test_aca_down_is_retried_later(make_position, settings, site):
    settings.PAGOPA_ACA_URL = "http://127.0.0.1:9/aca/v1"  # nothing listens there
    option = make_position().options.get()
    push = AcaPush.objects.get(option=option)
    assert push.status == AcaPush.Status.PENDING and "unreachable" in push.last_error
    assert not AcaPosition.objects.exists()
    settings.PAGOPA_ACA_URL = ""  # pagoPA is back
    assert aca.push_due() == 0  # not yet time
    aca.push_due(timezone.now() + dt.timedelta(minutes=3))
    assert AcaPush.objects.get(option=option).status == AcaPush.Status.DONE
    assert AcaPosition.objects.get(iuv=option.iuv).amount_cents == 2200


def test_push_aca_command(make_position, settings, site):
    settings.PAGOPA_ACA_URL = "http://127.0.0.1:9/aca/v1"
    option = make_position().options.get()
    settings.PAGOPA_ACA_URL = ""
    AcaPush.objects.filter(option=option).update(next_attempt_at=timezone.now())
    call_command("push_aca", verbosity=0)
    assert AcaPosition.objects.filter(iuv=option.iuv).exists()


def test_aca_api_refuses_a_new_position_with_zero_amount(client, site):
    response = client.post("/sandbox/aca/v1/paCreatePosition", content_type="application/json",
                           data={"paFiscalCode": "80000120016", "entityType": "F",
                                 "entityFiscalCode": "RSSMRA80E12H501I",
                                 "entityFullName": "Mario Rossi", "iuv": "01000000000000099",
                                 "amount": 0, "description": "x",
                                 "expirationDate": "2026-12-31T23:59:59+01:00"})
    assert response.status_code == 422  # as pagopa-aca-service: nothing to invalidate
