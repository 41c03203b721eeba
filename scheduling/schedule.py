"""The cron of one installation: the scheduler enqueues what is due, the worker runs it.

``tick()`` is called every few seconds by ``manage.py run_schedule`` (a child of
``manage.py serve``). For each job in ``settings.SCHEDULE`` that is due it moves the
job's ``ScheduledRun.next_run_at`` forward with a conditional UPDATE and, in the same
transaction, enqueues ``run_scheduled`` for the worker. On PostgreSQL a second
scheduler's UPDATE waits for the first one's row lock and then finds the row no longer
due; on SQLite writes are serialised. So a job runs once per interval however many
schedulers run, and a restart does not run everything again.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from scheduling.models import ScheduledRun

log = logging.getLogger(__name__)

#: The only commands a schedule may name (the task takes a name, never a command line).
COMMANDS: dict[str, tuple[str, ...]] = {
    "send_outbox": ("send_outbox",),
    "push_aca": ("push_aca",),
    "purge_document_bundles": ("purge_document_bundles",),
    "purge_unactivated_accounts": ("purge_unactivated_accounts",),
    "reconcile_payments": ("reconcile_payments",),
    "prune_db_task_results": ("prune_db_task_results", "--queue-name", "*"),
    "identity_fetch_metadata": ("identity_fetch_metadata",),
    "resume_imports": ("resume_imports",),
}


def configured() -> dict[str, int]:
    """The jobs switched on, with their interval in seconds."""
    unknown = set(settings.SCHEDULE) - set(COMMANDS)
    if unknown:
        raise ValueError(f"SCHEDULE names unknown jobs: {', '.join(sorted(unknown))}")
    return {name: seconds for name, seconds in settings.SCHEDULE.items() if seconds > 0}


def tick(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every job that is due; return their names."""
    from scheduling.tasks import run_scheduled

    now = now or timezone.now()
    jobs = configured()
    # A job never seen before is due at once.
    ScheduledRun.objects.bulk_create(
        [ScheduledRun(name=name, next_run_at=now) for name in jobs], ignore_conflicts=True)
    started = []
    for name, seconds in jobs.items():
        with transaction.atomic():
            taken = ScheduledRun.objects.filter(name=name, next_run_at__lte=now).update(
                next_run_at=now + dt.timedelta(seconds=seconds), last_run_at=now)
            if taken:
                run_scheduled.enqueue(name)
                started.append(name)
    if started:
        log.info("Scheduled jobs enqueued: %s", ", ".join(started))
    return started
