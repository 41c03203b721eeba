"""Signed, expiring links for email activation and email change.

Nothing is stored: the link carries the account id and a fingerprint of what the link
may change. Once the change is made the fingerprint no longer matches, so every link
works once; the signature's timestamp makes it expire after ACCOUNT_ACTIVATION_HOURS.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.utils.crypto import constant_time_compare, salted_hmac

from accounts.models import User

ACTIVATION_SALT = "accounts.activation"
EMAIL_CHANGE_SALT = "accounts.email-change"


class LinkState(enum.Enum):
    VALID = "valid"
    USED = "used"          # the account is already active / the email already changed
    EXPIRED = "expired"    # too old, or replaced by a newer registration
    INVALID = "invalid"    # not a link we made


@dataclass(frozen=True)
class CheckedLink:
    state: LinkState
    user: User | None = None
    new_email: str = ""


def link_lifetime() -> timedelta:
    return timedelta(hours=settings.ACCOUNT_ACTIVATION_HOURS)


def _fingerprint(salt: str, *parts: object) -> str:
    value = "|".join(str(part) for part in parts)
    return salted_hmac(salt, value, algorithm="sha256").hexdigest()[:24]


def _activation_fingerprint(user: User) -> str:
    return _fingerprint(ACTIVATION_SALT, user.pk, user.email, user.password)


def make_activation_token(user: User) -> str:
    return signing.dumps({"u": user.pk, "f": _activation_fingerprint(user)},
                         salt=ACTIVATION_SALT)


def check_activation_token(token: str) -> CheckedLink:
    try:
        payload = signing.loads(token, salt=ACTIVATION_SALT)
    except signing.BadSignature:
        return CheckedLink(LinkState.INVALID)
    user = User.objects.filter(pk=payload.get("u")).first()
    if user is None:  # removed after expiry by purge_unactivated_accounts
        return CheckedLink(LinkState.EXPIRED)
    if not user.awaiting_activation:
        return CheckedLink(LinkState.USED, user)
    if not constant_time_compare(payload.get("f", ""), _activation_fingerprint(user)):
        return CheckedLink(LinkState.EXPIRED, user)  # a newer registration replaced it
    try:
        signing.loads(token, salt=ACTIVATION_SALT, max_age=link_lifetime())
    except signing.SignatureExpired:
        return CheckedLink(LinkState.EXPIRED, user)
    return CheckedLink(LinkState.VALID, user)


def _email_change_fingerprint(user: User, new_email: str) -> str:
    return _fingerprint(EMAIL_CHANGE_SALT, user.pk, user.email, new_email, user.password)


def make_email_change_token(user: User, new_email: str) -> str:
    return signing.dumps(
        {"u": user.pk, "e": new_email, "f": _email_change_fingerprint(user, new_email)},
        salt=EMAIL_CHANGE_SALT)


def check_email_change_token(token: str) -> CheckedLink:
    try:
        payload = signing.loads(token, salt=EMAIL_CHANGE_SALT)
    except signing.BadSignature:
        return CheckedLink(LinkState.INVALID)
    user = User.objects.filter(pk=payload.get("u"), is_active=True).first()
    new_email = payload.get("e", "")
    if user is None:
        return CheckedLink(LinkState.INVALID)
    if user.email == new_email:
        return CheckedLink(LinkState.USED, user, new_email)
    if not constant_time_compare(payload.get("f", ""),
                                 _email_change_fingerprint(user, new_email)):
        return CheckedLink(LinkState.EXPIRED, user, new_email)
    try:
        signing.loads(token, salt=EMAIL_CHANGE_SALT, max_age=link_lifetime())
    except signing.SignatureExpired:
        return CheckedLink(LinkState.EXPIRED, user, new_email)
    return CheckedLink(LinkState.VALID, user, new_email)
