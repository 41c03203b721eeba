"""Accounts from SPID/CIE (issue 10, item 4).

The first login creates the account: codice fiscale *certified*, no password, the email
of the attribute (or none yet: the payer adds one, confirmed by link). Later logins find
it by the certified code. A local account with the same code, logged in (with its
password) in the same browser, is linked instead: it becomes certified. Certified means
``FiscalCodeVerification`` with method SPID and no Ente: ``positions.access`` opens the
positions of that code at every Ente, with no verification step.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction

from accounts import emails, sessions
from accounts.models import FiscalCodeLevel, FiscalCodeVerification, User
from audit.log import log_action
from identity.saml import Identity

PLACEHOLDER_DOMAIN = "senza-email.invalid"


@dataclass
class Outcome:
    user: User
    created: bool = False
    linked: bool = False
    needs_email: bool = False
    email_link_sent: str = ""


def has_real_email(user: User) -> bool:
    return not user.email.endswith("@" + PLACEHOLDER_DOMAIN)


def _usable_email(address: str) -> str:
    try:
        validate_email(address)
    except ValidationError:
        return ""
    return address.lower()


def _certify(user: User) -> None:
    user.fiscal_code_level = FiscalCodeLevel.CERTIFIED
    user.save(update_fields=["fiscal_code_level"])
    FiscalCodeVerification.objects.filter(user=user).exclude(
        fiscal_code=user.fiscal_code).delete()
    verification, created = FiscalCodeVerification.objects.update_or_create(
        user=user, fiscal_code=user.fiscal_code, organization=None,
        defaults={"method": FiscalCodeVerification.Method.SPID, "evidence": ""})
    if created:  # the audit trail has every verification (once, not at every login)
        log_action("fiscal_code.verified", obj=verification, actor=user,
                   data={"account": user.email, "fiscal_code": user.fiscal_code,
                         "method": FiscalCodeVerification.Method.SPID})


def _find(identity: Identity) -> User | None:
    """The certified account of this code; with several, the one with a real email."""
    candidates = list(User.objects.filter(
        fiscal_code=identity.fiscal_code, fiscal_code_level=FiscalCodeLevel.CERTIFIED,
        is_active=True).order_by("-last_login", "pk"))
    candidates.sort(key=lambda u: not has_real_email(u))
    return candidates[0] if candidates else None


def _held_local(request, identity: Identity) -> User | None:
    """A local account of the same code that logged in with its password here."""
    for user in reversed(sessions.held_accounts(request)):
        if user.fiscal_code == identity.fiscal_code and user.has_usable_password():
            return user
    return None


@transaction.atomic
def account_for(request, organization, identity: Identity) -> Outcome:
    """Find, link or create the account of ``identity`` (nothing is logged in here)."""
    user = _find(identity)
    if user is not None:
        outcome = Outcome(user)
    else:
        local = _held_local(request, identity)
        if local is not None:
            outcome = Outcome(local, linked=True)
        else:
            email = _usable_email(identity.email)
            if not email or User.objects.filter(email__iexact=email).exists():
                email = f"{secrets.token_hex(8)}@{PLACEHOLDER_DOMAIN}"
            user = User(email=email, fiscal_code=identity.fiscal_code,
                        first_name=identity.first_name, last_name=identity.last_name,
                        entity_type=User.EntityType.NATURAL)
            user.set_unusable_password()
            user.save()
            outcome = Outcome(user, created=True)
    _certify(outcome.user)
    user = outcome.user
    attribute_email = _usable_email(identity.email)
    if not has_real_email(user):
        outcome.needs_email = True
    if (attribute_email and attribute_email != user.email.lower()
            and not outcome.created
            and not User.objects.filter(email__iexact=attribute_email).exists()):
        # A different address from the IdP: it takes effect once its link is followed.
        emails.send_email_change(organization, user, attribute_email)
        outcome.email_link_sent = attribute_email
    return outcome


def sign_in(request, user: User) -> None:
    """Log ``user`` in, keeping the other accounts held in this browser."""
    user.backend = sessions.BACKEND
    sessions.sign_in(request, user)


def link_after_password_login(request, user: User) -> bool:
    """The other order: a local account logs in with its password in a browser that
    holds a SPID/CIE account of the same codice fiscale. It becomes certified too."""
    if (not user.fiscal_code or user.fiscal_code_level == FiscalCodeLevel.CERTIFIED
            or not user.has_usable_password()):
        return False
    certified = any(other.pk != user.pk and other.fiscal_code == user.fiscal_code
                    and other.fiscal_code_level == FiscalCodeLevel.CERTIFIED
                    for other in sessions.held_accounts(request))
    if certified:
        with transaction.atomic():
            _certify(user)
    return certified
