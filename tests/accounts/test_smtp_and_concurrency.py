"""Registration against a real SMTP server that is down, then back; and concurrent
double submits of the registration form on PostgreSQL."""

from __future__ import annotations

import re
import threading
from email import message_from_bytes
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from django.db import connection, connections
from django.test import Client

from accounts.models import User
from mail.models import OutgoingEmail
from mail.outbox import send_due
from tests.accounts.conftest import PASSWORD, PERSON, register, start, url
from tests.mail.test_outbox import free_port, smtp_settings

pytestmark = pytest.mark.django_db(transaction=True)


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"


def body(message, content_type: str) -> str:
    for part in message.walk():
        if part.get_content_type() == content_type:
            return part.get_payload(decode=True).decode(part.get_content_charset())
    raise AssertionError(f"no {content_type} part")


def test_registration_succeeds_while_smtp_is_down_and_the_mail_leaves_later(organization):
    port = free_port()
    client = Client()
    with smtp_settings(port):
        response = register(client, organization)  # nobody listens on the port
        assert response.url == url("accounts:register_done", organization)
        email = OutgoingEmail.objects.get()
        assert email.status == OutgoingEmail.Status.QUEUED and email.last_error

        inbox = Inbox()
        controller = Controller(inbox, hostname="127.0.0.1", port=port)
        controller.start()
        try:
            OutgoingEmail.objects.update(next_attempt_at=email.created_at)  # due now
            assert send_due() == 1
        finally:
            controller.stop()
    [message] = inbox.messages
    assert message["To"] == PERSON["email"]
    assert organization.name in str(make_header(decode_header(message["Subject"])))
    assert "Attiva l'utenza" in body(message, "text/html")
    path = re.search(r"https?://[^/\s]+(/\S+/attiva/\S+)", body(message, "text/plain"))[1]
    assert "Attiva l'utenza" in client.get(path).content.decode()
    client.post(path, {"password": PASSWORD})
    user = User.objects.get()
    assert user.is_active
    login = client.post(url("accounts:login", organization),
                        {"username": PERSON["email"], "password": PERSON["password1"]})
    assert login.url == url("positions:home", organization)


@pytest.mark.postgres
def test_concurrent_double_submits_create_one_account(organization):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    workers = 6
    clients = [Client() for _ in range(workers)]
    for client in clients:
        start(client, organization)
    barrier = threading.Barrier(workers)
    statuses: list[int] = []
    errors: list[BaseException] = []

    def submit(client):
        try:
            barrier.wait()
            response = client.post(url("accounts:register_details", organization), PERSON)
            statuses.append(response.status_code)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert statuses == [302] * workers
    assert User.objects.filter(email__iexact=PERSON["email"]).count() == 1
