"""ACA's state rules (pagopa-aca-service over GPD), enforced by the sandbox's ACA over
HTTP, and what our side does with them: invalidate what cannot be paid, show a refusal
to staff with an alert, register anew under a new IUV."""

from __future__ import annotations

import datetime as dt
import logging

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME

from payments import reconciliation
from payments.models import AcaPush
from positions.models import PaymentOption
from sandbox.models import AcaPosition

pytestmark = pytest.mark.django_db(transaction=True)

API = "/sandbox/aca/v1/paCreatePosition"


@pytest.fixture
def option(make_position, site):
    return make_position().options.get()


def body(iuv="01000000000000099", amount=2200, **extra):
    return {"paFiscalCode": "80000120016", "entityType": "F",
            "entityFiscalCode": "RSSMRA80E12H501I", "entityFullName": "Mario Rossi",
            "iuv": iuv, "amount": amount, "description": "TARI",
            "expirationDate": "2099-12-31T23:59:59+01:00", **extra}


def test_aca_refuses_any_change_to_an_invalidated_position(client, site):
    assert client.post(API, body(), content_type="application/json").status_code == 200
    invalidated = client.post(API, body(amount=0), content_type="application/json")
    assert invalidated.json()["status"] == "INVALID"
    again = client.post(API, body(amount=2500), content_type="application/json")
    assert again.status_code == 409 and "Unauthorized action" in again.json()["title"]
    assert client.post(API, body(amount=0), content_type="application/json").status_code == 409
    assert AcaPosition.objects.get().amount_cents == 2200  # invalidation keeps the data


def test_aca_refuses_changes_to_a_position_paid_in_stand_in(client, site):
    client.post(API, body(), content_type="application/json")
    AcaPosition.objects.update(state=AcaPosition.Status.PAID)
    assert client.post(API, body(amount=100), content_type="application/json").status_code == 409


def test_aca_updates_an_expired_position(client, site):
    client.post(API, body(expirationDate="2020-01-31T23:59:59+01:00", switchToExpired=True),
                content_type="application/json")
    assert AcaPosition.objects.get().status == "EXPIRED"
    moved = client.post(API, body(expirationDate="2099-01-31T23:59:59+01:00",
                                  switchToExpired=True), content_type="application/json")
    assert moved.status_code == 200 and moved.json()["status"] == "VALID"


def test_an_option_that_can_no_longer_be_paid_is_invalidated(option):
    option.expire()
    held = AcaPosition.objects.get(iuv=option.iuv)
    assert held.status == "INVALID"
    push = AcaPush.objects.get(option=option)
    assert push.status == AcaPush.Status.DONE and push.invalidated_at is not None
    assert push.aca_iuv == option.iuv and not push.needs_attention


def test_reopened_after_invalidation_is_refused_shown_and_alerted(option, caplog):
    option.expire()
    with caplog.at_level(logging.ERROR, logger="payments.aca"):
        option.reopen()
    push = AcaPush.objects.get(option=option)
    assert push.status == AcaPush.Status.REFUSED and push.last_status_code == 409
    assert push.needs_attention and "409" in push.last_error
    assert AcaPush.objects.needing_attention().count() == 1  # the dashboard's count
    assert reconciliation.report(dt.timedelta(hours=1)).failed_aca_pushes == [push]
    assert any(getattr(r, "event", "") == "aca_push_refused" for r in caplog.records)
    assert AcaPosition.objects.get(iuv=option.iuv).status == "INVALID"


def test_staff_see_the_refusal_and_register_the_option_anew(option, admin_client):
    old_iuv, old_notice = option.iuv, option.notice_number
    option.expire()
    option.reopen()
    page = admin_client.get("/admin/payments/acapush/")
    assert "Rifiutata da ACA" in page.content.decode()
    push = AcaPush.objects.get(option=option)
    admin_client.post("/admin/payments/acapush/", {
        "action": "renumber", ACTION_CHECKBOX_NAME: [push.pk]})
    option.refresh_from_db()
    assert option.iuv != old_iuv and option.notice_number != old_notice
    assert option.status == PaymentOption.Status.UNPAID
    push.refresh_from_db()
    assert push.status == AcaPush.Status.DONE and not push.needs_attention
    assert push.aca_iuv == option.iuv and push.invalidated_at is None
    fresh = AcaPosition.objects.get(iuv=option.iuv)
    assert fresh.status == "VALID" and fresh.nav == option.notice_number
    assert AcaPosition.objects.get(iuv=old_iuv).status == "INVALID"
    assert AcaPush.objects.needing_attention().count() == 0


def test_invalidating_what_aca_already_closed_is_not_an_alert(option):
    AcaPosition.objects.filter(iuv=option.iuv).update(state=AcaPosition.Status.PAID)
    option.cancel()
    push = AcaPush.objects.get(option=option)
    assert push.status == AcaPush.Status.DONE and not push.needs_attention
    assert push.last_status_code == 409 and push.invalidated_at is not None
    option.refresh_from_db()
    option.save()  # any later change: ACA's closed position is not asked again
    assert AcaPosition.objects.get(iuv=option.iuv).updates == 1
