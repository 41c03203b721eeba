"""Parsing Node requests and EC responses: examples, typed content, error classes, attacks."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pagopa import soap
from pagopa.messages import FaultCode, Operation, PaymentInfo, PaymentNoticeInfo
from tests.pagopa.conftest import EXAMPLES

SOAP_EXAMPLES = sorted((EXAMPLES / "soap").glob("*.xml"))


def example(name: str) -> bytes:
    return (EXAMPLES / "soap" / name).read_bytes()


@pytest.mark.parametrize("path", SOAP_EXAMPLES, ids=lambda p: p.name)
def test_every_example_parses_and_validates(path: Path, assert_valid) -> None:
    body = path.read_bytes()
    assert_valid(body)
    if ".request." in path.name:
        parsed = soap.parse_request(body)
        assert path.name.startswith(parsed.operation.value + ".")
    else:
        response = soap.parse_response(body)
        assert path.name.startswith(response.operation.value + ".")


def test_verify_request_content() -> None:
    parsed = soap.parse_request(example("paVerifyPaymentNotice.request.xml"))
    assert parsed.operation is Operation.VERIFY
    assert parsed.header.id_station == "77777777777_01"
    assert parsed.message.fiscal_code == "77777777777"
    assert parsed.message.notice_number == "311111111112222222"


def test_get_payment_v2_request_amount_in_cents() -> None:
    parsed = soap.parse_request(example("paGetPaymentV2.request.xml"))
    assert parsed.operation is Operation.GET_PAYMENT_V2
    assert parsed.message.amount_cents == 3000
    assert parsed.message.version == 2
    assert parsed.message.payment_note is None


def test_send_rt_v2_receipt_fully_parsed() -> None:
    parsed = soap.parse_request(example("paSendRTV2.request.xml"))
    assert parsed.operation is Operation.SEND_RT_V2
    receipt = parsed.message.receipt
    assert receipt.receipt_id == "c110729d258c4ab1b765fe902aae41d6"
    assert receipt.notice_number == "311111111112222222"
    assert receipt.fiscal_code == "77777777777"
    assert receipt.outcome == "OK"
    assert receipt.creditor_reference_id == "11111111112222222"
    assert receipt.amount_cents == 3000
    assert receipt.fee_cents == 200
    assert receipt.primary_ci_incurred_fee_cents == 50
    assert [t.amount_cents for t in receipt.transfers] == [2000, 1000]
    assert sum(t.amount_cents for t in receipt.transfers) == receipt.amount_cents
    assert receipt.transfers[0].iban == "IT0000000000000000000000000"
    assert receipt.transfers[0].remittance_information == "remittanceInformation1"
    assert receipt.transfers[0].metadata == (("keytest", "1"),)
    assert receipt.transfers[1].company_name == "company EC2"
    assert receipt.debtor.id_type == "F"
    assert receipt.debtor.email == "john.doe@test.it"
    assert receipt.payer.full_name == "John Doe"
    assert receipt.id_psp == "88888888888"
    assert receipt.psp_fiscal_code == "88888888888"
    assert receipt.psp_partita_iva == "88888888888"
    assert receipt.psp_company_name == "PSP name"
    assert receipt.id_channel == "88888888888_01"
    assert receipt.channel_description == "app"
    assert receipt.payment_method == "creditCard"
    assert receipt.id_bundle == "1"
    assert receipt.id_ci_bundle == "2"
    assert receipt.payment_date_time == dt.datetime(2021, 10, 1, 17, 48, 22)
    assert receipt.application_date == dt.date(2021, 10, 1)
    assert receipt.transfer_date == dt.date(2021, 10, 2)
    assert receipt.metadata == (("keytest", "1"),)
    assert receipt.stand_in is False


def test_lowercase_standin_of_published_samples_is_accepted() -> None:
    body = example("paSendRTV2.request.xml").replace(b"standIn>", b"standin>")
    assert b"<standin>" in body
    assert soap.parse_request(body).message.receipt.stand_in is False


def test_responses_content() -> None:
    verify = soap.parse_response(example("paVerifyPaymentNotice.response-OK.xml"))
    assert verify.ok and isinstance(verify.data, PaymentNoticeInfo)
    assert verify.data.amount_cents == 3000 and verify.data.all_ccp is False
    ko = soap.parse_response(example("paVerifyPaymentNotice.response-KO.xml"))
    assert not ko.ok and ko.data is None
    assert ko.fault.fault_code == FaultCode.PAGAMENTO_SCONOSCIUTO
    assert ko.fault.fault_string == FaultCode.PAGAMENTO_SCONOSCIUTO.fault_string
    payment = soap.parse_response(example("paGetPaymentV2.response-OK.xml"))
    assert isinstance(payment.data, PaymentInfo)
    assert payment.data.retention_date == dt.datetime(2021, 12, 31, 23, 59, 59)
    assert payment.data.last_payment is False
    assert payment.data.metadata == (("keytest", "1"),)


# --- errors --------------------------------------------------------------------------------


def test_malformed_xml_is_a_syntax_fault_with_operation_hint() -> None:
    with pytest.raises(soap.SyntaxFault) as info:
        soap.parse_request(b"<soapenv:Envelope", soap_action='"paGetPaymentV2"')
    assert info.value.fault_code is FaultCode.SINTASSI_EXTRAXSD
    assert info.value.operation is Operation.GET_PAYMENT_V2


@pytest.mark.parametrize(
    "body",
    [
        b"<paVerifyPaymentNoticeReq/>",
        b'<e:Envelope xmlns:e="http://www.w3.org/2003/05/soap-envelope"><e:Body/></e:Envelope>',
        b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"/>',
        b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body/></e:Envelope>',
        b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
        b'<x:paDemandPaymentNoticeRequest xmlns:x="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"/>'
        b"</e:Body></e:Envelope>",
        b'<e:Envelope xmlns:e="http://schemas.xmlsoap.org/soap/envelope/"><e:Body>'
        b"<paVerifyPaymentNoticeReq/></e:Body></e:Envelope>",
        b"",
    ],
    ids=["no-envelope", "soap12", "no-body", "empty-body", "unsupported-op", "no-ns", "empty"],
)
def test_not_soap_or_unknown_operation_is_a_syntax_fault(body: bytes) -> None:
    with pytest.raises(soap.SyntaxFault) as info:
        soap.parse_request(body)
    assert info.value.operation is None


def test_xsd_invalid_payload_is_a_schema_fault() -> None:
    body = example("paVerifyPaymentNotice.request.xml").replace(
        b"<noticeNumber>311111111112222222</noticeNumber>", b"<noticeNumber>31111</noticeNumber>"
    )
    with pytest.raises(soap.SchemaFault) as info:
        soap.parse_request(body)
    assert info.value.fault_code is FaultCode.SINTASSI_XSD
    assert info.value.operation is Operation.VERIFY
    assert "noticeNumber" in str(info.value)


def test_qualified_children_are_xsd_invalid() -> None:
    body = example("paVerifyPaymentNotice.request.xml").replace(b"<idPA>", b"<nod:idPA>")
    body = body.replace(b"</idPA>", b"</nod:idPA>")
    with pytest.raises(soap.SchemaFault):
        soap.parse_request(body)


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"
  xmlns:p="http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"><soapenv:Body>
<p:paVerifyPaymentNoticeReq><idPA>&xxe;</idPA></p:paVerifyPaymentNoticeReq>
</soapenv:Body></soapenv:Envelope>"""

LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>
<lolz>&lol9;</lolz></soapenv:Body></soapenv:Envelope>"""


@pytest.mark.parametrize("body", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entity_attacks_are_rejected_before_parsing(body: bytes, monkeypatch) -> None:
    def must_not_parse(*args, **kwargs):
        raise AssertionError("parser reached with a DTD")

    monkeypatch.setattr("pagopa.soap._xml.etree.fromstring", must_not_parse)
    with pytest.raises(soap.SyntaxFault, match="not allowed"):
        soap.parse_request(body)


@pytest.mark.parametrize("body", [XXE, LAUGHS], ids=["xxe", "billion-laughs"])
def test_entity_attacks_in_utf16_are_rejected_after_safe_parse(body: bytes) -> None:
    encoded = body.replace(b'version="1.0"', b'version="1.0" encoding="UTF-16"')
    encoded = encoded.decode().encode("utf-16")
    assert b"<!DOCTYPE" not in encoded  # the byte scan cannot see it
    with pytest.raises(soap.SyntaxFault) as info:
        soap.parse_request(encoded)
    assert "root:" not in str(info.value)  # no file content leaked into the message


def test_plain_doctype_is_rejected() -> None:
    body = b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "http://evil.example/x.dtd">' + example(
        "paVerifyPaymentNotice.request.xml"
    ).split(b"?>", 1)[1]
    with pytest.raises(soap.SyntaxFault):
        soap.parse_request(body)


def test_oversize_body_is_rejected_without_parsing() -> None:
    body = example("paVerifyPaymentNotice.request.xml")
    padding = b"<!--" + b"x" * soap.MAX_BODY_BYTES + b"-->"
    with pytest.raises(soap.SyntaxFault, match="larger than"):
        soap.parse_request(body + padding, soap_action="paVerifyPaymentNotice")


def test_body_at_the_limit_is_accepted() -> None:
    body = example("paVerifyPaymentNotice.request.xml")
    padded = body + b" " * (soap.MAX_BODY_BYTES - len(body))
    assert soap.parse_request(padded).operation is Operation.VERIFY


def test_comments_inside_values_do_not_change_them() -> None:
    body = example("paGetPaymentV2.request.xml").replace(
        b"<amount>30.00</amount>", b"<amount>30<!-- c -->.00</amount>"
    )
    assert soap.parse_request(body).message.amount_cents == 3000


def test_xsd_valid_but_unrepresentable_date_is_a_syntax_fault() -> None:
    body = example("paGetPaymentV2.request.xml").replace(
        b"<amount>30.00</amount>", b"<amount>30.00</amount><dueDate>10000-01-01</dueDate>"
    )
    with pytest.raises(soap.SyntaxFault, match="not supported") as info:
        soap.parse_request(body)
    assert info.value.operation is Operation.GET_PAYMENT_V2


def test_date_with_timezone_is_read_as_calendar_day() -> None:
    body = example("paGetPaymentV2.request.xml").replace(
        b"<amount>30.00</amount>", b"<amount>30.00</amount><dueDate>2026-12-31+01:00</dueDate>"
    )
    assert soap.parse_request(body).message.due_date == dt.date(2026, 12, 31)
