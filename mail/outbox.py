"""Queue an email (in the caller's transaction) and deliver it from the worker.

``queue_email`` is the only way the portal sends mail: the row is written with the rest
of the change, and so is the delivery job when the job queue is the database (else it is
enqueued after commit; ``sportello.outbox.enqueue_with_change``). If SMTP is down the task
records the failure and the email is retried with back-off (by the task itself where the
job queue can defer, and by ``manage.py send_outbox`` in any case).

Slow attachments (the quietanza PDF) are *deferred*: the caller names a builder that a
higher app registered (:func:`register_builder`) and the delivery builds the file, after
the commit and outside any lock. A builder that fails is a failed attempt like SMTP
down: recorded, retried, never silently dropped.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from mail.models import GIVE_UP_AFTER, EmailAttachment, OutgoingEmail
from sportello import outbox
from sportello.sqlrows import Insert

log = logging.getLogger(__name__)

SEND_LEASE = timedelta(minutes=5)

Attachment = tuple[str, bytes, str]  # filename, content, content type
Deferred = tuple[str, str]  # builder name, its argument

#: Attachment builders by name: ``builder(ref) -> Attachment | None`` (None: nothing to
#: attach any more). Registered by the apps above mail when they load.
_BUILDERS: dict[str, Callable[[str], Attachment | None]] = {}


def register_builder(name: str, builder: Callable[[str], Attachment | None]) -> None:
    """Let emails name ``builder`` for a deferred attachment (see :func:`queue_email`)."""
    _BUILDERS[name] = builder


def queue_email(
    to: Iterable[str] | str,
    subject: str,
    text: str,
    html: str = "",
    attachments: Iterable[Attachment] = (),
    organization=None,
    deferred: Iterable[Deferred] = (),
) -> OutgoingEmail:
    """Store the email and its delivery job, which commit with the caller's change.

    ``deferred`` attachments are built by the delivery job, not here: the caller's
    transaction stays short (a receipt holds row locks while it queues its email)."""
    recipients = [to] if isinstance(to, str) else list(to)
    now = timezone.now()
    row = {"organization_id": organization.pk if organization is not None else None,
           "to": ", ".join(recipients), "subject": subject[:200], "body_text": text,
           "body_html": html, "status": OutgoingEmail.Status.QUEUED, "attempts": 0,
           "next_attempt_at": now, "last_error": "", "created_at": now, "sent_at": None}
    [email_id] = _EMAIL_ROW.execute(row)
    email = _EMAIL_ROW.instance(email_id, row)
    if organization is not None:
        email.organization = organization  # as create() leaves it: no query to read it
    files = [*({"email_id": email_id, "filename": name, "content": content,
                "content_type": ctype, "builder": "", "builder_ref": ""}
               for name, content, ctype in attachments),
             *({"email_id": email_id, "filename": "", "content": b"", "content_type": "",
                "builder": builder, "builder_ref": str(ref)}
               for builder, ref in deferred)]
    if files:
        _ATTACHMENT_ROWS.execute(*files)
    from mail.tasks import deliver_email

    outbox.enqueue_with_change(deliver_email, email_id, log,
                               "Could not enqueue delivery of email %s")
    return email


# The email and its files as ``objects.create``/``bulk_create`` wrote them (every column,
# the models' defaults), by hand: two statements the ORM took ~1 ms of CPU to build
# while a receipt holds its lock. No signal listens to these models.
_EMAIL_ROW = Insert(OutgoingEmail, [
    "organization_id", "to", "subject", "body_text", "body_html", "status", "attempts",
    "next_attempt_at", "last_error", "created_at", "sent_at"])
_ATTACHMENT_ROWS = Insert(EmailAttachment, [
    "email_id", "filename", "content_type", "content", "builder", "builder_ref"],
    returning_pk=False)


def deliver(email_id: int) -> bool:
    """Try to send one queued email now. Returns True when it has left.

    Claimed for a lease first (``sportello.outbox.claim``): at least once, never twice
    at the same time, no transaction open during SMTP.
    """
    queued = OutgoingEmail.objects.filter(pk=email_id, status=OutgoingEmail.Status.QUEUED)
    if not outbox.claim(queued, timezone.now(), SEND_LEASE):
        return False
    email = OutgoingEmail.objects.get(pk=email_id)
    try:
        attachments = _attachments(email)
    except Exception as exc:  # noqa: BLE001 - a builder's bug must not lose the email
        log.exception("Could not build an attachment of email %s", email.pk)
        _record_failure(email, exc)
        return False
    message = EmailMultiAlternatives(
        subject=email.subject, body=email.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL, to=email.recipients,
    )
    if email.body_html:
        message.attach_alternative(email.body_html, "text/html")
    for attachment in attachments:
        message.attach(attachment.filename, bytes(attachment.content), attachment.content_type)
    try:
        message.send(fail_silently=False)
    except Exception as exc:  # noqa: BLE001 - any SMTP/network failure means retry later
        _record_failure(email, exc)
        return False
    OutgoingEmail.objects.filter(pk=email.pk).update(
        status=OutgoingEmail.Status.SENT, sent_at=timezone.now(), last_error="")
    return True


def _attachments(email: OutgoingEmail) -> list[EmailAttachment]:
    """The email's files, building (once) and storing the deferred ones."""
    ready = []
    for attachment in email.attachments.order_by("pk"):
        if attachment.builder:
            built = _BUILDERS[attachment.builder](attachment.builder_ref)
            if built is None:
                attachment.delete()
                continue
            attachment.filename, content, attachment.content_type = built
            attachment.content, attachment.builder = content, ""
            attachment.save(update_fields=["filename", "content", "content_type", "builder"])
        ready.append(attachment)
    return ready


def _record_failure(email: OutgoingEmail, exc: Exception) -> None:
    now = timezone.now()
    email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    if now - email.created_at > GIVE_UP_AFTER:
        email.status = OutgoingEmail.Status.FAILED
        log.error("Giving up on email %s after %s attempts: %s", email.pk, email.attempts,
                  email.last_error)
    else:
        email.next_attempt_at = now + email.retry_delay()
        log.warning("Email %s not sent (attempt %s), retry at %s: %s", email.pk,
                    email.attempts, email.next_attempt_at, email.last_error)
    email.save(update_fields=["status", "last_error", "next_attempt_at"])


def send_due(limit: int = 100) -> int:
    """Deliver queued emails whose time has come (the sweeper). Returns how many left."""
    queued = OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED)
    return sum(1 for pk in outbox.due(queued, timezone.now(), "pk", limit) if deliver(pk))


def due_count(now: datetime) -> int:
    """Emails queued whose (next) attempt is due: the backlog /healthz and /metrics show."""
    return outbox.due_count(OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED),
                            now)
