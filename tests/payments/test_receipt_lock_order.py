"""Issue 17: the receipt's one locking SELECT (``FOR UPDATE OF p, o``) takes the position's
row before the option's, the order of every other writer of a position's options (expiry,
editing, cancelling lock the position first). If it took the option first, a receipt and
such a writer could each hold one row and wait for the other: a deadlock.

Arranged on PostgreSQL's real locks: another transaction holds the option's row; the
receipt's lock statement must then be waiting *with the position already locked*, so a
third transaction's ``NOWAIT`` on the position fails."""

from __future__ import annotations

import pytest
from django.db import OperationalError, connection, transaction

from payments import receipts
from positions.models import PaymentOption, PaymentPosition
from tests.concurrency import waits_for_holder

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_receipt_locks_the_position_before_the_option(make_position, organization):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    option = make_position().options.get()

    def lock_for_a_receipt() -> None:
        with transaction.atomic():
            assert receipts._lock_option(organization, option.notice_number) is not None

    def the_position_is_locked() -> None:
        with pytest.raises(OperationalError), transaction.atomic():
            PaymentPosition.objects.select_for_update(nowait=True).get(pk=option.position_id)

    waits_for_holder(lambda: PaymentOption.objects.select_for_update().get(pk=option.pk),
                     lock_for_a_receipt, "the receipt's lock",
                     while_waiting=the_position_is_locked)
