"""Sending IO messages: queued in the writing transaction, sent after commit by the
worker, retried with back-off, every outcome recorded on :class:`IoMessage`.

The outbox pattern of ``sportello/outbox.py``: a row per message, claimed with one
UPDATE (so two workers never send it twice and no lock is held during the HTTP calls),
a sweeper (``manage.py send_io_messages``) for whatever the queue could not take.

One attempt: the position must still be payable (else SKIPPED); the profile check
(``sender_allowed``, IO's rule before any message) ends a message as NO_PROFILE or
BLOCKED; then the message. A 429 waits what ``Retry-After`` says; 5xx and transport
errors back off from 2 minutes doubling to an hour, for two days, then FAILED. A key the
gateway refuses suspends the whole Ente (``IoConfig.suspended_at``) and holds its
messages: one refusal, one alert, no loop. Saving a working key releases them.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from appio.content import build, option_to_pay
from appio.models import IoConfig, IoMessage, IoServiceKey
from pagopa.appio import (
    IoClient,
    IoError,
    IoInvalidRequest,
    IoKeyRefused,
    IoNotAllowed,
    IoProfileNotFound,
    IoRateLimited,
)
from positions.models import PaymentOption, PaymentPosition
from reminders.paylinks import pay_link_url
from sportello import outbox

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)
GIVE_UP_AFTER = dt.timedelta(days=2)
FIRST_DELAY = dt.timedelta(minutes=2)
MAX_DELAY = dt.timedelta(hours=1)
#: How long a Retry-After may defer a message at most (IO asks seconds, not days).
MAX_RETRY_AFTER = dt.timedelta(hours=1)


def base_url() -> str:
    return settings.APPIO_URL or f"{settings.SITE_URL}/sandbox/io/api/v1"


def key_for(position: PaymentPosition, config: IoConfig | None = None) -> str | None:
    """The key that speaks for the position's service: its own, else the Ente's."""
    own = IoServiceKey.objects.filter(service_id=position.service_id).first()
    if own is not None and own.api_key:
        return own.api_key
    config = config or IoConfig.objects.filter(organization_id=position.organization_id).first()
    return config.api_key if config is not None else None


def sending_services(organization_id: int) -> tuple[bool, set[int]]:
    """Whether the Ente sends on IO at all (enabled with a key somewhere, not
    suspended), and the services with their own key."""
    config = IoConfig.objects.filter(organization_id=organization_id).first()
    if config is None or not config.enabled or config.suspended_at is not None:
        return False, set()
    return True, set(IoServiceKey.objects.filter(
        organization_id=organization_id).values_list("service_id", flat=True))


def queue(positions: list[PaymentPosition], kind: str, dedupe_key: str = "",
          option: PaymentOption | None = None) -> int:
    """Record the messages (same transaction as the change) and send after commit.
    Only natural persons (a 16-character codice fiscale) can be on IO."""
    if not positions:
        return 0
    organization_id = positions[0].organization_id
    sending, own_keys = sending_services(organization_id)
    if not sending:
        return 0
    config = IoConfig.objects.get(organization_id=organization_id)
    has_default = bool(config.api_key_encrypted)
    rows = [IoMessage(organization_id=organization_id, position=position, option=option,
                      kind=kind, dedupe_key=dedupe_key)
            for position in positions
            if len(position.debtor.fiscal_code) == 16
            and (has_default or position.service_id in own_keys)]
    if not rows:
        return 0
    IoMessage.objects.bulk_create(rows, ignore_conflicts=True)
    ids = list(IoMessage.objects.filter(
        position__in=[row.position for row in rows], kind=kind, dedupe_key=dedupe_key,
        state=IoMessage.State.PENDING, attempts=0).values_list("pk", flat=True))
    transaction.on_commit(lambda: enqueue_many(ids))
    return len(ids)


#: Above this many messages at once (a bulk import, an API batch) they go in batch jobs
#: on the bulk queue: one job row per ``BATCH`` messages, not one per position, so a
#: batch of 1,000 positions does not add 1,000 inserts to the request that made them.
BATCH = 200


def enqueue_many(message_ids: list[int]) -> None:
    if len(message_ids) <= 10:
        for pk in message_ids:
            enqueue(pk)
        return
    from appio.tasks import send_io_batch

    for start in range(0, len(message_ids), BATCH):
        outbox.enqueue(send_io_batch, message_ids[start:start + BATCH], log,
                       "Could not enqueue a batch of IO messages from %s")


def enqueue(message_id: int, run_after: dt.datetime | None = None) -> None:
    from appio.tasks import send_io_message

    outbox.enqueue(send_io_message, message_id, log,
                   "Could not enqueue the IO message %s", run_after=run_after)


def _finish(message: IoMessage, state: str, now: dt.datetime, **facts) -> None:
    IoMessage.objects.filter(pk=message.pk).update(state=state, finished_at=now, **facts)


def _error(exc: IoError) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def send(message_id: int, now: dt.datetime | None = None) -> dt.datetime | None:
    """One attempt if due. Returns when to retry (None: finished or not due)."""
    now = now or timezone.now()
    pending = IoMessage.objects.filter(pk=message_id, state=IoMessage.State.PENDING)
    if not outbox.claim(pending, now, LEASE):
        return None
    message = IoMessage.objects.select_related(
        "position__organization", "position__debtor", "option").get(pk=message_id)
    position = message.position
    config = IoConfig.objects.filter(organization_id=message.organization_id).first()
    if config is None or not config.enabled:
        _finish(message, IoMessage.State.SKIPPED, now, error="App IO disattivata per l'Ente")
        return None
    if config.suspended_at is not None:
        IoMessage.objects.filter(pk=message.pk).update(state=IoMessage.State.HELD)
        return None
    option = _option(message)
    if option is None:
        _finish(message, IoMessage.State.SKIPPED, now, error="Nulla da pagare")
        return None
    api_key = key_for(position, config)
    if not api_key:
        _finish(message, IoMessage.State.SKIPPED, now, error="Nessuna chiave IO leggibile")
        return None
    body = build(message.kind, position, option, pay_link_url(position),
                 reminder=message.dedupe_key.split(":")[1] if message.kind == "reminder"
                 else "")
    IoMessage.objects.filter(pk=message.pk).update(
        option=option, subject=body.subject, notice_number=option.notice_number,
        amount_cents=option.amount_now_cents)
    client = IoClient(base_url(), api_key)
    try:
        profile = client.profile(body.fiscal_code)
        if not profile.sender_allowed:
            _finish(message, IoMessage.State.BLOCKED, now, last_status_code=200,
                    error="sender_allowed: false")
            return None
        io_id = client.submit(body)
    except IoProfileNotFound as exc:
        _finish(message, IoMessage.State.NO_PROFILE, now, last_status_code=exc.status,
                error=_error(exc))
        return None
    except IoKeyRefused as exc:
        suspend(message, exc, now)
        return None
    except (IoNotAllowed, IoInvalidRequest) as exc:
        _finish(message, IoMessage.State.REFUSED, now, last_status_code=exc.status,
                error=_error(exc))
        log.warning("IO refused message %s: %s", message.pk, _error(exc))
        return None
    except IoError as exc:
        return _failed(message, exc, now)
    _finish(message, IoMessage.State.SENT, now, io_message_id=io_id[:64],
            last_status_code=201, error="")
    return None


def _option(message: IoMessage) -> PaymentOption | None:
    if message.kind == IoMessage.Kind.REMINDER:
        option = message.option
        return option if option is not None and option.is_payable else None
    return option_to_pay(message.position)


def suspend(message: IoMessage, exc: IoError, now: dt.datetime) -> None:
    """The gateway refused the key: stop the Ente's sends and say so, once."""
    IoMessage.objects.filter(pk=message.pk).update(
        state=IoMessage.State.HELD, last_status_code=exc.status, error=_error(exc))
    stopped = IoConfig.objects.filter(organization_id=message.organization_id,
                                      suspended_at__isnull=True).update(
        suspended_at=now, suspension_error=_error(exc))
    IoMessage.objects.filter(organization_id=message.organization_id,
                             state=IoMessage.State.PENDING).update(state=IoMessage.State.HELD)
    if stopped:
        log.error("App IO refused the key of organization %s: sends suspended (%s)",
                  message.organization_id, _error(exc),
                  extra={"event": "appio_key_refused",
                         "organization_id": message.organization_id})


