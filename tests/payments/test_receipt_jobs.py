"""Issue 17: paSendRTV2 is one transaction and one commit. With the database job queue
the receipt's jobs (the email's delivery, the ACA push) are rows written inside the
receipt's transaction: they commit with it, or vanish with it; nothing is left to do
after the commit. Any other queue still gets them after commit."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks_db.models import DBTaskResult

from mail.models import OutgoingEmail
from payments import receipts
from payments.models import Receipt
from positions.models import PaymentOption
from tests.payments.test_receipt_review import info_for

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                              "QUEUES": ["default", "bulk"]}}


@pytest.fixture
def option(make_position, debtor):
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    return make_position().options.get()


def jobs() -> list[str]:
    return sorted(DBTaskResult.objects.values_list("task_path", flat=True))


@pytest.mark.django_db(transaction=True)
def test_the_jobs_commit_with_the_receipt(option, settings):
    settings.TASKS = DATABASE_TASKS
    DBTaskResult.objects.all().delete()  # the position's own ACA push, at its creation
    commits, alone = [], []

    def outside_transaction(execute, sql, params, many, context):
        if not connection.in_atomic_block and sql.startswith(("INSERT", "UPDATE")):
            alone.append(sql)  # autocommit: a transaction (and a WAL flush) of its own
        return execute(sql, params, many, context)

    real_commit = connection.commit
    connection.commit = lambda: (commits.append(1), real_commit())
    try:
        with connection.execute_wrapper(outside_transaction):
            receipts.receive(option.organization, info_for(option), "<rt/>", 2)
    finally:
        del connection.commit
    assert commits == [1]  # the receipt's transaction...
    assert alone == []  # ...and nothing written after it
    assert jobs() == ["mail.tasks.deliver_email", "payments.tasks.push_aca"]
    email = OutgoingEmail.objects.get()
    assert DBTaskResult.objects.get(task_path="mail.tasks.deliver_email").args_kwargs == {
        "args": [email.pk], "kwargs": {}}


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_receipt_leaves_no_job(option, settings, monkeypatch):
    settings.TASKS = DATABASE_TASKS
    DBTaskResult.objects.all().delete()
    seen_inside = []

    def fails(*args, **kwargs):  # the last step inside the receipt's transaction
        seen_inside.extend(jobs())
        raise RuntimeError("the database went away after the enqueue")

    monkeypatch.setattr(receipts, "_audit_delivery", fails)
    with pytest.raises(RuntimeError):
        receipts.receive(option.organization, info_for(option), "<rt/>", 2)
    assert seen_inside == ["mail.tasks.deliver_email", "payments.tasks.push_aca"]
    assert jobs() == []  # rolled back with the receipt
    assert not Receipt.objects.exists() and not OutgoingEmail.objects.exists()
    assert PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.UNPAID


def test_only_other_queues_wait_for_the_commit(option, make_position, settings,
                                               django_capture_on_commit_callbacks):
    settings.TASKS = DATABASE_TASKS
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        receipts.receive(option.organization, info_for(option), "<rt/>", 2)
    assert callbacks == []  # the jobs are rows of the transaction already
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "QUEUES": ["default", "bulk"]}}
    other = make_position(causale="Mensa").options.get()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        receipts.receive(other.organization, info_for(other, receipt_id="e" * 32),
                         "<rt/>", 2)
    assert len(callbacks) == 2  # the email's delivery and the ACA push, after commit


@pytest.mark.django_db(transaction=True)  # the receipt's atomic() is the transaction
def test_a_receipt_costs_few_statements(option, settings):
    """Store, judge, apply, enqueue: the Ente is not read again, the option's position
    is found and locked in one statement, the receipt's row is stored applied (no
    UPDATE after), no savepoint while the option is locked; 32 statements before."""
    settings.TASKS = DATABASE_TASKS
    organization, info = option.organization, info_for(option)
    with CaptureQueriesContext(connection) as statements:
        receipts.receive(organization, info, "<rt/>", 2)
    sql = [query["sql"] for query in statements.captured_queries
           if not query["sql"].startswith(("BEGIN", "COMMIT"))]  # SQLite logs them
    assert not [s for s in sql if "organizations_organization" in s.split("WHERE")[0]]
    assert not [s for s in sql if s.startswith("SAVEPOINT")]
    assert not [s for s in sql if s.startswith('UPDATE "payments_receipt"')]
    assert len(sql) <= 18, "\n".join(sql)
