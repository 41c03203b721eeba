"""Issuing, revoking and checking the Ente's API tokens.

A token reads ``spt_<prefix>_<secret>``: 256 random bits, of which only the SHA-256 of
the whole string is stored, so a database leak gives no usable token. Lookups go by that
hash (an index), which reveals nothing a caller could use to guess one.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from api.models import ApiToken
from audit.log import log_action
from organizations.models import Organization

TOKEN_PREFIX = "spt_"  # noqa: S105 - the visible kind, not a secret
#: Longest string accepted as a token (anything longer is refused before hashing).
MAX_TOKEN_LENGTH = 128
#: ``last_used_at`` is written at most this often per token (not one UPDATE per call).
LAST_USED_PRECISION = timedelta(minutes=1)


def hash_secret(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def _new_raw() -> tuple[str, str]:
    prefix = secrets.token_hex(4)
    return prefix, f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"


@transaction.atomic
def issue_token(organization: Organization, name: str, *, created_by=None, request=None,
                raw: str | None = None) -> tuple[ApiToken, str]:
    """A new token for ``organization``; returns it with the secret, which is never
    readable again. ``raw`` fixes the secret (the published demo token only)."""
    if raw is None:
        prefix, raw = _new_raw()
    else:
        prefix = raw.removeprefix(TOKEN_PREFIX).split("_", 1)[0][:16]
    token = ApiToken.objects.create(organization=organization, name=name.strip(),
                                    prefix=prefix, secret_hash=hash_secret(raw),
                                    created_by=created_by)
    log_action("api_token.created", obj=token, request=request, actor=created_by,
               organization=organization, data={"name": token.name, "prefix": prefix})
    return token, raw


@transaction.atomic
def revoke_token(token: ApiToken, *, revoked_by=None, request=None) -> ApiToken:
    """Revoke at once and for good; revoking twice changes nothing."""
    locked = ApiToken.objects.select_for_update().get(pk=token.pk)
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.revoked_by = revoked_by
        locked.save(update_fields=["revoked_at", "revoked_by"])
        log_action("api_token.revoked", obj=locked, request=request, actor=revoked_by,
                   organization=locked.organization,
                   data={"name": locked.name, "prefix": locked.prefix})
    return locked


def authenticate(raw: str) -> ApiToken | None:
    """The active token ``raw`` is, with its Ente, or None."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH or not raw.startswith(TOKEN_PREFIX):
        return None
    token = (ApiToken.objects.active().select_related("organization")
             .filter(secret_hash=hash_secret(raw)).first())
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token
