"""Rate limits on public forms, per client address (django-ratelimit underneath)."""

from __future__ import annotations

from django_ratelimit.core import is_ratelimited

from sportello.clientip import client_ip


def client_address(group: str | None, request) -> str:
    """django-ratelimit's key signature around :func:`sportello.clientip.client_ip`."""
    return client_ip(request)


def over_limit(request, group: str, rate: str) -> bool:
    """Count this request against ``group`` and tell whether the limit is exceeded."""
    limited = is_ratelimited(request, group=group, key=client_address, rate=rate,
                             increment=True)
    if limited:
        from sportello.logging_config import security_event

        security_event("rate_limited", request, group=group)
    return limited
