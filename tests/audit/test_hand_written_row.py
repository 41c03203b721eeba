"""Issue 17: ``log_action`` writes its entry with a hand-written INSERT: the row must be
the one ``AuditEntry.objects.create`` wrote, column by column as stored."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from audit.log import log_action
from audit.models import AuditEntry


def stored(pk) -> tuple:
    meta, quote = AuditEntry._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if f.name not in ("id", "created_at")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(f.column) for f in fields)} "  # noqa: S608
            f"FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s", [pk])
        return cursor.fetchone()


def test_the_row_is_the_one_the_orm_wrote(make_position, payer):
    position = make_position()
    request = RequestFactory().post("/", REMOTE_ADDR="2001:db8::0:1")
    request.user = payer
    data = {"amount": 2200, "when": dt.date(2026, 11, 30), "nested": {"a": [1, "b"]}}
    with CaptureQueriesContext(connection) as statements:
        ours = log_action("position.created", obj=position, request=request, data=data)
    assert len(statements.captured_queries) == 1
    theirs = AuditEntry.objects.create(
        action="position.created", organization=position.organization, actor=payer,
        actor_label=payer.email, ip_address="2001:db8::1", object_type=position._meta.label_lower,
        object_id=str(position.pk), object_repr=str(position)[:200], position_id=position.pk,
        data=data)
    assert stored(ours.pk) == stored(theirs.pk)
    fresh = AuditEntry.objects.get(pk=ours.pk)
    for field in AuditEntry._meta.concrete_fields:
        if field.name != "data":  # the instance keeps the dict given, the row its JSON
            assert getattr(ours, field.attname) == getattr(fresh, field.attname), field.name
    assert fresh.data == {"amount": 2200, "when": "2026-11-30", "nested": {"a": [1, "b"]}}
    assert ours.organization == position.organization and ours.actor == payer


def test_nothing_but_the_action(db):
    entry = log_action("system.started")
    fresh = AuditEntry.objects.get(pk=entry.pk)
    assert (fresh.organization_id, fresh.actor_id, fresh.ip_address, fresh.data,
            fresh.object_type, fresh.position_id) == (None, None, None, {}, "", None)
    assert entry.created_at == fresh.created_at
