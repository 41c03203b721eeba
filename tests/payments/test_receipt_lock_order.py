"""Issue 17: the receipt's one locking SELECT (``FOR UPDATE OF p, o``) takes the position's
row before the option's, the order of every other writer of a position's options (expiry,
editing, cancelling lock the position first). If it took the option first, a receipt and
such a writer could each hold one row and wait for the other: a deadlock.

Arranged on PostgreSQL's real locks: another transaction holds the option's row; the
receipt's lock statement must then be waiting *with the position already locked*, so a
third transaction's ``NOWAIT`` on the position fails."""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connection, connections, transaction

from payments import receipts
from positions.models import PaymentOption, PaymentPosition
from tests.concurrency import PATIENCE, wait_until_blocked_or_done

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_receipt_locks_the_position_before_the_option(make_position, organization):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    option = make_position().options.get()
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    receiver_pid: list[int] = []
    errors: list[BaseException] = []

    def hold_the_option() -> None:
        try:
            with transaction.atomic():
                PaymentOption.objects.select_for_update().get(pk=option.pk)
                holding.set()
                release.wait(PATIENCE)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    def lock_for_a_receipt() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                receiver_pid.append(cursor.fetchone()[0])
            with transaction.atomic():
                assert receipts._lock_option(organization, option.notice_number) is not None
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()
            done.set()

    holder = threading.Thread(target=hold_the_option)
    holder.start()
    assert holding.wait(PATIENCE)
    receiver = threading.Thread(target=lock_for_a_receipt)
    receiver.start()
    # Wait (polling PostgreSQL, no fixed sleep) until the receipt waits on the option.
    wait_until_blocked_or_done(receiver_pid, done, "the receipt's lock")
    try:
        assert not done.is_set(), "the receipt did not wait for the option's lock"
        with pytest.raises(OperationalError), transaction.atomic():
            PaymentPosition.objects.select_for_update(nowait=True).get(pk=option.position_id)
    finally:
        release.set()
        holder.join(PATIENCE)
        receiver.join(PATIENCE)
    assert not errors, errors