def release(config: IoConfig) -> int:
    """A responsabile saved a key: lift the stop and send what was held."""
    IoConfig.objects.filter(pk=config.pk).update(suspended_at=None, suspension_error="")
    now = timezone.now()
    held = list(IoMessage.objects.filter(organization_id=config.organization_id,
                                         state=IoMessage.State.HELD)
                .values_list("pk", flat=True))
    IoMessage.objects.filter(pk__in=held).update(
        state=IoMessage.State.PENDING, next_attempt_at=now, pending_since=now, attempts=0)
    transaction.on_commit(lambda: [enqueue(pk) for pk in held])
    return len(held)


def _failed(message: IoMessage, exc: IoError, now: dt.datetime) -> dt.datetime | None:
    error = _error(exc)
    if now - message.pending_since > GIVE_UP_AFTER:
        _finish(message, IoMessage.State.FAILED, now, last_status_code=exc.status,
                error=error)
        log.error("IO message %s given up: %s", message.pk, error,
                  extra={"event": "appio_message_failed", "message_id": message.pk})
        return None
    if isinstance(exc, IoRateLimited) and exc.retry_after is not None:
        delay = min(dt.timedelta(seconds=exc.retry_after), MAX_RETRY_AFTER)
    else:
        delay = outbox.backoff(message.attempts, FIRST_DELAY, MAX_DELAY)
    retry_at = now + delay
    IoMessage.objects.filter(pk=message.pk).update(
        next_attempt_at=retry_at, last_status_code=exc.status, error=error)
    log.warning("IO message %s failed (attempt %s), retry at %s: %s", message.pk,
                message.attempts, retry_at, error)
    return retry_at


def send_due(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Try every pending message whose time has come (the sweeper)."""
    now = now or timezone.now()
    due = outbox.due(IoMessage.objects.filter(state=IoMessage.State.PENDING), now, "pk", limit)
    for message_id in due:
        send(message_id, now)
    return len(due)
