"""Listen to ``positions.events``: one event row per fact, only if some endpoint of the
Ente wants it (see ``webhooks.publish``)."""

from __future__ import annotations

from django.dispatch import receiver

from positions import events
from positions.models import PaymentOption
from webhooks.models import EventType
from webhooks.publish import iso, option_data, position_data, publish


@receiver(events.option_paid, dispatch_uid="webhooks.option_paid")
def option_paid(sender, option: PaymentOption, **kwargs) -> None:
    position = option.position
    # The receipt (IUR, PSP, payment date) is read by the delivery after commit.
    publish(option.organization, EventType.PAID,
            {"position": position_data(position), "option": option_data(option),
             "paid_at": iso(option.paid_at)},
            receipt_option_id=option.pk)


@receiver(events.position_cancelled, dispatch_uid="webhooks.position_cancelled")
def position_cancelled(sender, position, reason: str, **kwargs) -> None:
    publish(position.organization, EventType.CANCELLED,
            {"position": position_data(position), "reason": reason,
             "options": [option_data(o) for o in position.options.order_by("plan", "pk")]})


@receiver(events.option_expired, dispatch_uid="webhooks.option_expired")
def option_expired(sender, option: PaymentOption, **kwargs) -> None:
    publish(option.organization, EventType.EXPIRED,
            {"position": position_data(option.position), "option": option_data(option)})
