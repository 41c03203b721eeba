"""Issue 17: ``queue_email`` writes the email and its files with hand-written INSERTs
(``sportello.sqlrows.Insert``): the rows must be the ones ``objects.create`` and
``bulk_create`` wrote, column by column as stored, in two statements plus the job."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from mail.models import EmailAttachment, OutgoingEmail
from mail.outbox import queue_email
from tests.core.test_task_queues import DB_TASKS

SKIP = ("id", "email", "created_at", "next_attempt_at")


def stored(model, pk) -> dict:
    """The row as the database holds it, but the id, the parent and the times."""
    meta, quote = model._meta, connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if f.name not in SKIP]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(quote(f.column) for f in fields)} "  # noqa: S608
            f"FROM {quote(meta.db_table)} WHERE {quote(meta.pk.column)} = %s", [pk])
        row = cursor.fetchone()
    return {field.name: bytes(value) if isinstance(value, memoryview) else value
            for field, value in zip(fields, row, strict=True)}


def the_orm_way(organization) -> OutgoingEmail:
    """What ``queue_email`` wrote before, through the ORM."""
    email = OutgoingEmail.objects.create(
        organization=organization, to="anna@example.it, bruno@example.it", subject="Prova",
        body_text="Testo", body_html="<p>Testo</p>")
    EmailAttachment.objects.bulk_create([
        EmailAttachment(email=email, filename="a.pdf", content=b"%PDF-1.4",
                        content_type="application/pdf"),
        EmailAttachment(email=email, builder="documents.quietanza", builder_ref="42")])
    return email


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)  # the job stays queued: the rows are compared as written
def test_the_rows_are_the_ones_the_orm_wrote(organization):
    theirs = the_orm_way(organization)
    with transaction.atomic(), CaptureQueriesContext(connection) as statements:
        ours = queue_email(["anna@example.it", "bruno@example.it"], "Prova", "Testo",
                           "<p>Testo</p>", organization=organization,
                           attachments=[("a.pdf", b"%PDF-1.4", "application/pdf")],
                           deferred=[("documents.quietanza", 42)])
    writes = [q["sql"] for q in statements.captured_queries
              if q["sql"].startswith("INSERT")]
    assert len(writes) == 3  # the email, its two files in one statement, the job
    assert stored(OutgoingEmail, ours.pk) == stored(OutgoingEmail, theirs.pk)
    mine = list(ours.attachments.order_by("pk").values_list("pk", flat=True))
    orms = list(theirs.attachments.order_by("pk").values_list("pk", flat=True))
    assert [stored(EmailAttachment, pk) for pk in mine] == [
        stored(EmailAttachment, pk) for pk in orms]
    fresh = OutgoingEmail.objects.get(pk=ours.pk)
    for field in OutgoingEmail._meta.concrete_fields:  # the instance returned, as stored
        assert getattr(ours, field.attname) == getattr(fresh, field.attname), field.name
    assert ours.organization is organization and not ours._state.adding


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_no_attachment_no_statement_for_them():
    with transaction.atomic(), CaptureQueriesContext(connection) as statements:
        email = queue_email("anna@example.it", "Prova", "Testo")
    writes = [q["sql"] for q in statements.captured_queries if q["sql"].startswith("INSERT")]
    assert len(writes) == 2 and email.organization_id is None
    assert not email.attachments.exists()
