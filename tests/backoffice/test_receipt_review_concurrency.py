"""Two staff act on the same flagged receipt at once (one applies it, the other marks it
handled): PostgreSQL's row locks let exactly one decide, the other is refused."""

from __future__ import annotations

import threading

import pytest
from django.db import close_old_connections, connection

from audit.models import AuditEntry
from payments import receipts
from payments.models import Receipt
from positions.models import PaymentOption
from tests.backoffice.conftest import make_staff
from tests.payments.test_receipt_review import deliver, info_for

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_apply_and_handle_at_once_one_wins(organization, make_position):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    option = make_position().options.get()
    flagged = deliver(option, info_for(option, amount_cents=2000), wrong_station=True).receipt
    first = make_staff(organization, "uno@example.it")
    second = make_staff(organization, "due@example.it")
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def act(name, action):
        start.wait()
        try:
            action()
            outcomes[name] = "done"
        except receipts.ReviewRefused:
            outcomes[name] = "refused"
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=act, args=("apply", lambda: receipts.apply_after_review(
            Receipt.objects.get(pk=flagged.pk), first, note="ok"))),
        threading.Thread(target=act, args=("handle", lambda: receipts.mark_handled(
            Receipt.objects.get(pk=flagged.pk), second, "rimborso"))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(outcomes.values()) == ["done", "refused"]
    receipt = Receipt.objects.get(pk=flagged.pk)
    paid = PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.PAID
    assert paid == (outcomes["apply"] == "done") == receipt.applied
    decisions = AuditEntry.objects.filter(action__in=["receipt.applied_after_review",
                                                      "receipt.handled"])
    assert decisions.count() == 1
