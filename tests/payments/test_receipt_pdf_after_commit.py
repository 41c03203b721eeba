"""Issue 17, item 1: nothing slow under a lock. paSendRTV2's transaction stores, judges,
applies and queues the email; the quietanza PDF is rendered by the delivery job after
commit, and the email with its PDF still reaches a real SMTP server (aiosmtpd)."""

from __future__ import annotations

from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.db import connection
from django.utils import timezone

from documents import receipts as documents_receipts
from mail.models import OutgoingEmail
from mail.outbox import send_due
from payments.models import Receipt
from tests.mail.test_outbox import free_port, smtp_settings
from tests.payments.conftest import receipt_for

pytestmark = pytest.mark.django_db(transaction=True)

DUMMY_TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                           "QUEUES": ["default", "bulk"]}}


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


@pytest.fixture
def option(make_position, debtor):
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    return make_position().options.get()


@pytest.fixture
def renders(monkeypatch):
    """Every quietanza rendering, recorded with whether a transaction was open."""
    calls: list[bool] = []
    real = documents_receipts.render_receipt

    def counting(info):
        calls.append(connection.in_atomic_block)
        return real(info)

    monkeypatch.setattr(documents_receipts, "render_receipt", counting)
    return calls


def test_pasendrtv2_renders_no_pdf_and_the_job_mails_it(node, option, renders, settings):
    settings.TASKS = DUMMY_TASKS  # no worker yet: what the request itself did stays visible
    assert node.send_rt(receipt_for(option)).outcome == "OK"
    assert Receipt.objects.get().applied
    assert renders == []  # the request answered the Node without rendering
    email = OutgoingEmail.objects.get()
    attachment = email.attachments.get()
    assert attachment.builder and not bytes(attachment.content)  # to be built by the job

    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtp_settings(port):
            assert send_due() == 1  # the worker's (or the sweeper's) delivery
    finally:
        controller.stop()
    assert renders == [False]  # once, with no transaction (and so no lock) open
    [message] = inbox.messages
    assert message["To"] == "mario.rossi@example.it"
    [pdf] = [part for part in message.walk() if part.get_content_type() == "application/pdf"]
    assert pdf.get_filename() == f"quietanza-{option.iuv}.pdf"
    assert pdf.get_payload(decode=True).startswith(b"%PDF")


def test_with_the_job_queue_running_the_pdf_is_still_rendered_after_commit(node, option,
                                                                            renders):
    assert node.send_rt(receipt_for(option)).outcome == "OK"
    assert renders == [False]  # the immediate backend ran the job after commit
    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attachments.get().content_type == "application/pdf"


def test_a_failing_render_keeps_the_email_and_retries_it(node, option, monkeypatch, settings):
    settings.TASKS = DUMMY_TASKS
    assert node.send_rt(receipt_for(option)).outcome == "OK"
    real = documents_receipts.render_receipt

    def broken(info):
        raise RuntimeError("font missing")

    monkeypatch.setattr(documents_receipts, "render_receipt", broken)
    assert send_due() == 0
    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.QUEUED and email.attempts == 1
    assert "font missing" in email.last_error and email.next_attempt_at > timezone.now()

    monkeypatch.setattr(documents_receipts, "render_receipt", real)  # fixed and deployed
    OutgoingEmail.objects.update(next_attempt_at=timezone.now())
    port = free_port()
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with smtp_settings(port):
            assert send_due() == 1
    finally:
        controller.stop()
    [message] = inbox.messages
    assert "application/pdf" in {part.get_content_type() for part in message.walk()}
