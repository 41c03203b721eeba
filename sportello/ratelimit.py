"""Rate limits on public forms, per client address (django-ratelimit underneath)."""

from __future__ import annotations

from django.conf import settings
from django_ratelimit.core import is_ratelimited


def client_address(group: str, request) -> str:
    """The client's address: REMOTE_ADDR, or the first hop of a trusted proxy header."""
    header = settings.CLIENT_IP_HEADER
    if header and request.META.get(header):
        return request.META[header].split(",")[0].strip()
    return request.META.get("REMOTE_ADDR", "")


def over_limit(request, group: str, rate: str) -> bool:
    """Count this request against ``group`` and tell whether the limit is exceeded."""
    limited = is_ratelimited(request, group=group, key=client_address, rate=rate,
                             increment=True)
    if limited:
        from sportello.logging_config import security_event

        security_event("rate_limited", request, group=group)
    return limited
