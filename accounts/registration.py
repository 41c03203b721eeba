"""Registration and activation: what happens behind the *Registrati* pages.

The pages never tell whether an email or codice fiscale already has an account: the
outcome on screen is the same, and what differs goes by email to the address's owner.
"""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import emails
from accounts.models import User


def register(organization, user: User, password: str) -> None:
    """Create ``user`` (not yet active) and email the activation link.

    The email's uniqueness is the database's case-insensitive constraint, not a check
    before the insert, so concurrent double submits create one account. If the address
    already has an account: an activated one gets an "account exists" email; one still
    awaiting activation is replaced by this registration (only the address's owner can
    activate it, so whoever registered it first cannot keep it), with a new link.
    """
    user.email = user.email.strip().lower()
    user.set_password(password)
    user.is_active = False
    user.awaiting_activation = True
    user.activation_sent_at = timezone.now()
    try:
        with transaction.atomic():
            user.save()
            emails.send_activation(organization, user)
        return
    except IntegrityError:
        pass
    with transaction.atomic():
        existing = (User.objects.select_for_update()
                    .filter(email__iexact=user.email).first())
        if existing is None:  # deleted meanwhile: the visitor may simply retry
            return
        if not existing.awaiting_activation:
            emails.send_account_exists(organization, existing.email)
            return
        if existing.check_password(password):
            # The same person again (a double submit, or "send it again"): keeping the
            # hash keeps the links already sent valid.
            user.password = existing.password
        user.pk, user.date_joined, user.email = existing.pk, existing.date_joined, existing.email
        user._state.adding = False
        user.save()
        emails.send_activation(organization, user)


def resend_activation(organization, email: str) -> None:
    """A new activation link for an account still awaiting it; nothing otherwise."""
    with transaction.atomic():
        user = (User.objects.select_for_update()
                .filter(email__iexact=email.strip(), awaiting_activation=True).first())
        if user is None:
            return
        user.activation_sent_at = timezone.now()
        user.save(update_fields=["activation_sent_at"])
        emails.send_activation(organization, user)


def activate(user: User) -> bool:
    """Activate once: False if it was already done (a second click, a second tab)."""
    done = User.objects.filter(pk=user.pk, awaiting_activation=True).update(
        awaiting_activation=False, is_active=True)
    return bool(done)


def purge_unactivated(now=None) -> int:
    """Remove accounts whose activation link expired unused. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(hours=settings.ACCOUNT_ACTIVATION_HOURS)
    _, per_model = User.objects.filter(
        awaiting_activation=True, is_active=False, activation_sent_at__lt=cutoff,
    ).delete()
    return per_model.get(User._meta.label, 0)
