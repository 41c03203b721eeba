"""What is waiting in the background: the job queues and the email outbox.

Read by ``/healthz`` and the Prometheus metrics: a worker that stopped (or cannot keep
up) shows as a growing backlog and an old oldest job long before a payer complains.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Min
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.models import DBTaskResult, get_date_max


@dataclass(frozen=True)
class QueueBacklog:
    ready: int  # jobs the worker may run now and has not started
    oldest_age: dt.timedelta | None  # how long the oldest of them has been due

    @property
    def oldest_seconds(self) -> float | None:
        return None if self.oldest_age is None else self.oldest_age.total_seconds()


@dataclass(frozen=True)
class Backlog:
    queues: dict[str, QueueBacklog] = field(default_factory=dict)  # queues with ready jobs
    outbox_due: int = 0  # emails queued whose (next) attempt is due

    @property
    def jobs_ready(self) -> int:
        return sum(queue.ready for queue in self.queues.values())

    @property
    def oldest_job_seconds(self) -> float | None:
        ages = [q.oldest_seconds for q in self.queues.values() if q.oldest_seconds is not None]
        return max(ages, default=None)


def backlog(now: dt.datetime | None = None) -> Backlog:
    """A few grouped queries on indexed columns, whatever the number of jobs."""
    now = now or timezone.now()
    ready = DBTaskResult.objects.ready().order_by().values("queue_name")
    # A job is due from when it was enqueued, or from its run_after when it was delayed.
    undelayed = ready.filter(run_after=get_date_max()).annotate(
        count=Count("pk"), since=Min("enqueued_at"))
    delayed = ready.exclude(run_after=get_date_max()).annotate(
        count=Count("pk"), since=Min("run_after"))
    counts: dict[str, int] = {}
    since: dict[str, dt.datetime] = {}
    for row in [*undelayed, *delayed]:
        name = row["queue_name"]
        counts[name] = counts.get(name, 0) + row["count"]
        since[name] = min(since.get(name, row["since"]), row["since"])
    queues = {name: QueueBacklog(ready=counts[name],
                                 oldest_age=max(now - since[name], dt.timedelta(0)))
              for name in sorted(counts)}
    # The kit does not import mail (a higher layer): a setting names the count.
    outbox_due = import_string(settings.HEALTH_OUTBOX_DUE)(now)
    return Backlog(queues=queues, outbox_due=outbox_due)
