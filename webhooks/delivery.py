"""POST one delivery, record the attempt, decide what comes next.

The outbox pattern of ``sportello.outbox``: a worker claims the delivery with one UPDATE
(a lease), so no transaction or lock is held during the POST; a failure schedules the
next attempt with a back-off that doubles from one minute up to six hours, for 48 hours
from when the delivery was queued (or last retried by hand), then the delivery is
marked failed. Every attempt is a row: time, HTTP status, the start of the answer or
the error. At least once: a receiver drops repeats by ``Sportello-Webhook-Id``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time

import requests
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from sportello import outbox
from webhooks import signing
from webhooks.models import Attempt, Delivery, Event
from webhooks.publish import enqueue, iso
from webhooks.targets import check_url

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)  # far beyond the POST's timeouts
FIRST_DELAY = dt.timedelta(minutes=1)
MAX_DELAY = dt.timedelta(hours=6)
GIVE_UP_AFTER = dt.timedelta(hours=48)
EXCERPT = 300  # characters of the answer kept with each attempt


def body_of(event: Event) -> bytes:
    """The exact bytes signed and sent (compact JSON, UTF-8)."""
    return json.dumps(event.envelope(), ensure_ascii=False, separators=(",", ":")).encode()


def _complete(event: Event) -> Event:
    """Add the receipt to a ``position.paid`` event the first time it is sent (it is
    committed by then); from then on its data never changes."""
    if event.receipt_option_id is None:
        return event
    from payments.models import Receipt

    receipt = (Receipt.objects.filter(option_id=event.receipt_option_id, applied=True)
               .order_by("received_at").first())
    event.data["receipt"] = None if receipt is None else {
        "iur": receipt.receipt_id, "psp_id": receipt.id_psp,
        "psp_name": receipt.psp_company_name,
        "payment_date": iso(receipt.payment_date_time),
        "amount_cents": receipt.amount_cents, "fee_cents": receipt.fee_cents,
        "payment_method": receipt.payment_method, "stand_in": bool(receipt.stand_in)}
    # Only the first one writes; a concurrent delivery computed the same data.
    Event.objects.filter(pk=event.pk, receipt_option_id=event.receipt_option_id).update(
        data=event.data, receipt_option_id=None)
    event.receipt_option_id = None
    return event


def _post(url: str, headers: dict, body: bytes) -> dict:
    """One POST without redirects; the facts of the attempt (never raises)."""
    started = time.monotonic()
    facts: dict = {"status_code": None, "response_excerpt": "", "error": ""}
    try:
        check_url(url)
        with requests.post(url, data=body, headers=headers, allow_redirects=False,
                           timeout=settings.WEBHOOKS_TIMEOUT_SECONDS, stream=True) as answer:
            facts["status_code"] = answer.status_code
            raw = answer.raw.read(EXCERPT * 4, decode_content=True) or b""
            facts["response_excerpt"] = raw.decode("utf-8", "replace")[:EXCERPT]
    except ValidationError as exc:
        facts["error"] = ("Destinazione non consentita: " + " ".join(exc.messages))[:500]
    except (requests.RequestException, OSError) as exc:
        facts["error"] = f"{type(exc).__name__}: {exc}"[:500]
    facts["duration_ms"] = int((time.monotonic() - started) * 1000)
    return facts


def deliver(delivery_id: int, now: dt.datetime | None = None) -> dt.datetime | None:
    """One attempt if the delivery is due. Returns when to try again (None: delivered,
    failed for good, or not ours to try now)."""
    now = now or timezone.now()
    pending = Delivery.objects.filter(pk=delivery_id, status=Delivery.Status.PENDING)
    if not outbox.claim(pending, now, LEASE):
        return None
    delivery = Delivery.objects.select_related("event__organization", "endpoint").get(
        pk=delivery_id)
    endpoint = delivery.endpoint
    if not endpoint.is_active:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, last_error="Endpoint disattivato")
        return None
    event = _complete(delivery.event)
    body = body_of(event)
    facts = _post(endpoint.url, signing.headers(endpoint.secret, str(event.public_id), body),
                  body)
    Attempt.objects.create(delivery=delivery, at=now, **facts)
    code = facts["status_code"]
    if code is not None and 200 <= code < 300:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.DELIVERED, delivered_at=now, last_status_code=code,
            last_error="")
        return None
    error = facts["error"] or f"HTTP {code}"
    deadline = delivery.pending_since + GIVE_UP_AFTER
    if now >= deadline:
        Delivery.objects.filter(pk=delivery.pk).update(
            status=Delivery.Status.FAILED, last_status_code=code, last_error=error[:500])
        log.error("Webhook delivery %s to %s given up after %s attempts: %s", delivery.pk,
                  endpoint.url, delivery.attempts, error,
                  extra={"event": "webhook_failed", "delivery_id": delivery.pk})
        return None
    retry_at = min(now + outbox.backoff(delivery.attempts, FIRST_DELAY, MAX_DELAY), deadline)
    Delivery.objects.filter(pk=delivery.pk).update(
        next_attempt_at=retry_at, last_status_code=code, last_error=error[:500])
    log.warning("Webhook delivery %s failed (attempt %s), retry at %s: %s", delivery.pk,
                delivery.attempts, retry_at, error)
    return retry_at


def send_due(now: dt.datetime | None = None, limit: int = 200) -> int:
    """Try every pending delivery whose time has come (the sweeper). Returns how many."""
    now = now or timezone.now()
    due = outbox.due(Delivery.objects.filter(status=Delivery.Status.PENDING), now, "pk", limit)
    for pk in due:
        deliver(pk, now)
    return len(due)


def retry_now(delivery: Delivery) -> bool:
    """Staff's *Riprova ora*: due at once, with a fresh 48 hours; False when it was
    already delivered. Sent after the caller's commit."""
    now = timezone.now()
    updated = Delivery.objects.filter(pk=delivery.pk).filter(
        ~Q(status=Delivery.Status.DELIVERED)).update(
        status=Delivery.Status.PENDING, next_attempt_at=now, pending_since=now)
    if updated:
        transaction.on_commit(lambda: enqueue(delivery.pk))
    return bool(updated)
