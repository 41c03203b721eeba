"""Write an event and its deliveries in the caller's transaction; send after commit.

Called from the receivers of ``positions.events`` (inside the transaction that paid,
cancelled or expired something, often under the position's row lock): only two small
inserts happen there. The POSTs leave from the job queue once the change is committed,
so a rolled-back change tells nobody and a slow receiver never holds a lock.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction

from organizations.models import Organization
from positions.models import PaymentOption, PaymentPosition
from sportello import outbox
from webhooks.models import Delivery, Endpoint, Event

log = logging.getLogger(__name__)


def publish(organization: Organization, event_type: str, data: dict, *,
            endpoints: list[Endpoint] | None = None,
            receipt_option_id: int | None = None) -> Event | None:
    """The event for every active endpoint of the Ente subscribed to ``event_type``
    (or exactly ``endpoints``); None, and nothing written, when nobody listens."""
    if endpoints is None:
        endpoints = [e for e in Endpoint.objects.filter(organization=organization,
                                                       is_active=True)
                     if event_type in e.events]
    if not endpoints:
        return None
    event = Event.objects.create(organization=organization, type=event_type, data=data,
                                 receipt_option_id=receipt_option_id)
    ids = [Delivery.objects.create(event=event, endpoint=endpoint).pk
           for endpoint in endpoints]
    transaction.on_commit(lambda: [enqueue(pk) for pk in ids])
    return event


def enqueue(delivery_id: int, run_after=None) -> None:
    """One attempt through the job queue (the sweeper ``send_webhooks`` covers a queue
    that cannot take it or cannot defer)."""
    from webhooks.tasks import deliver_webhook

    outbox.enqueue(deliver_webhook, delivery_id, log,
                   "Could not enqueue webhook delivery %s", run_after=run_after)


# --- what the Ente's systems read --------------------------------------------------------

def iso(moment: dt.datetime | None) -> str | None:
    """A moment as the events write it: UTC, ISO 8601 with ``Z``."""
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).isoformat().replace("+00:00", "Z")


def position_data(position: PaymentPosition) -> dict:
    debtor = position.debtor
    return {"reference": position.external_reference, "causale": position.causale,
            "service": position.service.code, "status": position.status,
            "debtor": {"fiscal_code": debtor.fiscal_code, "entity_type": debtor.entity_type}}


def option_data(option: PaymentOption) -> dict:
    return {"iuv": option.iuv, "notice_number": option.notice_number,
            "amount_cents": option.amount_cents,
            "due_date": option.due_date.isoformat() if option.due_date else None,
            "installment_number": option.installment_number, "plan": option.plan,
            "status": option.status}
