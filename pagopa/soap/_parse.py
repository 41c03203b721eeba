"""Parsers: SOAP envelope bytes → messages dataclasses.

Order of checks (each maps to one fault code, see ``SoapError`` subclasses):
size/DTD/well-formedness/SOAP shape/unknown operation → :class:`SyntaxFault`
(PAA_SINTASSI_EXTRAXSD); payload against paForNode.xsd → :class:`SchemaFault`
(PAA_SINTASSI_XSD); XSD-valid values Python cannot represent (year 10000) → SyntaxFault.
Only after validation are values read, so extraction can trust types and cardinalities.

Why PAA_SINTASSI_XSD for XSD failures although the error guide lists only
PAA_SINTASSI_EXTRAXSD for the paForNode primitives: pagoPA's own reference EC
(pagopa-gpd-payments) answers SINTASSI_XSD to any XSD failure, the Node does not check
EC fault codes, and the distinction helps whoever reads the logs. The mapping lives in
``SchemaFault.fault_code``: change it there if UAT says otherwise.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from lxml import etree

from pagopa.messages import (
    DebtorInfo,
    Fault,
    GetPaymentRequest,
    Metadata,
    Operation,
    PaymentInfo,
    PaymentNoticeInfo,
    ReceiptInfo,
    RequestHeader,
    Response,
    SendRTRequest,
    StampInfo,
    TransferInfo,
    VerifyRequest,
)
from pagopa.soap._xml import (
    NS_PA,
    OPERATION_BY_REQUEST,
    OPERATION_BY_RESPONSE,
    SchemaFault,
    SyntaxFault,
    cents,
    element_children,
    envelope_payload,
    local_name,
    parse_bool,
    parse_date,
    parse_datetime,
    parse_xml,
    schema_errors,
)

RequestMessage = VerifyRequest | GetPaymentRequest | SendRTRequest


@dataclass(frozen=True)
class ParsedRequest:
    """A validated Node→EC request: which operation and its typed content."""

    operation: Operation
    message: RequestMessage

    @property
    def header(self) -> RequestHeader:
        return self.message.header


def operation_from_soap_action(soap_action: str | None) -> Operation | None:
    """Operation named by a SOAPAction header value (quotes allowed), if any."""
    if not soap_action:
        return None
    value = soap_action.strip().strip('"').rsplit("/", 1)[-1]
    try:
        return Operation(value)
    except ValueError:
        return None


def parse_request(body: bytes, soap_action: str | None = None) -> ParsedRequest:
    """Parse and validate a request from the Node.

    ``soap_action`` is only a hint to label errors raised before the body names the
    operation; the body element is authoritative.
    """
    hint = operation_from_soap_action(soap_action)
    payload = envelope_payload(parse_xml(body, hint), hint)
    namespace, name = local_name(payload)
    operation = OPERATION_BY_REQUEST.get(name) if namespace == NS_PA else None
    if operation is None:
        raise SyntaxFault(f"unsupported operation element {{{namespace}}}{name}", hint)
    if operation in (Operation.SEND_RT, Operation.SEND_RT_V2):
        _tolerate_lowercase_standin(payload)
    error = schema_errors(payload)
    if error:
        raise SchemaFault(error, operation)
    try:
        return ParsedRequest(operation, _REQUEST_READERS[operation](payload, operation))
    except ValueError as exc:
        # XSD-valid but outside what Python can represent (year 10000, 24:00:00...).
        raise SyntaxFault(f"value not supported: {exc}", operation) from None


def parse_response(body: bytes) -> Response:
    """Parse and validate an EC response (the sandbox Node reads these).

    Raises :class:`SyntaxFault` / :class:`SchemaFault` exactly as :func:`parse_request`.
    """
    payload = envelope_payload(parse_xml(body))
    namespace, name = local_name(payload)
    operation = OPERATION_BY_RESPONSE.get(name) if namespace == NS_PA else None
    if operation is None:
        raise SyntaxFault(f"unsupported response element {{{namespace}}}{name}")
    error = schema_errors(payload)
    if error:
        raise SchemaFault(error, operation)
    try:
        return _read_response(payload, operation)
    except ValueError as exc:
        raise SyntaxFault(f"value not supported: {exc}", operation) from None


def _read_response(payload: etree._Element, operation: Operation) -> Response:
    fault_element = payload.find("fault")
    data: PaymentNoticeInfo | PaymentInfo | None = None
    if operation is Operation.VERIFY and payload.find("paymentList") is not None:
        data = _read_verify_data(payload)
    elif operation in (Operation.GET_PAYMENT, Operation.GET_PAYMENT_V2):
        data_element = payload.find("data")
        data = _read_payment(data_element) if data_element is not None else None
    return Response(
        operation=operation,
        outcome=_text(payload, "outcome"),
        fault=_read_fault(fault_element) if fault_element is not None else None,
        data=data,
    )


def _tolerate_lowercase_standin(payload: etree._Element) -> None:
    """Published SANP samples write ``<standin>``; the XSD says ``standIn``. Accept both."""
    receipt = payload.find("receipt")
    if receipt is None or receipt.find("standIn") is not None:
        return
    legacy = receipt.find("standin")
    if legacy is not None:
        legacy.tag = "standIn"


# --- element readers (input already XSD-valid) --------------------------------------------


_STRING_VALUE = etree.XPath("string()")


def _opt(parent: etree._Element, name: str) -> str | None:
    """Text of an optional child; its XPath string value, so comments inside are dropped.
    A child with no nodes inside (the usual case: simple types) is its ``text``, which
    is that same value without the cost of evaluating XPath (46 values in a receipt)."""
    child = parent.find(name)
    if child is None:
        return None
    if not len(child):
        return child.text or ""
    return str(_STRING_VALUE(child))


def _text(parent: etree._Element, name: str) -> str:
    value = _opt(parent, name)
    if value is None:  # unreachable after XSD validation; keeps the type honest
        raise SchemaFault(f"missing {name}")
    return value


def _opt_cents(parent: etree._Element, name: str) -> int | None:
    value = _opt(parent, name)
    return cents(value) if value is not None else None


def _header(payload: etree._Element) -> RequestHeader:
    return RequestHeader(
        id_pa=_text(payload, "idPA"),
        id_broker_pa=_text(payload, "idBrokerPA"),
        id_station=_text(payload, "idStation"),
    )


def _metadata(parent: etree._Element) -> Metadata:
    container = parent.find("metadata")
    if container is None:
        return ()
    return tuple((_text(e, "key"), _text(e, "value")) for e in container.findall("mapEntry"))


def _subject(element: etree._Element | None) -> DebtorInfo | None:
    if element is None:
        return None
    identifier = element.find("uniqueIdentifier")
    return DebtorInfo(
        id_type=_text(identifier, "entityUniqueIdentifierType"),
        id_value=_text(identifier, "entityUniqueIdentifierValue"),
        full_name=_text(element, "fullName"),
        street_name=_opt(element, "streetName"),
        civic_number=_opt(element, "civicNumber"),
        postal_code=_opt(element, "postalCode"),
        city=_opt(element, "city"),
        state_province_region=_opt(element, "stateProvinceRegion"),
        country=_opt(element, "country"),
        email=_opt(element, "e-mail"),
    )


def _stamp(element: etree._Element | None) -> StampInfo | None:
    if element is None:
        return None
    return StampInfo(
        hash_documento=base64.b64decode(_text(element, "hashDocumento")),
        tipo_bollo=_text(element, "tipoBollo"),
        provincia_residenza=_text(element, "provinciaResidenza"),
    )


def _transfer(element: etree._Element) -> TransferInfo:
    attachment = _opt(element, "MBDAttachment")
    return TransferInfo(
        id_transfer=int(_text(element, "idTransfer")),
        amount_cents=cents(_text(element, "transferAmount")),
        fiscal_code_pa=_text(element, "fiscalCodePA"),
        remittance_information=_text(element, "remittanceInformation"),
        transfer_category=_text(element, "transferCategory"),
        iban=_opt(element, "IBAN"),
        company_name=_opt(element, "companyName"),
        metadata=_metadata(element),
        stamp=_stamp(element.find("richiestaMarcaDaBollo")),
        mbd_attachment=base64.b64decode(attachment) if attachment is not None else None,
    )


def _transfers(parent: etree._Element) -> tuple[TransferInfo, ...]:
    container = parent.find("transferList")
    return tuple(_transfer(t) for t in container.findall("transfer"))


def _read_fault(element: etree._Element) -> Fault:
    serial = _opt(element, "serial")
    return Fault(
        fault_code=_text(element, "faultCode"),
        fault_string=_text(element, "faultString"),
        id=_text(element, "id"),
        description=_opt(element, "description"),
        serial=int(serial) if serial is not None else None,
        original_fault_code=_opt(element, "originalFaultCode"),
        original_fault_string=_opt(element, "originalFaultString"),
        original_description=_opt(element, "originalDescription"),
    )


def _read_verify_data(payload: etree._Element) -> PaymentNoticeInfo:
    option = payload.find("paymentList/paymentOptionDescription")
    due_date = _opt(option, "dueDate")
    return PaymentNoticeInfo(
        amount_cents=cents(_text(option, "amount")),
        options=_text(option, "options"),
        due_date=parse_date(due_date) if due_date else None,
        detail_description=_opt(option, "detailDescription"),
        all_ccp=parse_bool(_text(option, "allCCP")),
        payment_description=_text(payload, "paymentDescription"),
        fiscal_code_pa=_text(payload, "fiscalCodePA"),
        company_name=_text(payload, "companyName"),
        office_name=_opt(payload, "officeName"),
    )


def _read_payment(data: etree._Element) -> PaymentInfo:
    retention = _opt(data, "retentionDate")
    last_payment = _opt(data, "lastPayment")
    return PaymentInfo(
        creditor_reference_id=_text(data, "creditorReferenceId"),
        amount_cents=cents(_text(data, "paymentAmount")),
        due_date=parse_date(_text(data, "dueDate")),
        retention_date=parse_datetime(retention) if retention else None,
        last_payment=parse_bool(last_payment) if last_payment is not None else None,
        description=_text(data, "description"),
        company_name=_opt(data, "companyName"),
        office_name=_opt(data, "officeName"),
        debtor=_subject(data.find("debtor")),
        transfers=_transfers(data),
        metadata=_metadata(data),
    )


def read_receipt(receipt: etree._Element) -> ReceiptInfo:
    """``ctReceipt`` / ``ctReceiptV2`` element → :class:`ReceiptInfo` (amounts in cents)."""
    payment_date_time = _opt(receipt, "paymentDateTime")
    application_date = _opt(receipt, "applicationDate")
    transfer_date = _opt(receipt, "transferDate")
    stand_in = _opt(receipt, "standIn")
    return ReceiptInfo(
        receipt_id=_text(receipt, "receiptId"),
        notice_number=_text(receipt, "noticeNumber"),
        fiscal_code=_text(receipt, "fiscalCode"),
        outcome=_text(receipt, "outcome"),
        creditor_reference_id=_text(receipt, "creditorReferenceId"),
        amount_cents=cents(_text(receipt, "paymentAmount")),
        description=_text(receipt, "description"),
        company_name=_text(receipt, "companyName"),
        office_name=_opt(receipt, "officeName"),
        debtor=_subject(receipt.find("debtor")),
        transfers=_transfers(receipt),
        id_psp=_text(receipt, "idPSP"),
        psp_fiscal_code=_opt(receipt, "pspFiscalCode"),
        psp_partita_iva=_opt(receipt, "pspPartitaIVA"),
        psp_company_name=_text(receipt, "PSPCompanyName"),
        id_channel=_text(receipt, "idChannel"),
        channel_description=_text(receipt, "channelDescription"),
        payer=_subject(receipt.find("payer")),
        payment_method=_opt(receipt, "paymentMethod"),
        payment_note=_opt(receipt, "paymentNote"),
        fee_cents=_opt_cents(receipt, "fee"),
        primary_ci_incurred_fee_cents=_opt_cents(receipt, "primaryCiIncurredFee"),
        id_bundle=_opt(receipt, "idBundle"),
        id_ci_bundle=_opt(receipt, "idCiBundle"),
        payment_date_time=parse_datetime(payment_date_time) if payment_date_time else None,
        application_date=parse_date(application_date) if application_date else None,
        transfer_date=parse_date(transfer_date) if transfer_date else None,
        metadata=_metadata(receipt),
        stand_in=parse_bool(stand_in) if stand_in is not None else None,
    )


def _read_verify_request(payload: etree._Element, _operation: Operation) -> VerifyRequest:
    return VerifyRequest(
        header=_header(payload),
        fiscal_code=_text(payload, "qrCode/fiscalCode"),
        notice_number=_text(payload, "qrCode/noticeNumber"),
    )


def _read_get_payment_request(payload: etree._Element, operation: Operation) -> GetPaymentRequest:
    due_date = _opt(payload, "dueDate")
    return GetPaymentRequest(
        header=_header(payload),
        fiscal_code=_text(payload, "qrCode/fiscalCode"),
        notice_number=_text(payload, "qrCode/noticeNumber"),
        amount_cents=_opt_cents(payload, "amount"),
        payment_note=_opt(payload, "paymentNote"),
        transfer_type=_opt(payload, "transferType"),
        due_date=parse_date(due_date) if due_date else None,
        version=2 if operation is Operation.GET_PAYMENT_V2 else 1,
    )


def _read_send_rt_request(payload: etree._Element, operation: Operation) -> SendRTRequest:
    return SendRTRequest(
        header=_header(payload),
        receipt=read_receipt(payload.find("receipt")),
        version=2 if operation is Operation.SEND_RT_V2 else 1,
    )


_REQUEST_READERS = {
    Operation.VERIFY: _read_verify_request,
    Operation.GET_PAYMENT: _read_get_payment_request,
    Operation.GET_PAYMENT_V2: _read_get_payment_request,
    Operation.SEND_RT: _read_send_rt_request,
    Operation.SEND_RT_V2: _read_send_rt_request,
}

__all__ = ["ParsedRequest", "element_children", "parse_request", "parse_response"]
