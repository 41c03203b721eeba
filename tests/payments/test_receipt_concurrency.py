"""Twenty identical receipts at once, over HTTP, on PostgreSQL's real row locks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from mail.models import OutgoingEmail
from pagopa import soap
from pagopa.messages import RequestHeader, SendRTRequest
from payments.models import Receipt
from positions.models import PaymentOption
from tests.payments.test_receipt_review import info_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def receipt_message(option, receipt_id: str) -> bytes:
    organization = option.organization
    header = RequestHeader(organization.fiscal_code, organization.broker_id,
                           organization.station_id)
    receipt = info_for(option, receipt_id)
    return soap.build_send_rt_request(SendRTRequest(header, receipt))


def test_twenty_identical_receipts_pay_once(site, make_position, debtor, validate):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    option = make_position().options.get()
    body = receipt_message(option, "f" * 32)

    def send(_):
        response = requests.post(f"{site}/pagopa/paForNode", data=body, timeout=30,
                                 headers={"Content-Type": "text/xml", "SOAPAction": "paSendRTV2"})
        return response.status_code, validate(response.content).findtext("outcome")

    with ThreadPoolExecutor(max_workers=20) as pool:
        answers = list(pool.map(send, range(20)))

    assert answers == [(200, "OK")] * 20
    assert Receipt.objects.count() == 1
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID
    assert OutgoingEmail.objects.count() == 1
