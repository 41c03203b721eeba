"""Abuse limits on the account forms (issue 9, item 5): wrong current passwords on
Cambia password / Cambia email, the admin's login per address, and a password reset
that does the same work whether or not the email has an account."""

from __future__ import annotations

import logging

import pytest
from django.core import mail
from django.test import Client, override_settings
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from mail.models import OutgoingEmail
from tests.accounts.conftest import emails_to, link_in, url
from tests.core.test_security_events import events

pytestmark = pytest.mark.django_db

PAYER_PASSWORD = "Password-lunga-123"
NEW_PASSWORD = "Nuova-password-sicura-1"
LOCKED = "Troppe password errate"


@pytest.fixture
def logged(client, payer):
    client.force_login(payer)
    return client


def change_password(client, organization, old, **extra):
    return client.post(url("accounts:password_change", organization), {
        "old_password": old, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        **extra)


def change_email(client, organization, password, **extra):
    return client.post(url("accounts:email_change", organization),
                       {"new_email": "nuovo@example.it", "password": password}, **extra)


# --- Current-password checks -------------------------------------------------------------

@override_settings(ACCOUNT_PASSWORD_CHECK_RATE="3/h")
def test_wrong_old_passwords_suspend_the_password_change(logged, organization, payer,
                                                        caplog):
    for _ in range(3):
        wrong = change_password(logged, organization, "sbagliata")
        assert wrong.status_code == 200
        assert "La password attuale non è stata inserita correttamente" in \
            wrong.content.decode()
    with caplog.at_level(logging.WARNING):
        right = change_password(logged, organization, PAYER_PASSWORD)
    assert right.status_code == 429
    page = right.content.decode()
    assert LOCKED in page and "riprova tra" in page
    payer.refresh_from_db()
    assert payer.check_password(PAYER_PASSWORD)  # nothing changed
    [event] = events(caplog, "current_password_locked")
    assert event.user_id == payer.pk


@override_settings(ACCOUNT_PASSWORD_CHECK_RATE="3/h")
def test_wrong_passwords_suspend_the_email_change(logged, organization, payer):
    for _ in range(3):
        assert "La password non è corretta" in \
            change_email(logged, organization, "sbagliata").content.decode()
    right = change_email(logged, organization, PAYER_PASSWORD)
    assert right.status_code == 429 and LOCKED in right.content.decode()
    assert 'value="nuovo@example.it"' in right.content.decode()  # the form keeps the input
    assert emails_to("nuovo@example.it") == []


@override_settings(ACCOUNT_PASSWORD_CHECK_RATE="3/h")
def test_the_two_forms_share_one_count_per_account(logged, organization, payer):
    """A stolen session moved to other addresses still meets the per-account count."""
    for n in range(3):
        change_email(logged, organization, "sbagliata", REMOTE_ADDR=f"10.0.0.{n + 1}")
    right = change_password(logged, organization, PAYER_PASSWORD, REMOTE_ADDR="10.0.0.9")
    assert right.status_code == 429
    payer.refresh_from_db()
    assert payer.check_password(PAYER_PASSWORD)


@override_settings(ACCOUNT_PASSWORD_CHECK_RATE="3/h")
def test_wrong_passwords_from_one_address_count_across_accounts(organization, payer):
    """One address trying on several stolen sessions meets the per-address count."""
    other = User.objects.create_user("giulia@example.it", PAYER_PASSWORD,
                                     fiscal_code="BNCGLI92S43F205B")
    first, second = Client(), Client()
    first.force_login(payer)
    second.force_login(other)
    for _ in range(2):
        change_password(first, organization, "sbagliata")
    change_password(second, organization, "sbagliata")
    right = change_password(second, organization, PAYER_PASSWORD)
    assert right.status_code == 429 and LOCKED in right.content.decode()
    other.refresh_from_db()
    assert other.check_password(PAYER_PASSWORD)


@override_settings(ACCOUNT_PASSWORD_CHECK_RATE="3/h")
def test_right_passwords_do_not_count(logged, organization, payer):
    for _ in range(4):
        response = change_email(logged, organization, PAYER_PASSWORD)
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    assert change_password(logged, organization, PAYER_PASSWORD).status_code == 302


# --- /admin/login/ ---------------------------------------------------------------------

@override_settings(ADMIN_LOGIN_RATE="3/m")
def test_admin_login_is_rate_limited_per_address_whatever_the_username(client, payer,
                                                                       caplog):
    """django-axes locks one username at a time; spraying many usernames from one address
    meets the per-address rate, and past it even the right password is refused."""
    User.objects.filter(pk=payer.pk).update(is_staff=True, is_superuser=True)
    for n in range(3):
        tried = client.post("/admin/login/", {"username": f"staff{n}@example.it",
                                              "password": "sbagliata"})
        assert tried.status_code == 200
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        response = client.post("/admin/login/", {"username": payer.email,
                                                 "password": PAYER_PASSWORD})
    assert response.status_code == 429
    assert "Troppi tentativi di accesso all'amministrazione" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # logged once, as a security event (over_limit's), not again by the login view
    [event] = events(caplog, "rate_limited")
    assert event.group == "admin-login"
    assert [r for r in caplog.records if r.levelno >= logging.WARNING
            and r.name != "django.request"] == [event]  # django.request notes every 4xx
    elsewhere = Client(REMOTE_ADDR="10.1.2.3").post(
        "/admin/login/", {"username": payer.email, "password": PAYER_PASSWORD})
    assert elsewhere.status_code == 302  # another address is not affected


@override_settings(ADMIN_LOGIN_RATE="3/m")
def test_admin_login_page_itself_is_not_counted(client):
    for _ in range(5):
        assert client.get("/admin/login/").status_code == 200


# --- Password reset: one email through the outbox in both paths ---------------------------

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend",
                        "QUEUES": ["default", "bulk"]}}


