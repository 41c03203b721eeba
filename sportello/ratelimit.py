"""Rate limits on public forms, per client address or per key (django-ratelimit underneath)."""

from __future__ import annotations

from django_ratelimit.core import is_ratelimited

from sportello.clientip import client_ip


def client_address(group: str | None, request) -> str:
    """django-ratelimit's key signature around :func:`sportello.clientip.client_ip`."""
    return client_ip(request)


def over_limit(request, group: str, rate: str, key: str | None = None,
               log: bool = True) -> bool:
    """Count this request against ``group`` and tell whether the limit is exceeded.

    Per client address, or per ``key`` when given (e.g. a codice fiscale: the counter is
    then shared by every address). ``log=False`` for soft thresholds that only ask for a
    human check, which are not security events."""
    counter = client_address if key is None else (lambda _group, _request: key)
    limited = is_ratelimited(request, group=group, key=counter, rate=rate, increment=True)
    if limited and log:
        from sportello.logging_config import security_event

        security_event("rate_limited", request, group=group)
    return limited
