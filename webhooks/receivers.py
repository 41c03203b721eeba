"""Listen to ``positions.events``: one event row per fact, only if some endpoint of the
Ente wants it (see ``webhooks.publish``)."""

from __future__ import annotations

from django.dispatch import receiver

from positions import events
from positions.models import PaymentOption, PaymentPosition
from webhooks.models import EventType
from webhooks.publish import iso, listening, option_data, position_data, publish


@receiver(events.option_paid, dispatch_uid="webhooks.option_paid")
def option_paid(sender, option: PaymentOption, **kwargs) -> None:
    """Every payment asks, inside the receipt's lock, and most Enti have no endpoint:
    who listens is read first, and the event's data is built only for them."""
    endpoint_ids = listening(option.organization_id, EventType.PAID)
    if not endpoint_ids:
        return
    position = option.position
    # The receipt (IUR, PSP, payment date) is read by the delivery after commit.
    publish(option.organization, EventType.PAID,
            {"position": position_data(position), "option": option_data(option),
             "paid_at": iso(option.paid_at)},
            endpoint_ids=endpoint_ids, receipt_option_id=option.pk)


@receiver(events.position_cancelled, dispatch_uid="webhooks.position_cancelled")
def position_cancelled(sender, position, reason: str, **kwargs) -> None:
    """The options are read for the event only when some endpoint listens."""
    endpoint_ids = listening(position.organization_id, EventType.CANCELLED)
    if not endpoint_ids:
        return
    publish(position.organization, EventType.CANCELLED,
            {"position": position_data(position), "reason": reason,
             "options": [option_data(o) for o in position.options.order_by("plan", "pk")]},
            endpoint_ids=endpoint_ids)


@receiver(events.options_expired, dispatch_uid="webhooks.options_expired")
def options_expired(sender, position: PaymentPosition, options: list[PaymentOption],
                    payable: bool, **kwargs) -> None:
    """``position.expired`` once, with every option that expired, when nothing of the
    position is payable any more; while something still is (the single payment past its
    date with the installments still open, one installment of several), one
    ``option.expired`` per option instead, for the endpoints that want them (asked once
    for all the options)."""
    event_type = EventType.OPTION_EXPIRED if payable else EventType.EXPIRED
    endpoint_ids = listening(position.organization_id, event_type)
    if not endpoint_ids:
        return
    if not payable:
        publish(position.organization, EventType.EXPIRED,
                {"position": position_data(position),
                 "options": [option_data(o) for o in options]},
                endpoint_ids=endpoint_ids)
        return
    for option in options:
        publish(position.organization, EventType.OPTION_EXPIRED,
                {"position": position_data(position), "option": option_data(option)},
                endpoint_ids=endpoint_ids)
