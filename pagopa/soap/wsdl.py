"""The paForNode WSDL as served on ``?wsdl``, pointing at this installation."""

from __future__ import annotations

import re
from xml.sax.saxutils import quoteattr

from pagopa.soap._xml import PA_FOR_NODE_WSDL

_ADDRESS = re.compile(r'(<soap:address\s+location=)"[^"]*"')
_SCHEMA_LOCATION = re.compile(r'(<xsd:import\s+schemaLocation=)"xsd/paForNode\.xsd"')


def wsdl_text(location: str, xsd_location: str | None = None) -> str:
    """Shipped WSDL with ``soap:address/@location`` set to ``location``.

    The WSDL imports its schema by the relative path ``xsd/paForNode.xsd``; pass
    ``xsd_location`` when that path is not served next to the endpoint. Only these
    attributes change: the rest stays byte-identical to the official file.
    """
    text = PA_FOR_NODE_WSDL.read_text(encoding="utf-8")
    text, count = _ADDRESS.subn(lambda m: m.group(1) + quoteattr(location), text)
    if count != 1:
        raise RuntimeError("shipped WSDL has no single soap:address to rewrite")
    if xsd_location is not None:
        text = _SCHEMA_LOCATION.sub(lambda m: m.group(1) + quoteattr(xsd_location), text)
    return text
