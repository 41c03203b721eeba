"""positions.events: each writer tells what happened, inside its transaction, so the apps
that notify someone (webhooks, App IO, reminders) never need the writers to call them."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from django.db import transaction

from positions import events
from positions.editing import (
    DebtorSpec,
    cancel_position,
    create_staff_position,
    reopen_position,
    update_position,
)
from positions.models import PaymentOption, PaymentPosition
from positions.services import OptionSpec

DUE = date.today() + timedelta(days=30)


@contextmanager
def listening(signal):
    heard: list[dict] = []

    def receiver(sender, **kwargs):
        heard.append({**kwargs, "in_transaction": transaction.get_connection().in_atomic_block})

    signal.connect(receiver, weak=False)
    try:
        yield heard
    finally:
        signal.disconnect(receiver)


@pytest.fixture
def position(db, organization, service):
    return create_staff_position(
        organization=organization, service=service, causale="TARI 2026",
        debtor=DebtorSpec("RSSMRA80E12H501I", "Mario Rossi"),
        options=[OptionSpec(12000, DUE)])


def test_a_created_position_is_announced_inside_its_transaction(db, organization, service):
    with listening(events.positions_created) as heard:
        position = create_staff_position(
            organization=organization, service=service, causale="TARI 2026",
            debtor=DebtorSpec("RSSMRA80E12H501I", "Mario Rossi"),
            options=[OptionSpec(12000, DUE)])
    assert [(h["organization"], h["position_ids"], h["origin"]) for h in heard] == [
        (organization, [position.pk], PaymentPosition.Origin.ENTE)]
    assert heard[0]["in_transaction"]


def test_an_update_names_what_changed(position):
    option = position.options.get()
    with listening(events.position_changed) as heard:
        update_position(position, expected_version=position.version, causale="TARI 2026",
                        external_reference="", switch_to_expired=False,
                        options={option.pk: OptionSpec(9000, DUE + timedelta(days=5))})
    assert heard[0]["changes"] == {events.AMOUNT, events.DUE_DATE}
    assert heard[0]["position"].pk == position.pk


def test_an_update_that_changes_nothing_announces_nothing(position):
    option = position.options.get()
    with listening(events.position_changed) as heard:
        update_position(position, expected_version=position.version, causale="TARI 2026",
                        external_reference="", switch_to_expired=False,
                        options={option.pk: OptionSpec(12000, DUE)})
    assert heard == []


def test_cancel_and_reopen_are_announced(position, organization, service):
    with listening(events.position_cancelled) as heard:
        cancel_position(position, expected_version=position.version, reason="Doppione")
    assert heard[0]["reason"] == "Doppione"

    other = create_staff_position(
        organization=organization, service=service, causale="Mensa",
        debtor=DebtorSpec("RSSMRA80E12H501I", "Mario Rossi"),
        options=[OptionSpec(5000, DUE)])
    option = other.options.get()
    with listening(events.option_expired) as expired:
        option.expire()
    assert expired[0]["option"].pk == option.pk
    other.refresh_from_db()
    with listening(events.position_changed) as changed:
        reopen_position(other, expected_version=other.version,
                        due_dates={option.pk: DUE + timedelta(days=10)})
    assert {events.REOPENED, events.DUE_DATE} <= changed[0]["changes"]


def test_a_paid_option_is_announced(position):
    option = position.options.get()
    with listening(events.option_paid) as heard, transaction.atomic():
        option.mark_paid()
    assert heard[0]["option"].status == PaymentOption.Status.PAID
