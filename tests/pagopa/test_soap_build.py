"""Builders: every message validates against the official XSD and round-trips."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pytest
from lxml import etree

from pagopa import soap
from pagopa.messages import (
    FAULT_STRINGS,
    Fault,
    FaultCode,
    GetPaymentRequest,
    Operation,
    PaymentNoticeInfo,
    RequestHeader,
    SendRTRequest,
    StampInfo,
    VerifyRequest,
)
from tests.pagopa.conftest import NS_SOAP, make_payment, make_receipt, make_transfer

HEADER = RequestHeader(id_pa="77777777777", id_broker_pa="77777777777", id_station="77777777777_01")
NOTICE = PaymentNoticeInfo(
    amount_cents=3050, payment_description="TARI 2026", fiscal_code_pa="77777777777",
    company_name="Comune di Prova", all_ccp=True, due_date=dt.date(2026, 12, 31),
    detail_description="Rata unica", office_name="Ufficio Tributi",
)


def test_verify_response(assert_valid) -> None:
    body = soap.build_verify_response(NOTICE)
    payload = assert_valid(body)
    assert payload.findtext("paymentList/paymentOptionDescription/amount") == "30.50"
    assert payload.findtext("paymentList/paymentOptionDescription/allCCP") == "true"
    response = soap.parse_response(body)
    assert response.ok and response.data == NOTICE


def test_verify_response_minimal(assert_valid) -> None:
    minimal = PaymentNoticeInfo(amount_cents=1, payment_description="x",
                                fiscal_code_pa="77777777777", company_name="C")
    assert soap.parse_response(soap.build_verify_response(minimal)).data == minimal


@pytest.mark.parametrize("version", [1, 2])
def test_get_payment_response(version: int, assert_valid) -> None:
    info = make_payment(metadata=(("a", "1"), ("a", "2")),
                        retention_date=dt.datetime(2027, 1, 1, 0, 0), last_payment=True)
    if version == 1:
        info = dataclasses.replace(info, transfers=tuple(
            dataclasses.replace(t, company_name=None) for t in info.transfers))
    body = soap.build_get_payment_response(info, version=version)
    payload = assert_valid(body)
    expected = "paGetPaymentV2Response" if version == 2 else "paGetPaymentRes"
    assert etree.QName(payload).localname == expected
    assert payload.findtext("data/paymentAmount") == "30.50"
    parsed = soap.parse_response(body)
    assert parsed.operation is (Operation.GET_PAYMENT_V2 if version == 2 else Operation.GET_PAYMENT)
    assert parsed.data == info


def test_get_payment_v2_with_five_transfers_stamp_and_metadata(assert_valid) -> None:
    transfers = tuple(make_transfer(i, 100 * i, metadata=((f"k{i}", "v"),), company_name="EC")
                      for i in range(1, 5))
    stamp = StampInfo(hash_documento=b"\x01" * 32, provincia_residenza="RM")
    transfers += (make_transfer(5, 1600, iban=None, stamp=stamp),)
    info = make_payment(amount_cents=2600, transfers=transfers)
    body = soap.build_get_payment_response(info)
    assert_valid(body)
    assert soap.parse_response(body).data == info


def test_six_transfers_are_refused() -> None:
    transfers = tuple(make_transfer(i, 100) for i in range(1, 6)) + (make_transfer(5, 100),)
    with pytest.raises(soap.InvalidMessageError, match="transfer"):
        soap.build_get_payment_response(make_payment(transfers=transfers))


def test_v1_transfer_needs_iban() -> None:
    stamp = StampInfo(hash_documento=b"\x01" * 32, provincia_residenza="RM")
    info = make_payment(transfers=(make_transfer(1, 3050, iban=None, stamp=stamp),))
    with pytest.raises(soap.InvalidMessageError, match="IBAN"):
        soap.build_get_payment_response(info, version=1)


def test_v2_transfer_cannot_have_iban_and_stamp() -> None:
    stamp = StampInfo(hash_documento=b"\x01" * 32, provincia_residenza="RM")
    info = make_payment(transfers=(make_transfer(1, 3050, stamp=stamp),))
    with pytest.raises(soap.InvalidMessageError, match="exactly one"):
        soap.build_get_payment_response(info)


@pytest.mark.parametrize(
    "change",
    [
        {"description": "x" * 141},
        {"amount_cents": 0},
        {"creditor_reference_id": ""},
        {"company_name": None},  # mandatory in V2
    ],
    ids=["description-141", "zero-amount", "empty-iuv", "v2-no-company"],
)
def test_invalid_data_never_leaves_as_xml(change: dict) -> None:
    with pytest.raises(soap.InvalidMessageError):
        soap.build_get_payment_response(make_payment(**change))


def test_negative_amount_is_refused() -> None:
    with pytest.raises(soap.InvalidMessageError, match="non-negative"):
        soap.build_verify_response(dataclasses.replace(NOTICE, amount_cents=-1))


@pytest.mark.parametrize("version", [1, 2])
def test_send_rt_response(version: int, assert_valid) -> None:
    body = soap.build_send_rt_response(version)
    assert_valid(body)
    response = soap.parse_response(body)
    assert response.ok and response.fault is None


@pytest.mark.parametrize("operation", list(Operation))
@pytest.mark.parametrize("code", list(FaultCode))
def test_fault_response_for_every_code_and_operation(operation, code, assert_valid) -> None:
    fault = Fault.of(code, "77777777777", description="dettaglio <&> èà")
    body = soap.build_fault_response(operation, fault)
    payload = assert_valid(body)
    assert etree.QName(payload).localname == soap.RESPONSE_ELEMENTS[operation]
    response = soap.parse_response(body)
    assert response.outcome == "KO"
    assert response.fault == fault
    assert response.fault.fault_string == FAULT_STRINGS[code]


def test_official_fault_strings() -> None:
    assert set(FAULT_STRINGS) == set(FaultCode)
    assert FaultCode.PAGAMENTO_SCONOSCIUTO.fault_string == (
        "Pagamento in attesa risulta sconosciuto all’Ente Creditore"
    )
    assert FaultCode.SYSTEM_ERROR.fault_string == "Errore generico"


def test_ko_matches_the_published_example_shape(assert_valid) -> None:
    from tests.pagopa.conftest import EXAMPLES

    official = soap.parse_response(
        (EXAMPLES / "soap" / "paVerifyPaymentNotice.response-KO.xml").read_bytes())
    rebuilt = soap.build_fault_response(Operation.VERIFY, official.fault)
    assert soap.parse_response(rebuilt) == official


def test_error_response_uses_the_operation_element(assert_valid) -> None:
    with pytest.raises(soap.SchemaFault) as info:
        soap.parse_request(soap.build_verify_request(VerifyRequest(HEADER, "77777777777",
                                                                   "301234567890123456"))
                           .replace(b"<idStation>77777777777_01</idStation>", b""))
    body = soap.error_response(info.value, "77777777777")
    assert_valid(body)
    response = soap.parse_response(body)
    assert response.operation is Operation.VERIFY
    assert response.fault.fault_code == "PAA_SINTASSI_XSD"
    assert response.fault.id == "77777777777"


def test_error_response_without_operation_is_a_soap_fault(envelope_schema) -> None:
    with pytest.raises(soap.SyntaxFault) as info:
        soap.parse_request(b"not xml")
    body = soap.error_response(info.value, "77777777777")
    root = etree.fromstring(body)
    envelope_schema.assertValid(root)
    fault = root.find(f"{{{NS_SOAP}}}Body/{{{NS_SOAP}}}Fault")
    assert fault.findtext("faultcode") == "soapenv:Client"
    assert "PAA_SINTASSI_EXTRAXSD" in fault.findtext("faultstring")


# --- Node-side requests (sandbox) ----------------------------------------------------------


def test_verify_request_round_trip(assert_valid) -> None:
    request = VerifyRequest(HEADER, "77777777777", "301234567890123456")
    body = soap.build_verify_request(request)
    assert_valid(body)
    parsed = soap.parse_request(body)
    assert parsed.operation is Operation.VERIFY and parsed.message == request


@pytest.mark.parametrize("version", [1, 2])
def test_get_payment_request_round_trip(version: int, assert_valid) -> None:
    request = GetPaymentRequest(HEADER, "77777777777", "301234567890123456", amount_cents=3050,
                                payment_note="id-cart-42", transfer_type="PAGOPA",
                                due_date=dt.date(2026, 12, 31), version=version)
    body = soap.build_get_payment_request(request)
    assert_valid(body)
    assert soap.parse_request(body).message == request


@pytest.mark.parametrize("version", [1, 2])
def test_send_rt_request_round_trip(version: int, assert_valid) -> None:
    receipt = make_receipt()
    if version == 2:
        receipt = dataclasses.replace(
            receipt, payment_note="id-cart-42", primary_ci_incurred_fee_cents=50,
            id_bundle="b1", id_ci_bundle="c1",
            transfers=receipt.transfers[:1] + (make_transfer(
                2, 1050, iban=None, mbd_attachment=b"<marca/>", company_name="EC2"),),
            payment_date_time=dt.datetime(2026, 3, 1, 17, 48, 22, 123000,
                                          tzinfo=dt.timezone(dt.timedelta(hours=1))),
        )
    request = SendRTRequest(HEADER, receipt, version=version)
    body = soap.build_send_rt_request(request)
    assert_valid(body)
    parsed = soap.parse_request(body)
    assert parsed.operation is (Operation.SEND_RT_V2 if version == 2 else Operation.SEND_RT)
    assert parsed.message == request


def test_send_rt_v1_refuses_v2_only_fields() -> None:
    receipt = make_receipt(id_bundle="b1")
    with pytest.raises(soap.InvalidMessageError, match="id_bundle"):
        soap.build_send_rt_request(SendRTRequest(HEADER, receipt, version=1))


def test_minimal_receipt_round_trip(assert_valid) -> None:
    receipt = make_receipt(
        office_name=None, psp_fiscal_code=None, psp_partita_iva=None, payer=None,
        payment_method=None, fee_cents=None, payment_date_time=None, application_date=None,
        transfer_date=None, metadata=(), stand_in=None,
    )
    body = soap.build_send_rt_request(SendRTRequest(HEADER, receipt))
    assert_valid(body)
    assert soap.parse_request(body).message.receipt == receipt


def test_bad_version_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="version"):
        soap.build_send_rt_response(3)
