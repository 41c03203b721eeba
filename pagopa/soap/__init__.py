"""paForNode SOAP messages (SOAP 1.1, document/literal) for the EC endpoint.

Public API:

* :func:`parse_request` — Node→EC request bytes → :class:`ParsedRequest`
  (raises :class:`SyntaxFault` → PAA_SINTASSI_EXTRAXSD, :class:`SchemaFault` →
  PAA_SINTASSI_XSD; both carry ``operation`` when known);
* ``build_*_response`` / :func:`build_fault_response` — EC answers, XSD-validated;
* ``build_*_request`` / :func:`parse_response` — the Node side, for the sandbox;
* :func:`error_response` — the right answer for a :class:`SoapError`;
* :func:`wsdl_text` — the WSDL for ``?wsdl``.

Input and output are the dataclasses of :mod:`pagopa.messages`; no XML leaks out.
"""

from __future__ import annotations

from pagopa.messages import Fault
from pagopa.soap._build import (
    build_demand_refusal,
    build_fault_response,
    build_get_payment_request,
    build_get_payment_response,
    build_send_rt_request,
    build_send_rt_response,
    build_soap_fault,
    build_verify_request,
    build_verify_response,
)
from pagopa.soap._parse import (
    ParsedRequest,
    operation_from_soap_action,
    parse_request,
    parse_response,
)
from pagopa.soap._xml import (
    ENVELOPE_XSD,
    MAX_BODY_BYTES,
    NS_PA,
    NS_SOAP,
    PA_FOR_NODE_WSDL,
    PA_FOR_NODE_XSD,
    REQUEST_ELEMENTS,
    RESPONSE_ELEMENTS,
    SCHEMAS_DIR,
    InvalidMessageError,
    SchemaFault,
    SoapError,
    SyntaxFault,
)
from pagopa.soap.wsdl import wsdl_text


def error_response(error: SoapError, ec_fiscal_code: str) -> bytes:
    """Answer for a rejected request: a KO in the operation's response element.

    ``ec_fiscal_code`` fills ``fault/id`` (the EC raising the fault). When not even
    the operation could be identified, fall back to an envelope-level SOAP Fault.
    """
    if error.operation is None:
        return build_soap_fault(f"{error.fault_code.value}: {error}")
    fault = Fault.of(error.fault_code, ec_fiscal_code, description=str(error)[:1000])
    return build_fault_response(error.operation, fault)


__all__ = [
    "ENVELOPE_XSD",
    "MAX_BODY_BYTES",
    "NS_PA",
    "NS_SOAP",
    "PA_FOR_NODE_WSDL",
    "PA_FOR_NODE_XSD",
    "REQUEST_ELEMENTS",
    "RESPONSE_ELEMENTS",
    "SCHEMAS_DIR",
    "InvalidMessageError",
    "ParsedRequest",
    "SchemaFault",
    "SoapError",
    "SyntaxFault",
    "build_demand_refusal",
    "build_fault_response",
    "build_get_payment_request",
    "build_get_payment_response",
    "build_send_rt_request",
    "build_send_rt_response",
    "build_soap_fault",
    "build_verify_request",
    "build_verify_response",
    "error_response",
    "operation_from_soap_action",
    "parse_request",
    "parse_response",
    "wsdl_text",
]
