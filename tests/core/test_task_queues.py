"""Receipts and emails never wait behind bulk jobs (issue 9, item 5).

35 ZIPs of 20 documents from one payer once delayed a receipt by 37 s: they shared one
queue, first come first served. Now the ZIPs run on the "bulk" queue at the lowest
priority and `manage.py serve` runs one worker per queue. These tests fill the database
queue (django-tasks' real database backend) with bundle jobs, add one email, and let the
real worker loop take one job."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from documents.tasks import build_bundle
from mail.tasks import deliver_email
from payments.tasks import push_aca
from sandbox.tasks import deliver_receipt
from sportello.management.commands.serve import Command as Serve

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                        "QUEUES": ["default", "bulk"]}}
EMAIL_ID = 987654  # no such email: the delivery task claims nothing and returns False


def take_one(queues: list[str]) -> DBTaskResult:
    """Run the worker exactly as `db_worker --queue-name …` does, for one job."""
    Worker(queue_names=queues, interval=0, batch=True, backend_name="default",
           startup_delay=False, max_tasks=1, worker_id="test-worker",
           excluded_queue_names=[]).run()
    [done] = DBTaskResult.objects.exclude(status="READY")
    return done


def fill_queue() -> None:
    """35 bundle jobs, then one email: the attack as measured."""
    for n in range(35):
        build_bundle.enqueue(f"00000000-0000-0000-0000-{n:012d}")
    deliver_email.enqueue(EMAIL_ID)


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
@pytest.mark.parametrize("queues", [["default"], ["*"]], ids=["urgent-worker", "one-worker"])
def test_the_email_is_taken_before_35_queued_bundles(queues):
    fill_queue()
    done = take_one(queues)
    assert done.task_path == "mail.tasks.deliver_email"
    assert done.status == "SUCCESSFUL" and done.return_value is False
    assert DBTaskResult.objects.filter(task_path="documents.tasks.build_bundle",
                                       status="READY").count() == 35


@pytest.mark.django_db(transaction=True)
@override_settings(TASKS=DB_TASKS)
def test_the_bulk_worker_builds_the_bundles():
    fill_queue()
    done = take_one(["bulk"])
    assert done.task_path == "documents.tasks.build_bundle" and done.status == "SUCCESSFUL"
    assert DBTaskResult.objects.get(task_path="mail.tasks.deliver_email").status == "READY"


def test_urgent_tasks_and_bulk_tasks_are_declared_as_such():
    for urgent in (deliver_email, push_aca, deliver_receipt):
        assert (urgent.queue_name, urgent.priority) == ("default", 10)
    assert (build_bundle.queue_name, build_bundle.priority) == ("bulk", -10)


def test_serve_runs_a_worker_for_each_queue(settings, monkeypatch):
    """`manage.py serve` is a complete installation: every declared queue has a worker."""
    started = []

    class Child:
        returncode = 0

        def __init__(self, command, **kwargs):
            started.append(command)

        def poll(self):
            return 0  # exits at once: serve stops everything and returns

        def wait(self, timeout=None):
            return 0

    monkeypatch.setattr("subprocess.Popen", Child)
    monkeypatch.setattr("signal.signal", lambda *args: None)
    Serve().handle(host="127.0.0.1", port=0, threads=1, no_worker=False)
    queues = [c[c.index("--queue-name") + 1] for c in started if "db_worker" in c]
    assert sorted(queues) == sorted(settings.TASK_QUEUES)
