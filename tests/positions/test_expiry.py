"""Expiry: options of positions that stop being payable at their due date expire once it
has passed (and only those), unless a payment is in progress."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone

from positions import events
from positions.expiry import expire_due
from positions.models import PaymentOption, PaymentPosition
from positions.services import OptionSpec

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def status(option) -> str:
    return PaymentOption.objects.get(pk=option.pk).status


@pytest.fixture
def heard():
    seen = []

    def listen(sender, option, **kwargs):
        seen.append(option.pk)

    events.option_expired.connect(listen)
    yield seen
    events.option_expired.disconnect(listen)


def test_past_due_unpaid_options_of_switch_to_expired_positions_expire(make_position, heard):
    position = make_position(switch_to_expired=True, installments=[
        OptionSpec(1000, TODAY + dt.timedelta(days=1), installment_number=1),
        OptionSpec(1000, TODAY + dt.timedelta(days=40), installment_number=2)])
    first, second = position.options.order_by("installment_number")
    run = expire_due(TODAY + dt.timedelta(days=2))
    assert (run.expired, run.positions) == (1, 1)
    assert status(first) == "expired" and status(second) == "unpaid"
    assert heard == [first.pk]  # the webhooks (and others) are told
    expire_due(TODAY + dt.timedelta(days=41))
    assert status(second) == "expired"
    assert PaymentPosition.objects.get(pk=position.pk).status == "expired"
    assert expire_due(TODAY + dt.timedelta(days=60)).expired == 0  # once only


def test_the_due_date_itself_is_still_payable(make_position):
    option = make_position(switch_to_expired=True).options.get()
    assert expire_due(option.due_date).expired == 0
    assert status(option) == "unpaid"


def test_positions_payable_after_the_due_date_never_expire(make_position):
    option = make_position(switch_to_expired=False).options.get()
    assert expire_due(option.due_date + dt.timedelta(days=365)).expired == 0
    assert status(option) == "unpaid"


def test_paid_and_cancelled_options_are_left_alone(make_position):
    paid = make_position(switch_to_expired=True).options.get()
    paid.mark_paid()
    cancelled = make_position(reference="X-2", switch_to_expired=True).options.get()
    cancelled.cancel()
    expire_due(TODAY + dt.timedelta(days=365))
    assert status(paid) == "paid" and status(cancelled) == "cancelled"


def test_an_option_being_paid_is_skipped_until_the_payment_ends(make_position, organization):
    from payments.models import PaymentAttempt

    option = make_position(switch_to_expired=True).options.get()
    attempt = PaymentAttempt.objects.create(organization=organization, amount_cents=2200)
    attempt.options.add(option)
    later = option.due_date + dt.timedelta(days=1)
    run = expire_due(later)
    assert (run.expired, run.skipped_in_progress) == (0, 1)
    assert status(option) == "unpaid"
    PaymentAttempt.objects.filter(pk=attempt.pk).update(
        created_at=timezone.now() - dt.timedelta(hours=1))  # the token's 30 minutes are over
    assert expire_due(later).expired == 1


def test_the_command_and_the_schedule(make_position, settings):
    from scheduling.schedule import COMMANDS, configured

    option = make_position(switch_to_expired=True).options.get()
    out = StringIO()
    call_command("expire_positions", "--today",
                 (option.due_date + dt.timedelta(days=1)).isoformat(), stdout=out)
    assert "1 options expired in 1 positions" in out.getvalue()
    assert status(option) == "expired"
    assert "expire_positions" in COMMANDS and "send_webhooks" in COMMANDS
    assert configured()["expire_positions"] > 0 and configured()["send_webhooks"] > 0


def test_a_position_s_options_expiring_together_are_announced_once(make_position):
    seen = []

    def listen(sender, position, options, payable, **kwargs):
        seen.append((position.pk, [o.pk for o in options], payable))

    due = TODAY + dt.timedelta(days=1)
    position = make_position(switch_to_expired=True, installments=[
        OptionSpec(3000, due), OptionSpec(1000, due, installment_number=1),
        OptionSpec(2000, TODAY + dt.timedelta(days=40), installment_number=2)])
    single, first, second = position.options.order_by("plan", "pk")
    events.options_expired.connect(listen)
    try:
        expire_due(TODAY + dt.timedelta(days=2))
        expire_due(TODAY + dt.timedelta(days=41))
    finally:
        events.options_expired.disconnect(listen)
    assert seen == [(position.pk, [single.pk, first.pk], True),
                    (position.pk, [second.pk], False)]
