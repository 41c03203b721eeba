"""Issue 17: the jobs a change hands over inside its transaction
(``sportello.outbox.enqueue_with_change``) are written by one hand-written INSERT, not by
django-tasks' ``DBTaskResult.objects.create``. The row must be the backend's own, column
by column as stored, and the real worker must run it."""

from __future__ import annotations

import pytest
from django.db import connection, transaction
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django_tasks_db.backend import DatabaseBackend
from django_tasks_db.compat import task_enqueued
from django_tasks_db.models import DBTaskResult

from documents.tasks import build_bundle
from mail.tasks import deliver_email
from sportello import outbox
from tests.core.test_task_queues import DB_TASKS, EMAIL_ID, take_one

BUNDLE_ID = "00000000-0000-0000-0000-000000000042"


def stored(job_id) -> tuple:
    """The row as the database holds it (JSON text, UUID, datetimes), minus the id and
    the enqueue time, which differ between any two jobs."""
    meta, quote = DBTaskResult._meta, connection.ops.quote_name
    columns = [f.column for f in meta.concrete_fields if f.name not in ("id", "enqueued_at")]
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {', '.join(map(quote, columns))} FROM {quote(meta.db_table)} "  # noqa: S608
            f"WHERE {quote(meta.pk.column)} = %s",
            [meta.pk.get_db_prep_value(job_id, connection)])
        return cursor.fetchone()


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
@pytest.mark.parametrize("task, argument", [(deliver_email, EMAIL_ID),
                                            (build_bundle, BUNDLE_ID)],
                         ids=["default-queue", "bulk-queue-low-priority"])
def test_the_job_row_is_the_one_the_backend_writes(task, argument):
    theirs = task.enqueue(argument).id
    with transaction.atomic():
        outbox.enqueue_with_change(task, argument, None, "")
    ours = DBTaskResult.objects.exclude(id=theirs).get()
    assert stored(ours.id) == stored(theirs)
    mine, backends = ours, DBTaskResult.objects.get(id=theirs)
    for field in DBTaskResult._meta.concrete_fields:
        if field.name not in ("id", "enqueued_at"):
            assert getattr(mine, field.name) == getattr(backends, field.name), field.name
    assert type(mine.id) is type(backends.id)
    assert abs(mine.enqueued_at - backends.enqueued_at).total_seconds() < 5


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_one_statement_and_not_the_orm(monkeypatch):
    def orm(*args, **kwargs):
        raise AssertionError("the job went through DBTaskResult.objects.create")

    monkeypatch.setattr(DatabaseBackend, "_task_to_db_task", orm)
    seen = []

    def enqueued(sender, task_result, **kwargs):
        seen.append((sender, task_result.id, task_result.task.module_path,
                     task_result.args, task_result.status))

    task_enqueued.connect(enqueued)
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as statements:
            outbox.enqueue_with_change(deliver_email, EMAIL_ID, None, "")
    finally:
        task_enqueued.disconnect(enqueued)
    inserts = [q["sql"] for q in statements.captured_queries
               if not q["sql"].startswith(("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE"))]
    assert len(inserts) == 1 and inserts[0].startswith("INSERT")
    job = DBTaskResult.objects.get()
    assert seen == [(DatabaseBackend, str(job.id), "mail.tasks.deliver_email", [EMAIL_ID],
                     "READY")]


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_the_worker_runs_it():
    with transaction.atomic():
        outbox.enqueue_with_change(deliver_email, EMAIL_ID, None, "")
    done = take_one(["default"])
    assert done.task_path == "mail.tasks.deliver_email"
    assert done.status == "SUCCESSFUL" and done.return_value is False
