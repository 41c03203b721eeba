"""Low-level XML plumbing shared by the paForNode builders and parsers.

Everything that touches untrusted bytes goes through :func:`parse_envelope`, which
uses a hardened lxml parser and refuses DTDs before and after parsing. Schemas are
loaded from the copies shipped in ``pagopa/schemas`` so production never reads the
spec folder.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path

from lxml import etree

from pagopa.messages import FaultCode, Operation

NS_PA = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"
NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
NS_SOAP12 = "http://www.w3.org/2003/05/soap-envelope"

#: Largest request body accepted; a paSendRTV2 with five transfers is ~6 KiB, so
#: 1 MiB leaves room for @e.bollo attachments while bounding parser work.
MAX_BODY_BYTES = 1024 * 1024

SCHEMAS_DIR = Path(__file__).resolve().parent.parent / "schemas"
PA_FOR_NODE_XSD = SCHEMAS_DIR / "wsdl" / "xsd" / "paForNode.xsd"
PA_FOR_NODE_WSDL = SCHEMAS_DIR / "wsdl" / "paForNode.wsdl"
ENVELOPE_XSD = SCHEMAS_DIR / "xsd-common" / "envelope.xsd"

REQUEST_ELEMENTS: dict[Operation, str] = {
    Operation.VERIFY: "paVerifyPaymentNoticeReq",
    Operation.GET_PAYMENT: "paGetPaymentReq",
    Operation.GET_PAYMENT_V2: "paGetPaymentV2Request",
    Operation.SEND_RT: "paSendRTReq",
    Operation.SEND_RT_V2: "paSendRTV2Request",
}
RESPONSE_ELEMENTS: dict[Operation, str] = {
    Operation.VERIFY: "paVerifyPaymentNoticeRes",
    Operation.GET_PAYMENT: "paGetPaymentRes",
    Operation.GET_PAYMENT_V2: "paGetPaymentV2Response",
    Operation.SEND_RT: "paSendRTRes",
    Operation.SEND_RT_V2: "paSendRTV2Response",
}
OPERATION_BY_REQUEST = {name: op for op, name in REQUEST_ELEMENTS.items()}
OPERATION_BY_RESPONSE = {name: op for op, name in RESPONSE_ELEMENTS.items()}

_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY")


class SoapError(Exception):
    """A request the EC cannot serve; ``fault_code`` says which KO to answer.

    ``operation`` is known whenever the body (or the SOAPAction) identified it, so
    the caller can answer with that operation's response element.
    """

    fault_code: FaultCode = FaultCode.SINTASSI_EXTRAXSD

    def __init__(self, message: str, operation: Operation | None = None) -> None:
        super().__init__(message)
        self.operation = operation


class SyntaxFault(SoapError):
    """Not well-formed, DTD present, too large, not SOAP 1.1, unknown operation."""

    fault_code = FaultCode.SINTASSI_EXTRAXSD


class SchemaFault(SoapError):
    """Well-formed SOAP whose payload is not valid against paForNode.xsd."""

    fault_code = FaultCode.SINTASSI_XSD


class InvalidMessageError(ValueError):
    """A message we were asked to build does not validate: a bug in the caller's data."""


def safe_parser() -> etree.XMLParser:
    """A fresh parser that never loads DTDs, expands entities or touches the network.

    A new one per call because lxml parser objects must not be shared across threads.
    """
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_pis=True,
    )


def parse_xml(body: bytes, operation: Operation | None = None) -> etree._Element:
    """Parse untrusted bytes; any DTD (hence any entity declaration) is refused."""
    if len(body) > MAX_BODY_BYTES:
        raise SyntaxFault(f"body larger than {MAX_BODY_BYTES} bytes", operation)
    if any(marker in body for marker in _DTD_MARKERS):
        raise SyntaxFault("DOCTYPE/ENTITY declarations are not allowed", operation)
    try:
        root = etree.fromstring(body, parser=safe_parser())
    except etree.XMLSyntaxError as exc:
        raise SyntaxFault(f"malformed XML: {exc}", operation) from None
    docinfo = root.getroottree().docinfo
    # Catches DTDs hidden from the byte scan by a non-ASCII-compatible encoding.
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise SyntaxFault("DOCTYPE declarations are not allowed", operation)
    return root


