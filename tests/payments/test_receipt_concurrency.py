"""Twenty identical receipts at once, over HTTP, on PostgreSQL's real row locks."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from django.db import connection

from mail.models import OutgoingEmail
from pagopa import soap
from pagopa.messages import DebtorInfo, ReceiptInfo, RequestHeader, SendRTRequest, TransferInfo
from payments.models import Receipt
from positions.models import PaymentOption

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def receipt_message(option, receipt_id: str) -> bytes:
    organization = option.organization
    header = RequestHeader(organization.fiscal_code, organization.broker_id,
                           organization.station_id)
    receipt = ReceiptInfo(
        receipt_id=receipt_id, notice_number=option.notice_number,
        fiscal_code=organization.fiscal_code, outcome="OK",
        creditor_reference_id=option.iuv, amount_cents=option.amount_cents,
        description="Trasporto scolastico", company_name=organization.name,
        debtor=DebtorInfo("F", "RSSMRA80E12H501I", "Mario Rossi"),
        transfers=(TransferInfo(1, option.amount_cents, organization.fiscal_code, "causale",
                                "9/0106104SP/", iban=organization.iban),),
        id_psp="BCITITMM", psp_company_name="Banca Sandbox", id_channel="BCITITMM_01",
        channel_description="app",
    )
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
