"""Through django-tasks' real database queue and worker: the delivery is a low-priority
job of the ``default`` queue enqueued after commit, and a failure enqueues the next
attempt deferred with ``run_after`` at the back-off's time."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.test import override_settings
from django_tasks_db.models import DBTaskResult

from tests.core.test_task_queues import DB_TASKS, take_one
from webhooks.models import Delivery
from webhooks.publish import publish

pytestmark = pytest.mark.django_db(transaction=True)


@override_settings(TASKS=DB_TASKS)
def test_a_failed_attempt_is_deferred_to_the_back_off_then_delivered(endpoint, receiver):
    receiver.stop()
    with transaction.atomic():
        publish(endpoint.organization, "ping", {}, endpoints=[endpoint])
        assert not DBTaskResult.objects.exists()  # nothing before commit
    (job,) = DBTaskResult.objects.all()
    assert job.task_path == "webhooks.tasks.deliver_webhook"
    assert job.queue_name == "default" and job.priority < 0  # receipts and emails first

    take_one(["default"])
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    (retry,) = DBTaskResult.objects.filter(status="READY")
    assert retry.run_after == delivery.next_attempt_at  # deferred, not run again at once

    receiver.start()
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=delivery.created_at)  # time passes
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=delivery.created_at)
    DBTaskResult.objects.exclude(pk=retry.pk).delete()
    take_one(["default"])
    assert Delivery.objects.get().status == Delivery.Status.DELIVERED
    assert receiver.received[0].valid