@override_settings(TASKS=DB_TASKS)
def test_password_reset_does_the_same_work_for_unknown_addresses(
        client, organization, payer, django_capture_on_commit_callbacks):
    responses = []
    for address in (payer.email, "nessuno@example.it"):
        with django_capture_on_commit_callbacks(execute=True):
            responses.append(client.post(url("accounts:password_reset", organization),
                                         {"email": address}))
    known, unknown = responses
    assert known.status_code == unknown.status_code == 302
    assert known.url == unknown.url == url("accounts:password_reset_done", organization)
    assert mail.outbox == []  # no SMTP inside the request: the worker delivers
    [link_email] = emails_to(payer.email)
    [note] = emails_to("nessuno@example.it")
    assert link_email.subject == note.subject
    assert "/password-dimenticata/" in link_email.body_text
    assert "non corrisponde un'utenza attiva" in note.body_text and note.body_html
    assert "/password-dimenticata/" not in note.body_text
    assert OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED).count() == 2
    jobs = DBTaskResult.objects.filter(task_path="mail.tasks.deliver_email")
    assert sorted(job.args_kwargs["args"][0] for job in jobs) == sorted(
        [link_email.pk, note.pk])


def test_reset_of_an_unknown_address_is_delivered_by_the_worker(
        client, organization, django_capture_on_commit_callbacks):
    """The note is an ordinary outbox email: the job queue (here the immediate backend of
    the tests) delivers it after commit, with the activation and registration links."""
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("accounts:password_reset", organization),
                    {"email": "nessuno@example.it"})
    [sent] = mail.outbox
    assert sent.to == ["nessuno@example.it"] and organization.name in sent.subject
    [note] = emails_to("nessuno@example.it")
    assert note.status == OutgoingEmail.Status.SENT
    assert link_in(note, "/attiva/nuovo-link/") == url("accounts:resend_activation",
                                                        organization)
