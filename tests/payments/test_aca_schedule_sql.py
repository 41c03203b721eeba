"""Issue 17: marking an option's ACA mirror stale runs on every paid receipt, under its
lock. The upsert is written once per database vendor from ``AcaPush._meta``, not again
on each call, and it is still one statement that creates the row or makes it pending
again without touching one already pending."""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext

from payments import aca
from payments.models import AcaPush


def test_one_statement_written_once(make_position):
    option = make_position().options.get()
    AcaPush.objects.filter(option=option).update(status=AcaPush.Status.DONE, attempts=3)
    aca._mark_pending_sql.cache_clear()
    with CaptureQueriesContext(connection) as statements:
        aca._mark_pending(option.pk)
        first = AcaPush.objects.get(option=option)
        aca._mark_pending(option.pk)  # already pending: keeps its time and attempts
    assert aca._mark_pending_sql.cache_info().hits == 1  # built once, used twice
    writes = [q for q in statements.captured_queries if q["sql"].startswith("INSERT")]
    assert len(writes) == 2
    again = AcaPush.objects.get(option=option)
    assert (first.status, first.attempts) == (AcaPush.Status.PENDING, 0)
    assert again.pending_since == first.pending_since
    assert abs(first.pending_since - first.next_attempt_at) < dt.timedelta(seconds=1)
