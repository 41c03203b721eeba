"""Unsubscribing from reminders: a signed token names (Ente, address); no account needed."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.urls import reverse

from reminders.models import ReminderOptOut

SALT = "reminders.unsubscribe"


def token_for(organization, email: str) -> str:
    return signing.dumps({"o": organization.pk, "e": email.lower()}, salt=SALT,
                         compress=True)


def unsubscribe_url(organization, email: str) -> str:
    return settings.SITE_URL + reverse("reminders:unsubscribe",
                                       args=[organization.slug, token_for(organization, email)])


def email_from_token(organization, token: str) -> str | None:
    """The address a token names for this Ente; None if forged or another Ente's."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("o") != organization.pk:
        return None
    email = data.get("e")
    return email if isinstance(email, str) and email else None


def opt_out(organization, email: str) -> None:
    """Idempotent: a second click (or two at once) changes nothing."""
    try:
        with transaction.atomic():
            ReminderOptOut.objects.get_or_create(organization=organization,
                                                 email=email.lower())
    except IntegrityError:
        pass


def opted_out(organization, emails) -> set[str]:
    return set(ReminderOptOut.objects.filter(
        organization=organization, email__in=[e.lower() for e in emails])
        .values_list("email", flat=True))


def masked(email: str) -> str:
    """``m***@example.it``: enough to recognise one's own address, not to read a stranger's."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"
