"""Citizens the portal cannot reach: no App IO profile (or IO refused) and no email.

App IO's half is read here (a message ended NO_PROFILE or BLOCKED and none was ever
SENT for the position); the email half is the reminders' own query
(``reminders.unreachable_by_email``), so each channel keeps its own rules.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet

from appio.models import IoMessage
from organizations.models import Organization
from positions.models import PaymentPosition

UNREACHABLE_ON_IO = (IoMessage.State.NO_PROFILE, IoMessage.State.BLOCKED)


def unreachable_on_io(organization: Organization) -> QuerySet[PaymentPosition]:
    refused = IoMessage.objects.filter(position=OuterRef("pk"), state__in=UNREACHABLE_ON_IO)
    sent = IoMessage.objects.filter(position=OuterRef("pk"), state=IoMessage.State.SENT)
    return (PaymentPosition.objects.filter(organization=organization)
            .filter(Exists(refused)).exclude(Exists(sent)))


def unreachable(organization: Organization) -> QuerySet[PaymentPosition]:
    """Still to pay, and neither IO nor email reaches the debtor."""
    from reminders.sending import unreachable_by_email

    by_email = unreachable_by_email(organization).values("pk")
    return (unreachable_on_io(organization).filter(pk__in=by_email)
            .filter(status__in=[PaymentPosition.Status.VALID,
                                PaymentPosition.Status.PARTIALLY_PAID])
            .select_related("debtor", "service").order_by("pk"))
