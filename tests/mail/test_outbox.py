"""The outbox against a real SMTP server (aiosmtpd on loopback): an email queued while
the server is down leaves once it is back; nothing is dropped."""

from __future__ import annotations

import socket
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.core import mail as django_mail
from django.test import override_settings
from django.utils import timezone

from mail.models import OutgoingEmail
from mail.outbox import deliver, queue_email, send_due

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_port():
    return free_port()


def smtp_settings(port):
    return override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
                             EMAIL_HOST="127.0.0.1", EMAIL_PORT=port, EMAIL_TIMEOUT=5)


def test_queued_email_waits_for_the_server_then_leaves(smtp_port):
    with smtp_settings(smtp_port):
        # server down: queueing succeeds, the delivery attempt fails and is recorded
        email = queue_email(["anna@example.it"], "Prova", "Testo", "<p>Testo</p>",
                            attachments=[("a.pdf", b"%PDF-1.4", "application/pdf")])
        email.refresh_from_db()
        assert email.status == OutgoingEmail.Status.QUEUED
        assert email.attempts == 1 and email.last_error
        assert email.next_attempt_at > timezone.now()

        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        try:
            assert send_due() == 0  # not due yet: back-off respected
            OutgoingEmail.objects.filter(pk=email.pk).update(next_attempt_at=timezone.now())
            assert send_due() == 1
        finally:
            controller.stop()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.SENT and email.attempts == 2
    [message] = inbox.messages
    assert message["Subject"] == "Prova" and message["To"] == "anna@example.it"
    parts = {part.get_content_type(): part for part in message.walk()}
    assert "text/html" in parts and "application/pdf" in parts


def test_an_email_is_sent_once_even_if_delivered_twice():
    email = queue_email("x@example.it", "Una volta", "Testo")
    assert len(django_mail.outbox) == 1  # the immediate job queue delivered it
    assert deliver(email.pk) is False
    assert send_due() == 0
    assert len(django_mail.outbox) == 1


def test_rolled_back_change_sends_nothing():
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        queue_email("x@example.it", "Mai", "Testo")
        raise RuntimeError("the change fails")
    assert OutgoingEmail.objects.count() == 0
    assert django_mail.outbox == []


def test_after_three_days_the_email_is_marked_undeliverable(smtp_port):
    with smtp_settings(smtp_port):
        email = queue_email("x@example.it", "Vecchia", "Testo")
        OutgoingEmail.objects.filter(pk=email.pk).update(
            created_at=timezone.now() - timedelta(days=4), next_attempt_at=timezone.now())
        send_due()
    email.refresh_from_db()
    assert email.status == OutgoingEmail.Status.FAILED
    assert OutgoingEmail.objects.filter(pk=email.pk).exists()  # kept for staff
