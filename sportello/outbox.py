"""The outbox pattern, written once for the email outbox (``mail/outbox.py``) and the ACA
mirror (``payments/aca.py``).

A row says what must leave. A worker claims it with one UPDATE that pushes its next
attempt a lease ahead, so two workers never send it together and no transaction stays
open during the network call (which would block every writer on SQLite); a worker that
dies mid-send leaves the row to be retried when the lease ends: at least once, never
zero. A failure is retried with a back-off that doubles up to a ceiling, until a
deadline. A sweeper (a management command, once or in a loop) tries whatever is due, so
nothing depends on the job queue alone. The rows need ``attempts`` and
``next_attempt_at``. The sandbox keeps its own loop: it plays another party.

A change that must be followed by a job (a receipt and its email, an option and its ACA
push) hands it over with :func:`enqueue_with_change`: when the job queue is the database,
the job's row is written in the change's own transaction (one commit instead of one per
job, and no job lost between the commit and the enqueue); any other queue gets the job
after commit.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

from django.core.management.base import BaseCommand
from django.db import connections, transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django_tasks_db import DatabaseBackend
from django_tasks_db.compat import TaskResultStatus, normalize_json, task_enqueued
from django_tasks_db.models import DBTaskResult, get_date_max

from sportello.sqlrows import Insert


def claim(rows: QuerySet, now: dt.datetime, lease: dt.timedelta) -> bool:
    """Claim the due rows of ``rows`` for one attempt (count it, push the next a lease
    ahead); False when another worker has it or its time has not come."""
    return bool(rows.filter(next_attempt_at__lte=now).update(
        next_attempt_at=now + lease, attempts=F("attempts") + 1))


def backoff(attempts: int, first: dt.timedelta, longest: dt.timedelta) -> dt.timedelta:
    """``first`` after the first attempt, doubling after each further one, at most
    ``longest``."""
    return min(first * (2 ** max(attempts - 1, 0)), longest)


def due(rows: QuerySet, now: dt.datetime, field: str, limit: int) -> list:
    """``field`` of the rows whose time has come, the longest waiting first."""
    return list(rows.filter(next_attempt_at__lte=now).order_by("next_attempt_at")
                .values_list(field, flat=True)[:limit])


def due_count(rows: QuerySet, now: dt.datetime) -> int:
    """How many of the rows are due: the backlog that /healthz and the metrics show."""
    return rows.filter(next_attempt_at__lte=now).count()


def enqueue(task, argument, logger: logging.Logger, failure: str,
            run_after: dt.datetime | None = None) -> None:
    """Hand one attempt to the job queue; if it cannot take it (or cannot defer to
    ``run_after``), the sweeper will. ``failure`` is logged to ``logger``, with
    ``argument``."""
    if run_after is not None:
        if not task.get_backend().supports_defer:
            return
        task = task.using(run_after=run_after)
    try:
        task.enqueue(argument)
    except Exception:  # noqa: BLE001 - the sweeper will pick it up
        logger.exception(failure, argument)


def queued_in_transaction(task) -> bool:
    """Whether ``task``'s job row would be written in the current transaction: its queue
    is the database (the job table lives on the default database) and a transaction is
    open there."""
    return (isinstance(task.get_backend(), DatabaseBackend)
            and connections["default"].in_atomic_block)


def enqueue_with_change(task, argument, logger: logging.Logger, failure: str) -> None:
    """Hand one attempt to the job queue together with the current transaction's change.

    With the database queue the job row is inserted now: it commits with the change (the
    worker cannot see it earlier) or rolls back with it, and its failure fails the change
    (the caller's transaction is broken anyway when an INSERT fails). Any other backend,
    or no transaction open, gets :func:`enqueue` after commit, as before."""
    if queued_in_transaction(task):
        insert_job(task, argument)
        return
    transaction.on_commit(lambda: enqueue(task, argument, logger, failure))


#: The job row of django-tasks' database backend, every column of it.
_JOB_ROW = Insert(DBTaskResult, [
    "id", "status", "enqueued_at", "started_at", "finished_at", "args_kwargs", "priority",
    "task_path", "worker_ids", "queue_name", "backend_name", "run_after", "return_value",
    "exception_class_path", "traceback"], returning_pk=False)


def insert_job(task, argument) -> None:
    """``task.enqueue(argument)`` on the database backend, in one hand-written INSERT.

    The same row ``DatabaseBackend.enqueue`` writes through ``DBTaskResult.objects.create``
    (its id function, the JSON of ``{"args": [...], "kwargs": {}}``, the task's priority,
    queue and ``run_after`` — "now" stored as the backend's far date, as its ``pre_save``
    does), after the same validation and followed by the same ``task_enqueued`` signal;
    without the ORM building and compiling the statement (~0.5 ms a job, two jobs under
    a receipt's lock)."""
    backend = task.get_backend()
    backend.validate_task(task)
    row = {"id": backend._get_id(), "status": TaskResultStatus.READY,
           "enqueued_at": timezone.now(), "started_at": None, "finished_at": None,
           "args_kwargs": normalize_json({"args": (argument,), "kwargs": {}}),
           "priority": task.priority, "task_path": task.module_path, "worker_ids": [],
           "queue_name": task.queue_name, "backend_name": backend.alias,
           "run_after": task.run_after or get_date_max(), "return_value": None,
           "exception_class_path": "", "traceback": ""}
    _JOB_ROW.execute(row)
    job = _JOB_ROW.instance(row["id"], row)
    task_enqueued.send(type(backend), task_result=job.task_result)


class SweeperCommand(BaseCommand):
    """``manage.py <sweeper> [--loop SECONDS]``: one pass, or one every SECONDS."""

    loop_help = "Keep running, checking every SECONDS."

    def sweep(self) -> int:
        """One pass; how many rows it handled."""
        raise NotImplementedError

    def report(self, count: int, verbosity: int) -> str | None:
        """The line to print after a pass, if any."""
        return None

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, default=0, metavar="SECONDS",
                            help=self.loop_help)

    def handle(self, *args, loop: float = 0, **options):
        while True:
            line = self.report(self.sweep(), options["verbosity"])
            if line:
                self.stdout.write(line)
            if not loop:
                return
            time.sleep(loop)
