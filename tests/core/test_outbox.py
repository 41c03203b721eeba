"""The one outbox helper the email outbox and the ACA mirror share (sportello/outbox.py)."""

import ast
import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from mail.models import FIRST_RETRY, LONGEST_RETRY, OutgoingEmail
from payments import aca
from sportello import outbox

ROOT = Path(__file__).resolve().parents[2]
MINUTE = dt.timedelta(minutes=1)


def test_backoff_doubles_up_to_its_ceiling():
    delays = [outbox.backoff(n, 2 * MINUTE, 60 * MINUTE) for n in range(1, 8)]
    assert delays == [2 * MINUTE, 4 * MINUTE, 8 * MINUTE, 16 * MINUTE, 32 * MINUTE,
                      60 * MINUTE, 60 * MINUTE]
    assert outbox.backoff(0, FIRST_RETRY, LONGEST_RETRY) == FIRST_RETRY


def test_the_aca_delays_are_the_ones_it_always_had():
    """Before the helper: ``min(timedelta(minutes=2 ** attempts), MAX_DELAY)``."""
    for attempts in range(1, 12):
        assert outbox.backoff(attempts, aca.FIRST_DELAY, aca.MAX_DELAY) == min(
            dt.timedelta(minutes=2 ** attempts), aca.MAX_DELAY)


@pytest.mark.django_db
def test_a_row_is_claimed_once_per_lease_and_counted():
    email = OutgoingEmail.objects.create(to="a@example.it", subject="s", body_text="t")
    rows = OutgoingEmail.objects.filter(pk=email.pk)
    now = timezone.now()
    assert outbox.claim(rows, now, 5 * MINUTE)
    assert not outbox.claim(rows, now, 5 * MINUTE)  # another worker holds the lease
    assert outbox.claim(rows, now + 6 * MINUTE, 5 * MINUTE)  # the lease ended
    email.refresh_from_db()
    assert email.attempts == 2 and email.next_attempt_at == now + 11 * MINUTE


@pytest.mark.django_db
def test_due_lists_the_longest_waiting_first_and_not_the_future():
    now = timezone.now()
    late, early, future = (OutgoingEmail.objects.create(
        to="a@example.it", subject="s", body_text="t", next_attempt_at=now + delta)
        for delta in (-MINUTE, -2 * MINUTE, MINUTE))
    assert outbox.due(OutgoingEmail.objects.all(), now, "pk", 10) == [early.pk, late.pk]
    assert outbox.due(OutgoingEmail.objects.all(), now, "pk", 1) == [early.pk]


@pytest.mark.django_db
def test_both_sweepers_are_the_shared_command():
    out = StringIO()
    call_command("send_outbox", verbosity=2, stdout=out)
    call_command("push_aca", stdout=out)
    assert out.getvalue() == "0 email(s) sent\n"


@pytest.mark.parametrize("path", ["mail/outbox.py", "payments/aca.py"])
def test_mail_and_aca_write_no_lease_loop_of_their_own(path):
    """The claim (an UPDATE of next_attempt_at with F("attempts") + 1) is only in the
    helper: neither module builds F() expressions nor picks due rows itself."""
    source = (ROOT / path).read_text()
    names = {node.id for node in ast.walk(ast.parse(source)) if isinstance(node, ast.Name)}
    assert "F" not in names and "next_attempt_at__lte" not in source
    assert "outbox.claim(" in source and "outbox.due(" in source
