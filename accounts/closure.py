"""A payer closes their account (GDPR art. 17, within what the law lets the Ente erase).

Positions, payments and receipts are the Ente's accounting records and stay, with the
debtor's data they carry; what goes is the account: its personal data, its proofs of the
codice fiscale, and the links from it to positions (``signals.account_closed``). The row
itself stays, anonymous and unable to log in, because payment attempts and the debtor
records an account declared still point at it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts.models import FiscalCodeLevel, FiscalCodeVerification, User
from accounts.signals import account_closed


def closed_email(user: User) -> str:
    """A unique address that cannot receive mail (``.invalid``, RFC 2606)."""
    return f"utenza-chiusa-{user.pk}@chiusa.invalid"


def close_account(user: User) -> None:
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        FiscalCodeVerification.objects.filter(user=user).delete()
        for name in ("first_name", "last_name", "company_name", "fiscal_code", "address",
                     "city", "province", "postal_code"):
            setattr(user, name, "")
        user.phone = ""
        user.email = closed_email(user)
        user.fiscal_code_level = FiscalCodeLevel.DECLARED
        user.set_unusable_password()  # every browser holding it drops it (session hash)
        user.is_active = False
        user.awaiting_activation = False
        user.closed_at = timezone.now()
        user.save()
        account_closed.send(sender=User, user=user)
