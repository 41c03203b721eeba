"""App IO listens to what happened to positions (and to reminders falling due): it
only records :class:`~appio.models.IoMessage` rows in the writer's transaction and
sends them after commit, so no write waits for IO."""

from __future__ import annotations

from django.dispatch import receiver

from appio import sending
from appio.models import IoMessage
from positions import events
from positions.models import PaymentPosition
from reminders.signals import reminder_due


@receiver(events.positions_created, dispatch_uid="appio_positions_created")
def positions_created(sender, organization, position_ids, origin, **kwargs) -> None:
    """A notice the Ente issued (not one the payer created for themself)."""
    if origin != PaymentPosition.Origin.ENTE:
        return
    if not sending.sending_services(organization.pk)[0]:
        return  # the usual case of a bulk import for an Ente without IO: one query
    positions = list(PaymentPosition.objects.filter(pk__in=position_ids)
                     .select_related("debtor"))
    sending.queue(positions, IoMessage.Kind.CREATED)


@receiver(events.position_changed, dispatch_uid="appio_position_changed")
def position_changed(sender, position, changes, **kwargs) -> None:
    """Only what changes what the citizen must pay, or by when."""
    if not changes & {events.AMOUNT, events.DUE_DATE}:
        return
    sending.queue([position], IoMessage.Kind.CHANGED, dedupe_key=f"v{position.version}")


@receiver(reminder_due, dispatch_uid="appio_reminder_due")
def reminder(sender, position, option, kind, due_date, **kwargs) -> None:
    sending.queue([position], IoMessage.Kind.REMINDER, option=option,
                  dedupe_key=f"{option.pk}:{kind}:{due_date.isoformat()}")
