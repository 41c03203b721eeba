"""The client's address, as the trusted reverse proxy saw it.

``X-Forwarded-For`` is a list that every proxy *appends* to: whatever a client writes in
it comes first, and only the entries on the right were added by proxies we run. So the
address is taken from the right:

* ``TRUSTED_PROXY_COUNT = N`` (N proxies in front of the portal, the nearest one being
  ``REMOTE_ADDR``): the N-th entry from the right is the address the outermost proxy
  saw. With fewer entries, the leftmost one (still written by one of our proxies).
* ``TRUSTED_PROXY_NETWORKS``: the header is read only when ``REMOTE_ADDR`` itself is in
  those networks; then entries are skipped from the right while they are proxies of
  ours, and the first one that is not is the client. With both settings, at most
  ``TRUSTED_PROXY_COUNT`` entries are walked.
* Neither (the default): ``REMOTE_ADDR``, and the header is ignored.

An entry that is not an address stops the walk at the last trusted one, so no client can
make up a new key for the rate limits by writing rubbish. One function for the rate limits,
django-axes, the Node's address list and the logs.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache

from django.conf import settings

Address = ipaddress.IPv4Address | ipaddress.IPv6Address
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_address(value: str) -> Address | None:
    """An address from a header entry or REMOTE_ADDR, or None when it is not one.

    Accepts what proxies write: ``1.2.3.4``, ``1.2.3.4:5678``, ``[2001:db8::1]:443``,
    ``2001:db8::1``; an IPv4-mapped IPv6 address counts as the IPv4 one."""
    value = value.strip().strip('"')
    if value.startswith("["):
        value = value[1:].split("]", 1)[0]
    elif value.count(":") == 1:
        value = value.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(value.split("%", 1)[0])
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        return address.ipv4_mapped
    return address


@lru_cache(maxsize=8)
def _networks(values: tuple[str, ...]) -> tuple[Network, ...]:
    return tuple(ipaddress.ip_network(value, strict=False) for value in values)


def _trusted(address: Address, networks: tuple[Network, ...]) -> bool:
    return any(address.version == net.version and address in net for net in networks)


def client_ip(request) -> str:
    """The client's address as text (normalised), or REMOTE_ADDR as given when unreadable."""
    remote_text = request.META.get("REMOTE_ADDR", "") or ""
    remote = parse_address(remote_text)
    count: int = settings.TRUSTED_PROXY_COUNT
    networks = _networks(tuple(settings.TRUSTED_PROXY_NETWORKS))
    if remote is None:
        return remote_text
    if not count and not networks:
        return str(remote)
    if networks and not _trusted(remote, networks):
        return str(remote)  # not through our proxy: the header is the client's own text
    header = request.headers.get(settings.TRUSTED_PROXY_HEADER, "")
    entries = [entry for entry in header.split(",") if entry.strip()]
    client = remote
    for hops, entry in enumerate(reversed(entries), start=1):
        address = parse_address(entry)
        if address is None:
            break
        client = address
        if count and hops >= count:
            break
        if networks and not _trusted(address, networks):
            break
    return str(client)
