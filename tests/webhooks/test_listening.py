"""Issue 17: every payment asks who listens to ``position.paid``, inside the receipt's
lock, and most Enti have no endpoint. The question is one hand-written SELECT of ids and
subscriptions, read fresh each time (an endpoint registered now gets the next event),
and nothing else is built or written when the answer is nobody."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from positions import events
from webhooks.models import Endpoint, Event, EventType
from webhooks.publish import listening

pytestmark = pytest.mark.django_db


def endpoint(organization, subscribed, active=True, url="https://example.it/hook"):
    return Endpoint.objects.create(organization=organization, url=url, secret="s" * 30,
                                   events=subscribed, is_active=active)


def test_the_ids_of_the_active_subscribed_endpoints_oldest_first(organization,
                                                                 other_organization):
    assert listening(organization.pk, EventType.PAID) == []
    first = endpoint(organization, [EventType.PAID, EventType.CANCELLED])
    endpoint(organization, [EventType.CANCELLED])
    endpoint(organization, [EventType.PAID], active=False)
    endpoint(other_organization, [EventType.PAID])
    last = endpoint(organization, [EventType.PAID])
    assert listening(organization.pk, EventType.PAID) == [first.pk, last.pk]
    assert listening(organization.pk, EventType.EXPIRED) == []


def test_nobody_listening_costs_one_narrow_select(make_position):
    option = make_position().options.get()
    with CaptureQueriesContext(connection) as statements:
        events.option_paid.send(sender=None, option=option)
    [select] = [q["sql"] for q in statements.captured_queries]
    assert select.startswith("SELECT") and '"url"' not in select  # ids and events only
    assert not Event.objects.exists()
    added = endpoint(option.organization, [EventType.PAID])  # seen at once, no cache
    events.option_paid.send(sender=None, option=option)
    event = Event.objects.get()
    assert [d.endpoint_id for d in event.deliveries.all()] == [added.pk]
    assert event.receipt_option_id == option.pk
    assert event.data["option"]["notice_number"] == option.notice_number


def test_a_cancellation_nobody_listens_to_reads_no_option(make_position):
    position = make_position()
    with CaptureQueriesContext(connection) as statements:
        events.position_cancelled.send(sender=None, position=position, reason="x")
    [select] = [q["sql"] for q in statements.captured_queries]
    assert '"webhooks_endpoint"' in select and not Event.objects.exists()
    endpoint(position.organization, [EventType.CANCELLED])
    events.position_cancelled.send(sender=None, position=position, reason="x")
    event = Event.objects.get()
    assert event.type == EventType.CANCELLED and event.deliveries.count() == 1
    assert [o["iuv"] for o in event.data["options"]] == [
        o.iuv for o in position.options.order_by("plan", "pk")]


def test_expired_options_ask_once_for_all(make_position):
    position = make_position()
    options = list(position.options.all()) * 3
    with CaptureQueriesContext(connection) as statements:
        events.options_expired.send(sender=None, position=position, options=options,
                                    payable=True)
    assert len(statements.captured_queries) == 1 and not Event.objects.exists()
    endpoint(position.organization, [EventType.OPTION_EXPIRED])
    events.options_expired.send(sender=None, position=position, options=options,
                                payable=True)
    events.options_expired.send(sender=None, position=position, options=options,
                                payable=False)  # nobody wants position.expired
    assert list(Event.objects.values_list("type", flat=True)) == [
        EventType.OPTION_EXPIRED] * 3
