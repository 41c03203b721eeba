"""Who may call the EC endpoint: the pagoPA Node, recognised as a station would.

Two independent checks, set by environment (see settings): the client address must be
in ``PAGOPA_NODE_ALLOWED_IPS`` (addresses or CIDR networks) and/or the request must carry
``PAGOPA_NODE_SECRET`` in the ``PAGOPA_NODE_SECRET_HEADER`` header. With neither
configured nobody gets in (production refuses to start that way anyway).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.utils.crypto import constant_time_compare

from sportello.clientip import client_ip


def _networks(values: list[str]) -> list[ipaddress.IPv4Network | ipaddress.IPv6Network]:
    return [ipaddress.ip_network(value, strict=False) for value in values]


def refusal(request) -> str | None:
    """Why this request may not call paForNode, or None when it may."""
    secret = settings.PAGOPA_NODE_SECRET
    allowed = settings.PAGOPA_NODE_ALLOWED_IPS
    if not secret and not allowed:
        return "no Node authentication configured"
    if secret:
        given = request.headers.get(settings.PAGOPA_NODE_SECRET_HEADER, "")
        if not constant_time_compare(given, secret):
            return "missing or wrong shared secret"
    if allowed:
        address = client_ip(request)
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            return f"unreadable client address {address!r}"
        if not any(ip in network for network in _networks(allowed)):
            return f"address {address} not allowed"
    return None
