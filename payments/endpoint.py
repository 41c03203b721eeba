"""``/pagopa/paForNode``: the SOAP 1.1 endpoint of the Ente's station, called by the Node.

Business outcomes are KO responses in the operation's element (HTTP 200); only a request
whose operation cannot be told, or a caller that is not the Node, gets an envelope
SOAP Fault. An unexpected error answers PAA_SYSTEM_ERROR (details only in our log) —
except for receipts: there a failure answers HTTP 500, which the Node treats as "EC
not reachable" and retries (a KO would be final, RULES §8).
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed
from django.views.decorators.csrf import csrf_exempt

from pagopa import soap
from pagopa.messages import Fault, FaultCode, Operation
from pagopa.soap import PA_FOR_NODE_XSD, SCHEMAS_DIR
from payments import ec, node_auth, receipts
from sportello.logging_config import security_event

log = logging.getLogger(__name__)

XML = "text/xml; charset=utf-8"
_ID_PA = re.compile(rb"<idPA>\s*([0-9A-Za-z_]{1,35})\s*</idPA>")
_DEMAND = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?paDemandPaymentNoticeRequest[\s/>]")
_SCHEMAS = {"paForNode": PA_FOR_NODE_XSD,
            "common": SCHEMAS_DIR / "xsd-common" / "sac-common-types-1.0.xsd"}


def _xml(body: bytes, status: int = 200) -> HttpResponse:
    return HttpResponse(body, content_type=XML, status=status)


def endpoint_url() -> str:
    return f"{settings.SITE_URL}/pagopa/paForNode"


@csrf_exempt
def pa_for_node(request):
    if request.method == "GET" and "wsdl" in request.GET:
        text = soap.wsdl_text(endpoint_url(),
                              xsd_location=f"{settings.SITE_URL}/pagopa/wsdl/xsd/paForNode.xsd")
        return HttpResponse(text, content_type=XML)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    reason = node_auth.refusal(request)
    if reason:
        security_event("node_call_refused", request, reason=reason)
        return _xml(soap.build_soap_fault("Accesso non consentito"), status=403)
    body = request.read(soap.MAX_BODY_BYTES + 1)
    if _DEMAND.search(body[:4096]) or "paDemandPaymentNotice" in request.headers.get(
            "SOAPAction", ""):
        return _demand_refused(body)
    try:
        parsed = soap.parse_request(body, request.headers.get("SOAPAction"))
    except soap.SoapError as error:
        log.info("paForNode request rejected (%s): %s", error.fault_code, error)
        status = 200 if error.operation is not None else 500
        return _xml(soap.error_response(error, _fault_id(body)), status=status)
    return _answer(parsed, body)


def _demand_refused(body: bytes) -> HttpResponse:
    """paDemandPaymentNotice is not served (no service of ours is in pagoPA's Catalogo
    Servizi, and our WSDL does not offer it): a KO the Node can read, never a 500."""
    id_pa = _fault_id(body)
    log.info("paDemandPaymentNotice for %s refused: not served", id_pa)
    return _xml(soap.build_demand_refusal(Fault.of(
        FaultCode.SEMANTICA, id_pa,
        "paDemandPaymentNotice is not offered: no service of this Ente allows spontaneous "
        "payments started at a PSP")))


def _fault_id(body: bytes) -> str:
    """``fault/id`` is the EC raising it: the idPA asked for, when readable."""
    match = _ID_PA.search(body[:4096])
    return match.group(1).decode() if match else "00000000000"


def _answer(parsed: soap.ParsedRequest, body: bytes) -> HttpResponse:
    operation = parsed.operation
    message = parsed.message
    id_pa = message.header.id_pa
    try:
        if operation is Operation.VERIFY:
            return _xml(soap.build_verify_response(ec.verify(message)))
        if operation in (Operation.GET_PAYMENT, Operation.GET_PAYMENT_V2):
            return _xml(soap.build_get_payment_response(ec.get_payment(message),
                                                        message.version))
        return _receive(message, body)
    except ec.EcFault as fault:
        log.info("paForNode %s for %s: %s", operation.value, id_pa, fault.code.value)
        return _xml(soap.build_fault_response(
            operation, Fault.of(fault.code, id_pa, fault.description)))
    except Exception:
        log.exception("paForNode %s for %s failed", operation.value, id_pa)
        if operation in (Operation.SEND_RT, Operation.SEND_RT_V2):
            return _xml(soap.build_soap_fault("Errore temporaneo, ritentare",
                                              "soapenv:Server"), status=500)
        return _xml(soap.build_fault_response(operation,
                                              Fault.of(FaultCode.SYSTEM_ERROR, id_pa)))


def _receive(message, body: bytes) -> HttpResponse:
    """Store and apply the receipt; acknowledge only after it is committed."""
    header = message.header
    organization = ec.ente(header.id_pa)
    if organization is None:
        raise ec.EcFault(FaultCode.ID_DOMINIO_ERRATO)
    raw = body.decode("utf-8", errors="replace")
    try:
        ec.check_station(organization, header)
    except ec.EcFault:
        # Ours, through the wrong station: keep it for staff, and tell the Node.
        receipts.receive(organization, message.receipt, raw, message.version,
                         wrong_station=True)
        raise
    result = receipts.receive(organization, message.receipt, raw, message.version)
    if result.duplicate:
        log.info("Receipt %s already stored: acknowledged again", message.receipt.receipt_id)
    return _xml(soap.build_send_rt_response(message.version))


def schema(request, name: str):
    """The XSDs the served WSDL imports (same relative layout as the shipped files)."""
    return HttpResponse(_SCHEMAS[name].read_bytes(), content_type=XML)

