"""Which addresses Sportello may POST to (against SSRF: the portal must not become a way
to reach the machines beside it).

- ``https://`` to a host whose every address is public (``ipaddress.is_global``, not
  multicast). Checked when the endpoint is saved and again before each attempt, since
  a name may later resolve elsewhere (a DNS rebinding between the check and the connection
  stays possible: run the workers where the private network is not reachable if that
  matters).
- Private, loopback, link-local, shared (100.64/10) and reserved addresses only when
  ``WEBHOOKS_ALLOW_PRIVATE_TARGETS`` is on (default: ``DEBUG``; off in production unless
  an Ente's systems live on its intranet and the operator says so).
- ``http://`` only to a loopback host, and only under the same setting (a developer's
  receiver, the tests); never credentials in the URL.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LOOPBACK_NAMES = {"localhost"}


def _addresses(host: str, port: int) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        return [ipaddress.ip_address(host)]
    except ValueError:
        pass
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as exc:
        raise ValidationError(_("Il nome %(host)s non corrisponde a nessun indirizzo.")
                              % {"host": host}) from exc
    return [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]


def _public(address) -> bool:
    return address.is_global and not address.is_multicast


def check_url(url: str) -> None:
    """Refuse, with an Italian reason, an address Sportello must not call."""
    parts = urlsplit(url)
    allow_private = settings.WEBHOOKS_ALLOW_PRIVATE_TARGETS
    if parts.username or parts.password:
        raise ValidationError(_("L'indirizzo non può contenere nome utente o password."))
    host = (parts.hostname or "").lower()
    if not host:
        raise ValidationError(_("Scrivi un indirizzo completo, ad esempio "
                                "https://gestionale.comune.it/pagopa/eventi."))
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError as exc:
        raise ValidationError(_("La porta dell'indirizzo non è valida.")) from exc
    addresses = _addresses(host, port)
    loopback = host in LOOPBACK_NAMES or all(a.is_loopback for a in addresses)
    if parts.scheme == "http":
        if not (allow_private and loopback):
            raise ValidationError(_("L'indirizzo deve iniziare con https:// (http:// è "
                                    "ammesso solo verso questo computer, in sviluppo)."))
    elif parts.scheme != "https":
        raise ValidationError(_("L'indirizzo deve iniziare con https://."))
    if not allow_private and not all(_public(a) for a in addresses):
        raise ValidationError(_("L'indirizzo porta a una rete privata o riservata: "
                                "Sportello invia le notifiche solo a indirizzi pubblici."))
