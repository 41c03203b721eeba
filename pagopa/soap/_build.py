"""Builders: messages dataclasses → XSD-valid SOAP 1.1 envelopes (bytes).

Elements are written in XSD sequence order with lxml; every payload is validated
against paForNode.xsd before it leaves, so a caller bug (e.g. a 200-character
description) surfaces as :class:`InvalidMessageError` instead of a Node-side rejection.
"""

from __future__ import annotations

import base64
import datetime as dt

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
    SendRTRequest,
    TransferInfo,
    VerifyRequest,
)
from pagopa.soap._xml import (
    NS_PA,
    NS_SOAP,
    REQUEST_ELEMENTS,
    RESPONSE_ELEMENTS,
    InvalidMessageError,
    amount_text,
    bool_text,
    schema_errors,
)

_Value = str | int | bool | dt.date | None


def _text(value: _Value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return bool_text(value)
    if isinstance(value, dt.date):  # datetime is a date too: isoformat covers both
        return value.isoformat()
    return str(value)


def _add(parent: etree._Element, name: str, value: _Value) -> etree._Element | None:
    """Append ``<name>value</name>`` (unqualified, as the XSD wants); skip None."""
    text = _text(value)
    if text is None:
        return None
    child = etree.SubElement(parent, name)
    child.text = text
    return child


def _amount(parent: etree._Element, name: str, cents: int | None) -> None:
    if cents is not None:
        _add(parent, name, amount_text(cents))


def _root(element_name: str) -> etree._Element:
    return etree.Element(f"{{{NS_PA}}}{element_name}", nsmap={"pafn": NS_PA})


def _envelope(payload: etree._Element) -> bytes:
    """Validate the payload, wrap it in a SOAP 1.1 envelope and serialise as UTF-8."""
    error = schema_errors(payload)
    if error:
        raise InvalidMessageError(f"{etree.QName(payload).localname}: {error}")
    envelope = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soapenv": NS_SOAP})
    etree.SubElement(envelope, f"{{{NS_SOAP}}}Header")
    body = etree.SubElement(envelope, f"{{{NS_SOAP}}}Body")
    body.append(payload)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


# --- shared complex types -----------------------------------------------------------------


def _metadata(parent: etree._Element, metadata: Metadata) -> None:
    if not metadata:
        return
    container = etree.SubElement(parent, "metadata")
    for key, value in metadata:
        entry = etree.SubElement(container, "mapEntry")
        _add(entry, "key", key)
        _add(entry, "value", value)


def _subject(parent: etree._Element, name: str, subject: DebtorInfo | None) -> None:
    if subject is None:
        return
    element = etree.SubElement(parent, name)
    identifier = etree.SubElement(element, "uniqueIdentifier")
    _add(identifier, "entityUniqueIdentifierType", subject.id_type)
    _add(identifier, "entityUniqueIdentifierValue", subject.id_value)
    _add(element, "fullName", subject.full_name)
    _add(element, "streetName", subject.street_name)
    _add(element, "civicNumber", subject.civic_number)
    _add(element, "postalCode", subject.postal_code)
    _add(element, "city", subject.city)
    _add(element, "stateProvinceRegion", subject.state_province_region)
    _add(element, "country", subject.country)
    _add(element, "e-mail", subject.email)


def _transfer_target(parent: etree._Element, transfer: TransferInfo, kind: str) -> None:
    """The IBAN | richiestaMarcaDaBollo | MBDAttachment choice, checked per type."""
    if kind == "v1":
        if transfer.iban is None or transfer.stamp or transfer.mbd_attachment:
            raise InvalidMessageError(f"transfer {transfer.id_transfer}: V1 needs an IBAN only")
        _add(parent, "IBAN", transfer.iban)
        return
    alternative = transfer.stamp if kind == "v2" else transfer.mbd_attachment
    other = transfer.mbd_attachment if kind == "v2" else transfer.stamp
    if other is not None or (transfer.iban is None) == (alternative is None):
        raise InvalidMessageError(
            f"transfer {transfer.id_transfer}: exactly one of IBAN / "
            f"{'stamp' if kind == 'v2' else 'mbd_attachment'} is required"
        )
    if transfer.iban is not None:
        _add(parent, "IBAN", transfer.iban)
    elif transfer.stamp is not None:
        stamp = etree.SubElement(parent, "richiestaMarcaDaBollo")
        _add(stamp, "hashDocumento", base64.b64encode(transfer.stamp.hash_documento).decode())
        _add(stamp, "tipoBollo", transfer.stamp.tipo_bollo)
        _add(stamp, "provinciaResidenza", transfer.stamp.provincia_residenza)
    elif transfer.mbd_attachment is not None:
        _add(parent, "MBDAttachment", base64.b64encode(transfer.mbd_attachment).decode())


def _transfers(parent: etree._Element, transfers: tuple[TransferInfo, ...], kind: str) -> None:
    """``transferList``; ``kind`` is "v1" (ctTransferPA), "v2" or "receipt_v2"."""
    container = etree.SubElement(parent, "transferList")
    for transfer in transfers:
        element = etree.SubElement(container, "transfer")
        _add(element, "idTransfer", transfer.id_transfer)
        _amount(element, "transferAmount", transfer.amount_cents)
        _add(element, "fiscalCodePA", transfer.fiscal_code_pa)
        if kind != "v1":
            _add(element, "companyName", transfer.company_name)
        _transfer_target(element, transfer, kind)
        _add(element, "remittanceInformation", transfer.remittance_information)
        _add(element, "transferCategory", transfer.transfer_category)
        _metadata(element, transfer.metadata)


def _header(parent: etree._Element, header: RequestHeader) -> None:
    _add(parent, "idPA", header.id_pa)
    _add(parent, "idBrokerPA", header.id_broker_pa)
    _add(parent, "idStation", header.id_station)


def _qr_code(parent: etree._Element, fiscal_code: str, notice_number: str) -> None:
    qr_code = etree.SubElement(parent, "qrCode")
    _add(qr_code, "fiscalCode", fiscal_code)
    _add(qr_code, "noticeNumber", notice_number)


def _fault(parent: etree._Element, fault: Fault) -> None:
    element = etree.SubElement(parent, "fault")
    _add(element, "faultCode", fault.fault_code)
    _add(element, "faultString", fault.fault_string)
    _add(element, "id", fault.id)
    _add(element, "description", fault.description)
    _add(element, "serial", fault.serial)
    _add(element, "originalFaultCode", fault.original_fault_code)
    _add(element, "originalFaultString", fault.original_fault_string)
    _add(element, "originalDescription", fault.original_description)


# --- EC responses -------------------------------------------------------------------------


def build_verify_response(info: PaymentNoticeInfo) -> bytes:
    """Positive paVerifyPaymentNoticeRes with its single payment option."""
    root = _root(RESPONSE_ELEMENTS[Operation.VERIFY])
    _add(root, "outcome", "OK")
    option = etree.SubElement(etree.SubElement(root, "paymentList"), "paymentOptionDescription")
    _amount(option, "amount", info.amount_cents)
    _add(option, "options", info.options)
    _add(option, "dueDate", info.due_date)
    _add(option, "detailDescription", info.detail_description)
    _add(option, "allCCP", info.all_ccp)
    _add(root, "paymentDescription", info.payment_description)
    _add(root, "fiscalCodePA", info.fiscal_code_pa)
    _add(root, "companyName", info.company_name)
    _add(root, "officeName", info.office_name)
    return _envelope(root)


def build_get_payment_response(info: PaymentInfo, version: int = 2) -> bytes:
    """Positive paGetPaymentRes (``version=1``) or paGetPaymentV2Response."""
    operation = _get_payment_operation(version)
    root = _root(RESPONSE_ELEMENTS[operation])
    _add(root, "outcome", "OK")
    data = etree.SubElement(root, "data")
    _add(data, "creditorReferenceId", info.creditor_reference_id)
    _amount(data, "paymentAmount", info.amount_cents)
    _add(data, "dueDate", info.due_date)
    _add(data, "retentionDate", info.retention_date)
    _add(data, "lastPayment", info.last_payment)
    _add(data, "description", info.description)
    _add(data, "companyName", info.company_name)
    _add(data, "officeName", info.office_name)
    _subject(data, "debtor", info.debtor)
    _transfers(data, info.transfers, "v2" if version == 2 else "v1")
    _metadata(data, info.metadata)
    return _envelope(root)


def build_send_rt_response(version: int = 2) -> bytes:
    """Positive paSendRTRes / paSendRTV2Response: the receipt has been stored."""
    root = _root(RESPONSE_ELEMENTS[_send_rt_operation(version)])
    _add(root, "outcome", "OK")
    return _envelope(root)


def build_fault_response(operation: Operation, fault: Fault) -> bytes:
    """KO response (outcome KO + fault bean) in ``operation``'s response element.

    pagoPA carries business errors in the body, not as SOAP Faults.
    """
    root = _root(RESPONSE_ELEMENTS[Operation(operation)])
    _add(root, "outcome", "KO")
    _fault(root, fault)
    return _envelope(root)


#: paDemandPaymentNotice's response element (an operation the Ente does not serve).
DEMAND_RESPONSE = "paDemandPaymentNoticeResponse"


def build_demand_refusal(fault: Fault) -> bytes:
    """KO paDemandPaymentNoticeResponse: a well-formed "no" to an operation we do not
    serve, so the Node gets an answer and never an HTTP 500."""
    root = _root(DEMAND_RESPONSE)
    _add(root, "outcome", "KO")
    _fault(root, fault)
    return _envelope(root)


def build_soap_fault(fault_string: str, fault_code: str = "soapenv:Client") -> bytes:
    """Envelope-level SOAP 1.1 Fault, only for requests whose operation is unknown.

    With no recognisable operation there is no response element to carry a KO, so
    the standard SOAP Fault is the only well-formed answer left.
    """
    envelope = etree.Element(f"{{{NS_SOAP}}}Envelope", nsmap={"soapenv": NS_SOAP})
    body = etree.SubElement(envelope, f"{{{NS_SOAP}}}Body")
    fault = etree.SubElement(body, f"{{{NS_SOAP}}}Fault")
    _add(fault, "faultcode", fault_code)
    _add(fault, "faultstring", fault_string)
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


# --- Node requests (used by the sandbox that plays the Node) ------------------------------


def build_verify_request(request: VerifyRequest) -> bytes:
    root = _root(REQUEST_ELEMENTS[Operation.VERIFY])
    _header(root, request.header)
    _qr_code(root, request.fiscal_code, request.notice_number)
    return _envelope(root)


def build_get_payment_request(request: GetPaymentRequest) -> bytes:
    root = _root(REQUEST_ELEMENTS[_get_payment_operation(request.version)])
    _header(root, request.header)
    _qr_code(root, request.fiscal_code, request.notice_number)
    _amount(root, "amount", request.amount_cents)
    _add(root, "paymentNote", request.payment_note)
    _add(root, "transferType", request.transfer_type)
    _add(root, "dueDate", request.due_date)
    return _envelope(root)


def build_send_rt_request(request: SendRTRequest) -> bytes:
    v2 = request.version == 2
    root = _root(REQUEST_ELEMENTS[_send_rt_operation(request.version)])
    _header(root, request.header)
    receipt = request.receipt
    if not v2 and _v2_only_fields(receipt):
        raise InvalidMessageError(f"paSendRT (V1) cannot carry {_v2_only_fields(receipt)}")
    element = etree.SubElement(root, "receipt")
    _add(element, "receiptId", receipt.receipt_id)
    _add(element, "noticeNumber", receipt.notice_number)
    _add(element, "fiscalCode", receipt.fiscal_code)
    _add(element, "outcome", receipt.outcome)
    _add(element, "creditorReferenceId", receipt.creditor_reference_id)
    _amount(element, "paymentAmount", receipt.amount_cents)
    _add(element, "description", receipt.description)
    _add(element, "companyName", receipt.company_name)
    _add(element, "officeName", receipt.office_name)
    _subject(element, "debtor", receipt.debtor)
    _transfers(element, receipt.transfers, "receipt_v2" if v2 else "v1")
    _add(element, "idPSP", receipt.id_psp)
    _add(element, "pspFiscalCode", receipt.psp_fiscal_code)
    _add(element, "pspPartitaIVA", receipt.psp_partita_iva)
    _add(element, "PSPCompanyName", receipt.psp_company_name)
    _add(element, "idChannel", receipt.id_channel)
    _add(element, "channelDescription", receipt.channel_description)
    _subject(element, "payer", receipt.payer)
    _add(element, "paymentMethod", receipt.payment_method)
    _add(element, "paymentNote", receipt.payment_note)
    _amount(element, "fee", receipt.fee_cents)
    _amount(element, "primaryCiIncurredFee", receipt.primary_ci_incurred_fee_cents)
    _add(element, "idBundle", receipt.id_bundle)
    _add(element, "idCiBundle", receipt.id_ci_bundle)
    _add(element, "paymentDateTime", receipt.payment_date_time)
    _add(element, "applicationDate", receipt.application_date)
    _add(element, "transferDate", receipt.transfer_date)
    _metadata(element, receipt.metadata)
    _add(element, "standIn", receipt.stand_in)
    return _envelope(root)


def _v2_only_fields(receipt: ReceiptInfo) -> list[str]:
    names = ("payment_note", "primary_ci_incurred_fee_cents", "id_bundle", "id_ci_bundle")
    return [name for name in names if getattr(receipt, name) is not None]


def _get_payment_operation(version: int) -> Operation:
    if version not in (1, 2):
        raise ValueError(f"paGetPayment version must be 1 or 2, got {version!r}")
    return Operation.GET_PAYMENT_V2 if version == 2 else Operation.GET_PAYMENT


def _send_rt_operation(version: int) -> Operation:
    if version not in (1, 2):
        raise ValueError(f"paSendRT version must be 1 or 2, got {version!r}")
    return Operation.SEND_RT_V2 if version == 2 else Operation.SEND_RT