def element_children(parent: etree._Element) -> list[etree._Element]:
    """Child elements, skipping comments and processing instructions."""
    return [child for child in parent if isinstance(child.tag, str)]


def envelope_payload(root: etree._Element, operation: Operation | None = None) -> etree._Element:
    """The single element inside a SOAP 1.1 ``Body``."""
    if root.tag == f"{{{NS_SOAP12}}}Envelope":
        raise SyntaxFault("SOAP 1.2 is not supported by paForNode (SOAP 1.1 only)", operation)
    if root.tag != f"{{{NS_SOAP}}}Envelope":
        raise SyntaxFault("root element is not a SOAP 1.1 Envelope", operation)
    bodies = [c for c in element_children(root) if c.tag == f"{{{NS_SOAP}}}Body"]
    if len(bodies) != 1:
        raise SyntaxFault("SOAP Envelope must contain exactly one Body", operation)
    payload = element_children(bodies[0])
    if len(payload) != 1:
        raise SyntaxFault("SOAP Body must contain exactly one element", operation)
    return payload[0]


def local_name(element: etree._Element) -> tuple[str | None, str]:
    """(namespace, local name) of an element."""
    qname = etree.QName(element)
    return qname.namespace, qname.localname


@cache
def _schema() -> etree.XMLSchema:
    """paForNode.xsd, parsed once per process; call it only under ``_schema_lock``."""
    return etree.XMLSchema(etree.parse(str(PA_FOR_NODE_XSD), parser=safe_parser()))


_schema_lock = threading.Lock()


def schema_errors(payload: etree._Element) -> str | None:
    """First XSD error for ``payload`` (validated as a document root), or None.

    Serialised by a lock: one XMLSchema object keeps one error log. The schema is also
    built under it: libxml2 sets up its built-in types on the first schema a process
    parses, and threads doing that at once fail ("not a built-in type", "not valid XML
    Schema"), which a new gunicorn worker's first concurrent Node calls did (a 500).
    """
    with _schema_lock:
        schema = _schema()
        if schema.validate(payload):
            return None
        error = schema.error_log.last_error
    return f"line {error.line}: {error.message}" if error else "invalid against paForNode.xsd"


# --- value conversions -------------------------------------------------------------------

_DATE = re.compile(r"^(-?\d{4,}-\d{2}-\d{2})(Z|[+-]\d{2}:\d{2})?$")
_FRACTION = re.compile(r"\.(\d{6})\d+")


def amount_text(cents: int) -> str:
    """Euro-cents → ``stAmount`` text (always two decimals, as the pattern demands)."""
    if isinstance(cents, bool) or not isinstance(cents, int) or cents < 0:
        raise InvalidMessageError(f"amount must be a non-negative int of cents, got {cents!r}")
    return f"{cents // 100}.{cents % 100:02d}"


def cents(text: str) -> int:
    """``stAmount`` text → euro-cents, exact (no float on the way)."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"not an amount: {text!r}") from None
    scaled = value * 100
    if scaled != scaled.to_integral_value():
        raise ValueError(f"amount with more than two decimals: {text!r}")
    return int(scaled)


def parse_date(text: str) -> dt.date:
    """``xsd:date`` (timezone suffix allowed and ignored: a due date is a calendar day)."""
    match = _DATE.match(text.strip())
    if not match:
        raise ValueError(f"not a date: {text!r}")
    return dt.date.fromisoformat(match.group(1))


def parse_datetime(text: str) -> dt.datetime:
    """``xsd:dateTime``; naive when the sender gave no offset (pagoPA usually does not)."""
    return dt.datetime.fromisoformat(_FRACTION.sub(r".\1", text.strip()))


def parse_bool(text: str) -> bool:
    return text.strip() in ("true", "1")


def bool_text(value: bool) -> str:
    return "true" if value else "false"
