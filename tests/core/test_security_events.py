"""Security events go to the ``sportello.security`` logger, each with its event name."""

from __future__ import annotations

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.payments.test_receipt_concurrency import receipt_message

pytestmark = pytest.mark.django_db


def events(caplog, name: str) -> list:
    return [r for r in caplog.records
            if r.name == "sportello.security" and getattr(r, "event", None) == name]


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_login_lockout_is_a_security_event(client, organization, payer, caplog):
    url = reverse("accounts:login", args=[organization.slug])
    for _ in range(2):
        client.post(url, {"username": payer.email, "password": "sbagliata"},
                    REMOTE_ADDR="198.51.100.7")
    [event] = events(caplog, "login_locked_out")
    assert event.client == "198.51.100.7"
    assert "mario.rossi@example.it" not in caplog.text  # the email is masked


def test_a_refused_node_call_is_a_security_event(client, organization, settings, caplog):
    settings.PAGOPA_NODE_ALLOWED_IPS = ["10.20.0.0/16"]
    response = client.post("/pagopa/paForNode", data=b"<x/>", content_type="text/xml",
                           HTTP_SOAPACTION="paVerifyPaymentNotice")
    assert response.status_code == 403
    [event] = events(caplog, "node_call_refused")
    assert event.reason == "address 127.0.0.1 not allowed" and event.client == "127.0.0.1"


def test_a_flagged_receipt_is_a_security_event(client, make_position, caplog):
    option = make_position().options.get()

    def send(receipt_id):
        return client.post("/pagopa/paForNode", data=receipt_message(option, receipt_id),
                           content_type="text/xml", HTTP_SOAPACTION="paSendRTV2")

    assert send("a" * 32).status_code == 200
    assert not events(caplog, "receipt_flagged")
    assert send("b" * 32).status_code == 200  # a second receipt for a paid notice
    [event] = events(caplog, "receipt_flagged")
    assert event.receipt_id == "b" * 32 and event.flags == "already_paid"
    assert event.notice_number == option.notice_number


def test_a_failed_fiscal_code_verification_is_a_security_event(client, organization, payer,
                                                                caplog):
    client.force_login(payer)
    client.post(reverse("accounts:verify_fiscal_code", args=[organization.slug]),
                {"reference": "301000000000000999"})
    [event] = events(caplog, "fiscal_code_verification_failed")
    assert event.user_id == payer.pk and event.organization == organization.slug


@override_settings(RICERCA_RATE="1/m")
def test_a_rate_limit_refusal_is_a_security_event(client, organization, caplog):
    url = reverse("positions:search", args=[organization.slug])
    data = {"fiscal_code": "RSSMRA80E12H501I", "reference": "301000000000000999"}
    client.post(url, data)
    assert not events(caplog, "rate_limited")
    assert client.post(url, data).status_code == 429
    [event] = events(caplog, "rate_limited")
    assert event.group == "ricerca" and event.path == url
