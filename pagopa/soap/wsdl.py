"""The paForNode WSDL as served on ``?wsdl``, pointing at this installation."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from pagopa.soap._xml import PA_FOR_NODE_WSDL

_ADDRESS = re.compile(r'(<soap:address\s+location=)"[^"]*"')
_SCHEMA_LOCATION = re.compile(r'(<xsd:import\s+schemaLocation=)"xsd/paForNode\.xsd"')
#: Operations the Ente does not serve: spontaneous payments started at a PSP
#: (paDemandPaymentNotice) need the service's form in pagoPA's Catalogo Servizi, which no
#: service of ours has; the WSDL we serve does not offer what we would refuse.
NOT_SERVED = ("paDemandPaymentNotice",)


def _without(text: str, operation: str) -> str:
    """``text`` minus the operation's messages, portType and binding entries."""
    name = re.escape(operation)
    blocks = (rf'\s*<wsdl:message name="{name}(?:Response)?">.*?</wsdl:message>',
              rf'\s*<wsdl:operation name="{name}">.*?</wsdl:operation>')
    for block in blocks:
        text, count = re.subn(block, "", text, flags=re.DOTALL)
        if not count:
            raise RuntimeError(f"shipped WSDL has no {operation} to remove")
    return text


def wsdl_text(location: str, xsd_location: str | None = None,
              not_served: tuple[str, ...] = NOT_SERVED) -> str:
    """Shipped WSDL with ``soap:address/@location`` set to ``location``.

    The WSDL imports its schema by the relative path ``xsd/paForNode.xsd``; pass
    ``xsd_location`` when that path is not served next to the endpoint. The operations in
    ``not_served`` are removed; only these change: the rest stays byte-identical to the
    official file.
    """
    text = PA_FOR_NODE_WSDL.read_text(encoding="utf-8")
    for operation in not_served:
        text = _without(text, operation)
    text, count = _ADDRESS.subn(lambda m: m.group(1) + quoteattr(location), text)
    if count != 1:
        raise RuntimeError("shipped WSDL has no single soap:address to rewrite")
    if xsd_location is not None:
        text = _SCHEMA_LOCATION.sub(lambda m: m.group(1) + quoteattr(xsd_location), text)
    return text
