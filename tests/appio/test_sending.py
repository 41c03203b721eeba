"""Each IO message kind and each failure, against the sandbox's IO over HTTP (live
server): what the portal records, what IO received, what is retried and what is not."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.utils import timezone

from appio import sending
from appio.models import IoConfig, IoMessage
from positions import editing
from positions.models import PaymentPosition
from positions.services import OptionSpec
from sandbox.models import IoMessage as InboxMessage
from sandbox.models import IoService
from tests.appio.conftest import KEY

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def ready(io_site, io_config, citizen):
    return io_config


def test_new_position_sends_a_message_with_payment_data_and_pay_link(ready, make_position,
                                                                     organization):
    position = make_position()
    message = IoMessage.objects.get(position=position)
    assert message.kind == IoMessage.Kind.CREATED
    assert message.state == IoMessage.State.SENT, message.error
    received = InboxMessage.objects.get()
    assert message.io_message_id == received.id
    option = position.options.get()
    body = received.body["content"]
    assert body["payment_data"] == {"amount": 2200, "notice_number": option.notice_number,
                                    "invalid_after_due_date": False,
                                    "payee": {"fiscal_code": organization.fiscal_code}}
    assert 10 <= len(body["subject"]) <= 120 and "Comune di Prova" in body["subject"]
    assert 80 <= len(body["markdown"]) <= 10000
    assert f"/{organization.slug}/paga/" in body["markdown"]  # the signed pay link
    assert "22,00 €" in body["markdown"] and "Trasporto scolastico" in body["markdown"]
    assert body["due_date"].endswith("Z")
    assert received.status == InboxMessage.Status.PROCESSED
    # The key is stored encrypted, never as typed.
    config = IoConfig.objects.get()
    assert KEY not in config.api_key_encrypted and config.api_key == KEY


def test_spontaneous_position_and_ente_without_io_send_nothing(ready, make_position,
                                                               organization, other_organization):
    make_position(origin=PaymentPosition.Origin.SPONTANEOUS)
    IoConfig.objects.filter(pk=ready.pk).update(enabled=False)
    make_position(reference="TS-2")
    assert not IoMessage.objects.exists() and not InboxMessage.objects.exists()


def test_change_of_amount_sends_an_update(ready, make_position):
    position = make_position()
    option = position.options.get()
    editing.update_position(
        position, expected_version=position.version, causale=position.causale,
        external_reference=position.external_reference, switch_to_expired=False,
        options={option.pk: OptionSpec(3000, option.due_date)})
    changed = IoMessage.objects.get(kind=IoMessage.Kind.CHANGED)
    assert changed.state == IoMessage.State.SENT, changed.error
    assert InboxMessage.objects.get(pk=changed.io_message_id).amount_cents == 3000
    # A change of the causale alone tells the citizen nothing new.
    position.refresh_from_db()
    editing.update_position(
        position, expected_version=position.version, causale="Altra causale",
        external_reference=position.external_reference, switch_to_expired=False,
        options={option.pk: OptionSpec(3000, option.due_date)})
    assert IoMessage.objects.filter(kind=IoMessage.Kind.CHANGED).count() == 1


def test_reminder_is_sent_once_per_option_kind_and_date(ready, make_position):
    from reminders.signals import reminder_due

    position = make_position()
    option = position.options.get()
    for _ in range(2):
        with transaction.atomic():
            reminder_due.send(None, position=position, option=option, kind="before",
                              due_date=option.due_date)
    reminder = IoMessage.objects.get(kind=IoMessage.Kind.REMINDER)
    assert reminder.state == IoMessage.State.SENT, reminder.error
    assert reminder.option == option
    assert "scade a breve" in InboxMessage.objects.get(pk=reminder.io_message_id).markdown


def test_no_profile_is_recorded_and_not_retried(ready, make_position, citizen):
    citizen.delete()
    position = make_position()
    message = IoMessage.objects.get(position=position)
    assert message.state == IoMessage.State.NO_PROFILE and message.last_status_code == 404
    assert sending.send_due(timezone.now() + dt.timedelta(days=1)) == 0
    assert not InboxMessage.objects.exists()


def test_profile_not_found_failure_mode(ready, make_position, io_service):
    IoService.objects.filter(pk=io_service.pk).update(
        failure=IoService.Failure.PROFILE_NOT_FOUND)
    make_position()
    assert IoMessage.objects.get().state == IoMessage.State.NO_PROFILE


def test_service_blocked_by_the_citizen_is_respected(ready, make_position, citizen,
                                                     io_service):
    citizen.blocked_services.add(io_service)
    make_position()
    assert IoMessage.objects.get().state == IoMessage.State.BLOCKED
    assert not InboxMessage.objects.exists()  # sender_allowed false: nothing submitted


def test_service_not_allowed_is_a_refusal_not_a_retry(ready, make_position, io_service):
    IoService.objects.filter(pk=io_service.pk).update(failure=IoService.Failure.NOT_ALLOWED)
    make_position()
    message = IoMessage.objects.get()
    assert message.state == IoMessage.State.REFUSED and message.last_status_code == 403
    assert not IoConfig.objects.get().suspended_at  # the key itself is fine


def test_429_waits_what_retry_after_says_then_sends(ready, make_position, io_service):
    IoService.objects.filter(pk=io_service.pk).update(failure=IoService.Failure.TOO_MANY,
                                                      retry_after_seconds=120)
    before = timezone.now()
    make_position()
    message = IoMessage.objects.get()
    assert message.state == IoMessage.State.PENDING and message.last_status_code == 429
    wait = message.next_attempt_at - before
    assert dt.timedelta(seconds=119) <= wait <= dt.timedelta(seconds=180)
    assert sending.send_due() == 0  # not before its time
    IoService.objects.filter(pk=io_service.pk).update(failure=IoService.Failure.NONE)
    assert sending.send_due(message.next_attempt_at) == 1
    message.refresh_from_db()
    assert message.state == IoMessage.State.SENT and message.attempts == 2


def test_500_backs_off_and_gives_up_after_two_days(ready, make_position, io_service):
    IoService.objects.filter(pk=io_service.pk).update(failure=IoService.Failure.ERROR)
    make_position()
    message = IoMessage.objects.get()
    assert message.state == IoMessage.State.PENDING and message.last_status_code == 500
    later = message.next_attempt_at
    sending.send_due(later)
    message.refresh_from_db()
    assert message.next_attempt_at - later >= dt.timedelta(minutes=4)  # doubled
    sending.send_due(message.pending_since + dt.timedelta(days=3))
    message.refresh_from_db()
    assert message.state == IoMessage.State.FAILED


@pytest.mark.parametrize("refusal", ["unknown", "suspended"])
def test_refused_key_stops_the_entes_sends_instead_of_looping(refusal, ready, make_position,
                                                              io_service):
    if refusal == "unknown":
        IoService.objects.filter(pk=io_service.pk).update(key="another-key")
    else:
        IoService.objects.filter(pk=io_service.pk).update(suspended=True)
    first = make_position()
    config = IoConfig.objects.get()
    assert config.suspended_at is not None
    assert IoMessage.objects.get(position=first).state == IoMessage.State.HELD
    make_position(reference="TS-2")  # nothing more is queued while suspended
    assert IoMessage.objects.count() == 1
    assert sending.send_due(timezone.now() + dt.timedelta(days=1)) == 0
    # A working key again: the held message leaves.
    IoService.objects.filter(pk=io_service.pk).update(key=KEY, suspended=False)
    with transaction.atomic():
        sending.release(config)
    assert IoMessage.objects.get(position=first).state == IoMessage.State.SENT
    assert IoConfig.objects.get().suspended_at is None


def test_nothing_is_sent_for_a_position_paid_or_cancelled_meanwhile(ready, make_position,
                                                                    io_service):
    IoService.objects.filter(pk=io_service.pk).update(failure=IoService.Failure.ERROR)
    position = make_position()
    editing.cancel_position(position, expected_version=position.version,
                            reason="Errore di emissione")
    IoService.objects.filter(pk=io_service.pk).update(failure=IoService.Failure.NONE)
    message = IoMessage.objects.get()
    sending.send_due(message.next_attempt_at)
    message.refresh_from_db()
    assert message.state == IoMessage.State.SKIPPED
    assert not InboxMessage.objects.exists()


def test_many_messages_at_once_go_in_batch_jobs(monkeypatch):
    """A bulk import's messages: one job per 200 on the bulk queue, not one per position
    (each job is a row written after the request that made the positions)."""
    from appio import tasks

    singles, batches = [], []
    monkeypatch.setattr(sending, "enqueue", singles.append)
    monkeypatch.setattr(sending.outbox, "enqueue",
                        lambda task, ids, *args, **kwargs: batches.append(ids)
                        if task is tasks.send_io_batch else None)
    sending.enqueue_many(list(range(1, 451)))
    assert singles == [] and [len(b) for b in batches] == [200, 200, 50]
    assert tasks.send_io_batch.queue_name == "bulk"
    sending.enqueue_many([7, 8])
    assert singles == [7, 8]


def test_a_batch_job_sends_each_message(ready, make_position, organization):
    from appio import tasks

    with transaction.atomic():
        IoConfig.objects.filter(pk=ready.pk).update(enabled=False)
        first, second = make_position(), make_position(reference="TS-2")
        IoConfig.objects.filter(pk=ready.pk).update(enabled=True)
        ids = [IoMessage.objects.create(organization=organization, position=p,
                                        kind=IoMessage.Kind.CREATED).pk
               for p in (first, second)]
    tasks.send_io_batch.func(ids)
    assert set(IoMessage.objects.values_list("state", flat=True)) == {IoMessage.State.SENT}
    assert InboxMessage.objects.count() == 2
