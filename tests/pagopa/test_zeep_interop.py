"""Interop: zeep (a third-party SOAP stack) reads the official WSDL; we read what it sends."""

from __future__ import annotations

import pytest
from lxml import etree

from pagopa import soap
from pagopa.messages import Operation
from tests.pagopa.conftest import SPEC_API

zeep = pytest.importorskip("zeep")

HEADER = {"idPA": "77777777777", "idBrokerPA": "77777777777", "idStation": "77777777777_01"}
QR = {"fiscalCode": "77777777777", "noticeNumber": "301234567890123456"}


@pytest.fixture(scope="module")
def client():
    return zeep.Client(str(SPEC_API / "wsdl" / "paForNode.wsdl"))


def _serialize(client, operation: str, **values) -> bytes:
    envelope = client.create_message(client.service, operation, **values)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def test_zeep_loads_all_operations(client) -> None:
    operations = set(client.service._binding._operations)
    assert {op.value for op in Operation} <= operations


def test_verify_from_zeep(client) -> None:
    body = _serialize(client, "paVerifyPaymentNotice", **HEADER, qrCode=QR)
    parsed = soap.parse_request(body)
    assert parsed.operation is Operation.VERIFY
    assert parsed.message.notice_number == QR["noticeNumber"]


@pytest.mark.parametrize("operation", ["paGetPayment", "paGetPaymentV2"])
def test_get_payment_from_zeep(client, operation: str) -> None:
    body = _serialize(client, operation, **HEADER, qrCode=QR, amount="30.50",
                      paymentNote="cart-1", transferType="POSTAL")
    parsed = soap.parse_request(body)
    assert parsed.operation.value == operation
    assert parsed.message.amount_cents == 3050
    assert parsed.message.transfer_type == "POSTAL"


def test_send_rt_v2_from_zeep(client) -> None:
    receipt = {
        "receiptId": "r1", "noticeNumber": QR["noticeNumber"], "fiscalCode": "77777777777",
        "outcome": "OK", "creditorReferenceId": "01234567890123456", "paymentAmount": "12.34",
        "description": "d", "companyName": "Comune",
        "debtor": {"uniqueIdentifier": {"entityUniqueIdentifierType": "F",
                                        "entityUniqueIdentifierValue": "RSSMRA80A01H501U"},
                   "fullName": "Mario Rossi"},
        "transferList": {"transfer": [{
            "idTransfer": 1, "transferAmount": "12.34", "fiscalCodePA": "77777777777",
            "IBAN": "IT60X0542811101000000123456", "remittanceInformation": "r",
            "transferCategory": "0101100IM"}]},
        "idPSP": "psp", "PSPCompanyName": "PSP", "idChannel": "ch", "channelDescription": "app",
        "fee": "1.00", "standIn": True,
    }
    parsed = soap.parse_request(_serialize(client, "paSendRTV2", **HEADER, receipt=receipt))
    assert parsed.operation is Operation.SEND_RT_V2
    assert parsed.message.receipt.amount_cents == 1234
    assert parsed.message.receipt.fee_cents == 100
    assert parsed.message.receipt.stand_in is True


def test_zeep_reads_our_responses(client) -> None:
    from tests.pagopa.conftest import make_payment

    body = soap.build_get_payment_response(make_payment())
    operation = client.service._binding._operations["paGetPaymentV2"]
    result = operation.process_reply(etree.fromstring(body))
    assert result.outcome == "OK"
    assert str(result.data.paymentAmount) == "30.50"
