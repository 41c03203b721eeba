"""What is waiting in the background: the job queue and the email outbox.

Read by ``/healthz`` and the Prometheus metrics: a worker that stopped (or cannot keep
up) shows as a growing backlog and an old oldest job long before a payer complains.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Min
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from mail.models import OutgoingEmail


@dataclass(frozen=True)
class Backlog:
    jobs_ready: int  # jobs the worker may run now and has not started
    oldest_job_age: dt.timedelta | None  # how long the oldest of them has been due
    outbox_due: int  # emails queued whose (next) attempt is due

    @property
    def oldest_job_seconds(self) -> float | None:
        return None if self.oldest_job_age is None else self.oldest_job_age.total_seconds()


def backlog(now: dt.datetime | None = None) -> Backlog:
    """Three cheap queries on indexed columns."""
    now = now or timezone.now()
    ready = DBTaskResult.objects.ready()
    # A job is due from when it was enqueued, or from its run_after when it was delayed.
    undelayed = ready.filter(run_after=get_date_max()).aggregate(oldest=Min("enqueued_at"))
    delayed = ready.exclude(run_after=get_date_max()).aggregate(oldest=Min("run_after"))
    due_since = [t for t in (undelayed["oldest"], delayed["oldest"]) if t is not None]
    outbox_due = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED,
                                              next_attempt_at__lte=now).count()
    return Backlog(jobs_ready=ready.count(),
                   oldest_job_age=max(now - min(due_since), dt.timedelta(0))
                   if due_since else None,
                   outbox_due=outbox_due)
