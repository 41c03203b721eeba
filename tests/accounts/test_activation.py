"""Activation links: one button behind a GET, one-time, expiring; unactivated accounts
cannot log in and are removed after the expiry."""

from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO
from unittest import mock

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.utils import timezone

from accounts.models import User
from accounts.tokens import make_activation_token
from tests.accounts.conftest import PASSWORD, PERSON, emails_to, link_in, register, url

pytestmark = pytest.mark.django_db


def activation_path(address=PERSON["email"]) -> str:
    return link_in(emails_to(address)[-1], "/attiva/")


def test_get_shows_a_button_and_changes_nothing(client, registered):
    response = client.get(activation_path())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Attiva l'utenza" in page and "<form method=\"post\" novalidate>" in page
    assert 'name="password"' in page
    registered.refresh_from_db()
    assert not registered.is_active and registered.awaiting_activation


def test_post_activates_once_and_the_link_then_explains_itself(client, registered):
    path = activation_path()
    response = client.post(path, {"password": PASSWORD})
    assert "Utenza attivata" in response.content.decode()
    registered.refresh_from_db()
    assert registered.is_active and not registered.awaiting_activation
    again = client.get(path)
    assert "già stato usato" in again.content.decode()
    assert client.post(path, {"password": PASSWORD}).status_code == 200  # nothing twice
    assert "Utenza attivata" not in client.post(path, {"password": PASSWORD}).content.decode()


def test_an_expired_link_explains_itself_and_offers_a_new_one(client, registered):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 49 * 3600):
        token = make_activation_token(registered)
    response = client.get(url("accounts:activate", registered_org(client), token))
    page = response.content.decode()
    assert response.status_code == 410 and "scaduto" in page
    assert "Invia un nuovo link" in page
    assert client.post(url("accounts:activate", registered_org(client), token)).status_code == 410
    registered.refresh_from_db()
    assert not registered.is_active


def registered_org(client):
    from organizations.models import Organization

    return Organization.objects.get()


@override_settings(ACCOUNT_ACTIVATION_HOURS=1)
def test_the_lifetime_is_a_setting(client, registered, organization):
    with mock.patch("django.core.signing.time.time", return_value=time.time() - 2 * 3600):
        token = make_activation_token(registered)
    assert client.get(url("accounts:activate", organization, token)).status_code == 410


def test_a_tampered_link_is_refused(client, registered, organization):
    response = client.get(activation_path()[:-3] + "xyz/")
    assert response.status_code == 410
    assert "non è valido" in response.content.decode()


def test_resend_sends_a_new_link_only_to_pending_accounts(client, registered, organization):
    User.objects.create_user("attivo@example.it", PASSWORD)
    for address in (PERSON["email"], "attivo@example.it", "nessuno@example.it"):
        response = client.post(url("accounts:resend_activation", organization),
                               {"email": address.upper()})
        assert response.url == url("accounts:register_done", organization)
    assert len(emails_to(PERSON["email"])) == 2
    assert emails_to("attivo@example.it") == [] and emails_to("nessuno@example.it") == []
    client.post(activation_path(), {"password": PASSWORD})
    registered.refresh_from_db()
    assert registered.is_active


@override_settings(ACCOUNT_EMAIL_RATE="1/h")
def test_resend_is_rate_limited(client, registered, organization):
    client.post(url("accounts:resend_activation", organization), {"email": PERSON["email"]})
    response = client.post(url("accounts:resend_activation", organization),
                           {"email": PERSON["email"]})
    assert response.status_code == 429
    assert len(emails_to(PERSON["email"])) == 2  # registration + the first resend


def test_an_unactivated_account_cannot_log_in(client, registered, organization):
    response = client.post(url("accounts:login", organization),
                           {"username": PERSON["email"], "password": PASSWORD})
    assert response.status_code == 200
    assert "non è ancora attiva" in response.content.decode()
    assert "_auth_user_id" not in client.session
    wrong = Client().post(url("accounts:login", organization),
                          {"username": PERSON["email"], "password": "sbagliata-123"})
    assert "Email o password non corretti" in wrong.content.decode()


def test_after_activation_the_account_logs_in(client, registered, organization, activate):
    activate(PERSON["email"])
    response = client.post(url("accounts:login", organization),
                           {"username": PERSON["email"], "password": PASSWORD})
    assert response.url == url("positions:home", organization)


def test_purge_removes_only_expired_unactivated_accounts(client, organization, payer):
    register(client, organization, email="vecchia@example.it")
    register(Client(), organization, email="recente@example.it")
    User.objects.filter(email="vecchia@example.it").update(
        activation_sent_at=timezone.now() - timedelta(hours=49))
    User.objects.filter(pk=payer.pk).update(date_joined=timezone.now() - timedelta(days=400),
                                            is_active=False)  # deactivated by staff: kept
    out = StringIO()
    call_command("purge_unactivated_accounts", stdout=out)
    assert "1 never-activated" in out.getvalue()
    assert set(User.objects.values_list("email", flat=True)) == {"recente@example.it",
                                                                 payer.email}
