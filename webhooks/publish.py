"""Write an event and its deliveries in the caller's transaction; send after commit.

Called from the receivers of ``positions.events`` (inside the transaction that paid,
cancelled or expired something, often under the position's row lock): only two small
inserts happen there. The POSTs leave from the job queue once the change is committed,
so a rolled-back change tells nobody and a slow receiver never holds a lock.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import connections, router, transaction

from organizations.models import Organization
from positions.models import PaymentOption, PaymentPosition
from sportello import outbox
from webhooks.models import Delivery, Endpoint, Event

log = logging.getLogger(__name__)


def publish(organization: Organization, event_type: str, data: dict, *,
            endpoints: list[Endpoint] | None = None,
            endpoint_ids: list[int] | None = None,
            receipt_option_id: int | None = None) -> Event | None:
    """The event for every active endpoint of the Ente subscribed to ``event_type``
    (or exactly ``endpoints``, or the endpoints ``endpoint_ids`` that
    :func:`listening` found); None, and nothing written, when nobody listens."""
    if endpoints is not None:
        endpoint_ids = [endpoint.pk for endpoint in endpoints]
    elif endpoint_ids is None:
        endpoint_ids = listening(organization.pk, event_type)
    if not endpoint_ids:
        return None
    event = Event.objects.create(organization=organization, type=event_type, data=data,
                                 receipt_option_id=receipt_option_id)
    ids = [Delivery.objects.create(event=event, endpoint_id=endpoint_id).pk
           for endpoint_id in endpoint_ids]
    transaction.on_commit(lambda: [enqueue(pk) for pk in ids])
    return event


_listening_sql: dict[str, str] = {}


def listening(organization_id: int, event_type: str) -> list[int]:
    """The ids of the Ente's active endpoints subscribed to ``event_type``, oldest first.

    Read from the database every time, so an endpoint registered a moment ago gets the
    next event (no cache to go stale between servers). Most Enti have none, and every
    payment asks: one hand-written SELECT of two columns, where the ORM took ~0.4 ms of
    CPU to build the query and its instances inside the receipt's lock. ``events`` is a
    JSON list; whether it names the type is decided here, as before, since SQLite has
    no JSON containment lookup."""
    using = router.db_for_read(Endpoint)
    connection = connections[using]
    meta = Endpoint._meta
    events = meta.get_field("events")
    if connection.vendor not in _listening_sql:
        quote = connection.ops.quote_name
        column = {name: quote(meta.get_field(name).column) for name in (
            "id", "events", "organization", "is_active", "created_at")}
        _listening_sql[connection.vendor] = (
            f"SELECT {column['id']}, {column['events']} "  # noqa: S608
            f"FROM {quote(meta.db_table)} WHERE {column['organization']} = %s "
            f"AND {column['is_active']} = %s ORDER BY {column['created_at']}, {column['id']}")
    with connection.cursor() as cursor:
        cursor.execute(_listening_sql[connection.vendor], [
            organization_id, meta.get_field("is_active").get_db_prep_value(True, connection)])
        rows = cursor.fetchall()
    return [pk for pk, subscribed in rows
            if event_type in (events.from_db_value(subscribed, None, connection) or [])]


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
