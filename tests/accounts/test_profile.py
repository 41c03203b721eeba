"""Profilo: anagrafica, password (old one required), email (confirmed by a link)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import User
from tests.accounts.conftest import emails_to, link_in, url

pytestmark = pytest.mark.django_db

PAYER_PASSWORD = "Password-lunga-123"
ANAGRAFICA = {"first_name": "Mario", "last_name": "Rossi", "address": "Via Nuova 3",
              "nation": "IT", "city": "Torino", "province": "TO", "postal_code": "10121",
              "phone": "+39 333 123 4567"}


@pytest.fixture
def logged(client, payer):
    client.force_login(payer)
    return client


def test_profile_updates_the_anagrafica(logged, organization, payer):
    response = logged.post(url("accounts:profile", organization), ANAGRAFICA)
    assert response.url == url("accounts:profile", organization)
    payer.refresh_from_db()
    assert (payer.address, payer.city, payer.province) == ("Via Nuova 3", "Torino", "TO")
    assert str(payer.phone) == "+393331234567"


def test_profile_keeps_the_codice_fiscale(logged, organization, payer):
    logged.post(url("accounts:profile", organization),
                {**ANAGRAFICA, "fiscal_code": "BNCLRD70A01F205Y"})
    payer.refresh_from_db()
    assert payer.fiscal_code == "RSSMRA80E12H501I"
    page = logged.get(url("accounts:profile", organization)).content.decode()
    assert 'value="RSSMRA80E12H501I"' in page and "readonly" in page


def test_profile_checks_names_and_comune_like_registration(logged, organization):
    page = logged.post(url("accounts:profile", organization),
                       {**ANAGRAFICA, "last_name": "Verdi", "city": "Torino",
                        "province": "MI"}).content.decode()
    assert "Il cognome non corrisponde" in page and "Non esiste un comune italiano" in page


def test_password_change_needs_the_old_password(logged, organization, payer):
    wrong = logged.post(url("accounts:password_change", organization), {
        "old_password": "sbagliata", "new_password1": "Nuova-password-sicura-1",
        "new_password2": "Nuova-password-sicura-1"})
    assert "La password attuale non è stata inserita correttamente" in wrong.content.decode()
    ok = logged.post(url("accounts:password_change", organization), {
        "old_password": PAYER_PASSWORD, "new_password1": "Nuova-password-sicura-1",
        "new_password2": "Nuova-password-sicura-1"})
    assert ok.status_code == 302
    payer.refresh_from_db()
    assert payer.check_password("Nuova-password-sicura-1")
    # still logged in here
    assert logged.get(url("positions:home", organization)).status_code == 200


def test_password_change_logs_out_other_browsers(logged, organization, payer):
    other = Client()
    other.force_login(payer)
    logged.post(url("accounts:password_change", organization), {
        "old_password": PAYER_PASSWORD, "new_password1": "Nuova-password-sicura-1",
        "new_password2": "Nuova-password-sicura-1"})
    assert other.get(url("positions:home", organization)).status_code == 302


def test_email_change_takes_effect_only_after_the_link(logged, organization, payer):
    response = logged.post(url("accounts:email_change", organization),
                           {"new_email": "Nuovo@Example.it", "password": PAYER_PASSWORD})
    assert "nuovo@example.it" in response.content.decode()
    payer.refresh_from_db()
    assert payer.email == "mario.rossi@example.it"
    [confirm] = emails_to("nuovo@example.it")
    [notice] = emails_to("mario.rossi@example.it")
    assert "nuovo@example.it" in notice.body_text
    path = link_in(confirm, "/profilo/email/")
    assert "Conferma il nuovo indirizzo" in Client().get(path).content.decode()
    payer.refresh_from_db()
    assert payer.email == "mario.rossi@example.it"  # a GET changes nothing
    assert Client().post(path).status_code == 200
    payer.refresh_from_db()
    assert payer.email == "nuovo@example.it"
    again = Client().post(path)
    assert again.status_code == 410 and "già stato usato" in again.content.decode()


def test_email_change_needs_the_password(logged, organization, payer):
    response = logged.post(url("accounts:email_change", organization),
                           {"new_email": "nuovo@example.it", "password": "sbagliata"})
    assert "La password non è corretta" in response.content.decode()
    assert emails_to("nuovo@example.it") == []


def test_email_change_to_a_taken_address_reveals_nothing(logged, organization, payer):
    User.objects.create_user("presa@example.it", "x")
    response = logged.post(url("accounts:email_change", organization),
                           {"new_email": "presa@example.it", "password": PAYER_PASSWORD})
    assert response.status_code == 200 and "presa@example.it" in response.content.decode()
    [email] = emails_to("presa@example.it")
    assert "ha già un'utenza" in email.body_text and "/profilo/email/" not in email.body_text
    payer.refresh_from_db()
    assert payer.email == "mario.rossi@example.it"


def test_email_change_link_loses_to_a_later_taker(logged, organization, payer):
    logged.post(url("accounts:email_change", organization),
                {"new_email": "nuovo@example.it", "password": PAYER_PASSWORD})
    path = link_in(emails_to("nuovo@example.it")[0], "/profilo/email/")
    User.objects.create_user("NUOVO@example.it", "x")
    response = Client().post(path)
    assert response.status_code == 409
    payer.refresh_from_db()
    assert payer.email == "mario.rossi@example.it"


def test_an_account_without_codice_fiscale_can_still_edit_its_profile(client, organization):
    staff = User.objects.create_user("ufficio@comune.example", "x", first_name="Ada")
    client.force_login(staff)
    response = client.post(url("accounts:profile", organization),
                           {**ANAGRAFICA, "first_name": "Ada", "last_name": "Lovelace"})
    assert response.status_code == 302
    staff.refresh_from_db()
    assert staff.last_name == "Lovelace" and staff.fiscal_code == ""
    assert client.get(url("accounts:verify_fiscal_code", organization)).status_code == 404
