"""Two runs of send_reminders at the same instant (two workers, or the scheduler and an
operator) send one email: on PostgreSQL's real locks, the race arranged, not hoped for.

The first run is held inside its transaction (the reminder row written, not committed)
until the second one is blocked on it (waiting for the unique index entry) or done; then
the first commits and the second finds the row taken. Without the unique row both would
queue an email."""

from __future__ import annotations

import threading
from datetime import date, timedelta

import pytest
from django.db import connection, connections

from mail.models import OutgoingEmail
from positions.services import OptionSpec
from reminders import sending
from reminders.models import Reminder, ReminderPolicy
from reminders.signals import reminder_due
from tests.concurrency import PATIENCE, wait_until_blocked_or_done

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
DUE = date(2026, 12, 20)


def test_two_runs_at_once_send_one_email(make_position, debtor, service):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    ReminderPolicy.objects.create(service=service, enabled=True)
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    make_position(installments=[OptionSpec(2200, DUE)])

    first_recorded, release_first, second_done = (threading.Event(), threading.Event(),
                                                  threading.Event())
    second_pid: list[int] = []
    errors: list[BaseException] = []
    results: dict[str, dict] = {}

    def hold_first(sender, **kwargs):
        if threading.current_thread().name == "first":
            first_recorded.set()
            release_first.wait(PATIENCE)  # inside the transaction, the row uncommitted

    def run(name: str) -> None:
        try:
            if name == "second":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_backend_pid()")
                    second_pid.append(cursor.fetchone()[0])
            results[name] = sending.send(DUE - timedelta(days=3))
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()
            if name == "second":
                second_done.set()

    reminder_due.connect(hold_first)
    try:
        one = threading.Thread(target=run, args=("first",), name="first")
        two = threading.Thread(target=run, args=("second",), name="second")
        one.start()
        assert first_recorded.wait(PATIENCE)
        two.start()
        wait_until_blocked_or_done(second_pid, second_done, "the second run")
        release_first.set()
        one.join(PATIENCE)
        two.join(PATIENCE)
    finally:
        reminder_due.disconnect(hold_first)

    assert not errors, errors
    assert Reminder.objects.count() == 1
    assert OutgoingEmail.objects.count() == 1
    assert results["first"]["emails"] == 1 and results["second"]["emails"] == 0
