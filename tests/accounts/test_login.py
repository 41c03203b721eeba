"""Accedi, lockout after repeated failures, Password dimenticata, Argon2."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client, override_settings

from accounts.models import User
from tests.accounts.conftest import emails_to, link_in, url

pytestmark = pytest.mark.django_db

PAYER_PASSWORD = "Password-lunga-123"


def login(client, organization, email, password, **extra):
    return client.post(url("accounts:login", organization),
                       {"username": email, "password": password}, **extra)


def test_login_lands_on_the_payer_home_with_name_and_logout(client, organization, payer):
    response = login(client, organization, "Mario.Rossi@Example.it", PAYER_PASSWORD)
    assert response.url == url("positions:home", organization)
    page = client.get(response.url).content.decode()
    assert "Mario Rossi" in page and "Esci" in page


def test_login_goes_back_to_next(client, organization, payer):
    target = url("accounts:profile", organization)
    response = client.post(url("accounts:login", organization) + f"?next={target}",
                           {"username": payer.email, "password": PAYER_PASSWORD,
                            "next": target})
    assert response.url == target


def test_payer_pages_need_a_login(client, organization):
    for name in ("positions:home", "accounts:profile", "accounts:password_change",
                 "accounts:email_change", "accounts:verify_fiscal_code"):
        response = client.get(url(name, organization))
        assert response.status_code == 302 and "/accedi/" in response.url, name


def test_wrong_password_keeps_the_email_and_says_it_plainly(client, organization, payer):
    response = login(client, organization, payer.email, "sbagliata")
    page = response.content.decode()
    assert "Email o password non corretti" in page
    assert f'value="{payer.email}"' in page and 'value="sbagliata"' not in page


@override_settings(AXES_FAILURE_LIMIT=3)
def test_repeated_failures_lock_the_email_from_that_address(client, organization, payer):
    for _ in range(2):
        assert login(client, organization, payer.email, "sbagliata").status_code == 200
    locked = login(client, organization, payer.email.upper(), "sbagliata")
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Troppi tentativi di accesso non riusciti" in page and "15 minuti" in page
    # even the right password is refused while locked
    right = login(client, organization, payer.email, PAYER_PASSWORD)
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    # another address is not locked out of this account (no denial of service)
    other = login(Client(), organization, payer.email, PAYER_PASSWORD,
                  REMOTE_ADDR="10.1.2.3")
    assert other.url == url("positions:home", organization)


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_password_reset_ends_the_lockout(client, organization, payer):
    for _ in range(2):
        login(client, organization, payer.email, "sbagliata")
    assert login(client, organization, payer.email, PAYER_PASSWORD).status_code == 429
    client.post(url("accounts:password_reset", organization), {"email": payer.email})
    reset_password(client, payer.email, "Nuova-password-sicura-1")
    response = login(client, organization, payer.email, "Nuova-password-sicura-1")
    assert response.url == url("positions:home", organization)


@override_settings(ACCOUNT_LOGIN_RATE="2/m")
def test_login_is_rate_limited_per_address(client, organization, payer):
    login(client, organization, "a@example.it", "x")
    login(client, organization, "b@example.it", "x")
    response = login(client, organization, "c@example.it", "x")
    assert response.status_code == 429 and "Troppi tentativi" in response.content.decode()


def test_passwords_are_hashed_with_argon2_in_production_settings():
    from sportello.settings import PASSWORD_HASHERS

    assert PASSWORD_HASHERS[0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert settings.AUTHENTICATION_BACKENDS[0] == "accounts.backends.LockoutBackend"


def reset_password(client, email, new_password):
    path = link_in(emails_to(email)[-1], "/password-dimenticata/")
    form_page = client.get(path, follow=True)
    assert form_page.status_code == 200 and "Nuova password" in form_page.content.decode()
    return client.post(form_page.redirect_chain[-1][0],
                       {"new_password1": new_password, "new_password2": new_password})


def test_password_reset_answers_the_same_for_unknown_emails(client, organization, payer):
    known = client.post(url("accounts:password_reset", organization), {"email": payer.email})
    unknown = client.post(url("accounts:password_reset", organization),
                          {"email": "nessuno@example.it"})
    assert known.url == unknown.url == url("accounts:password_reset_done", organization)
    [email] = emails_to(payer.email)
    assert organization.name in email.body_text and email.body_html
    [note] = emails_to("nessuno@example.it")  # same work: one email, with no link
    assert "/password-dimenticata/" not in note.body_text


def test_password_reset_of_a_spid_only_account_says_it_logs_in_with_spid_or_cie(
        client, organization, payer):
    """An account made by a SPID/CIE login has no usable password: its owner is told to
    log in with SPID or CIE, not that the address has no account."""
    payer.set_unusable_password()
    payer.save(update_fields=["password"])
    response = client.post(url("accounts:password_reset", organization),
                           {"email": "Mario.Rossi@Example.it"})
    assert response.url == url("accounts:password_reset_done", organization)
    [note] = emails_to(payer.email)
    assert organization.name in note.subject
    for body in (note.body_text, note.body_html):
        assert "accede con SPID o CIE" in body
        assert "non corrisponde un'utenza attiva" not in body
        assert "/registrati/" not in body and "/password-dimenticata/" not in body
    assert link_in(note, "/accedi/") == url("accounts:login", organization)
    payer.refresh_from_db()
    assert not payer.has_usable_password()


def test_password_reset_link_sets_a_new_password_once(client, organization, payer):
    client.post(url("accounts:password_reset", organization), {"email": payer.email})
    path = link_in(emails_to(payer.email)[-1], "/password-dimenticata/")
    client.get(path, follow=True)
    payer.refresh_from_db()
    assert payer.check_password(PAYER_PASSWORD)  # the GET changed nothing
    done = reset_password(client, payer.email, "Nuova-password-sicura-1")
    assert done.url == url("accounts:password_reset_complete", organization)
    payer.refresh_from_db()
    assert payer.check_password("Nuova-password-sicura-1")
    again = Client().get(path, follow=True)
    assert "non è più valido" in again.content.decode()


def test_password_reset_rejects_a_weak_password_in_italian(client, organization, payer):
    client.post(url("accounts:password_reset", organization), {"email": payer.email})
    response = reset_password(client, payer.email, "123")
    assert "troppo corta" in response.content.decode()


@override_settings(ACCOUNT_EMAIL_RATE="1/h")
def test_password_reset_is_rate_limited(client, organization, payer):
    client.post(url("accounts:password_reset", organization), {"email": payer.email})
    response = client.post(url("accounts:password_reset", organization),
                           {"email": payer.email})
    assert response.status_code == 429
    assert len(emails_to(payer.email)) == 1


def test_inactive_accounts_get_no_reset_link(client, organization, payer):
    User.objects.filter(pk=payer.pk).update(is_active=False)
    client.post(url("accounts:password_reset", organization), {"email": payer.email})
    [note] = emails_to(payer.email)
    assert "/password-dimenticata/" not in note.body_text


@override_settings(AXES_FAILURE_LIMIT=2)
def test_the_admin_login_is_locked_out_too(client, payer):
    User.objects.filter(pk=payer.pk).update(is_staff=True)
    for _ in range(2):
        client.post("/admin/login/", {"username": payer.email, "password": "sbagliata"})
    response = client.post("/admin/login/", {"username": payer.email,
                                             "password": PAYER_PASSWORD})
    assert response.status_code == 429
    assert "Troppi tentativi di accesso non riusciti" in response.content.decode()


def test_code_that_logs_in_without_a_request_still_works(client, payer):
    assert client.login(username=payer.email, password=PAYER_PASSWORD)


def test_the_header_menu_of_a_logged_in_payer(client, organization, payer):
    client.force_login(payer)
    page = client.get(url("positions:search", organization)).content.decode()
    assert 'data-bs-toggle="dropdown"' in page and "Mario Rossi" in page
    for item in ("Profilo", "Aggiungi utenza", "Esci"):
        assert item in page
    assert "Esci da tutte" not in page  # only one account held
    assert 'href="/comune-di-prova/registrati/"' not in page
