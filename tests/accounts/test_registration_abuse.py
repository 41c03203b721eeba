"""Issue 10, item 8 (and the top list's fourth bullet): names that cannot carry a
message into an Ente-branded email, and no password takeover of a pending address."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from accounts.models import User
from sportello.validators import validate_organization_name, validate_person_name
from tests.accounts.conftest import (
    COMPANY,
    COMPANY_CF,
    PASSWORD,
    PERSON,
    emails_to,
    link_in,
    register,
    url,
)

pytestmark = pytest.mark.django_db
PHISHING = "ACCOUNT SOSPESO, riattiva subito su https://evil.example"


def test_the_phishing_surname_is_refused_and_nothing_is_sent(client, organization):
    response = register(client, organization, last_name=PHISHING)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Usa solo lettere, spazi, apostrofi, trattini e punti" in page
    assert not User.objects.exists()
    assert not emails_to(PERSON["email"])


def test_the_phishing_ragione_sociale_is_refused_and_nothing_is_sent(client, organization):
    response = register(client, organization, fiscal_code=COMPANY_CF, company_name=PHISHING)
    page = response.content.decode()
    assert response.status_code == 200
    assert "niente indirizzi web" in page
    assert not User.objects.exists()
    assert not emails_to(COMPANY["email"])


@pytest.mark.parametrize("name", [PHISHING, "Rossi evil.example", "Rossi x.it",
                                  "www.rossi.it S.r.l.", "Rossi1.example", "http://x",
                                  "R" * 141, "1234", "Rossi <b>", "Rossi, sospeso"])
def test_ragioni_sociali_that_carry_a_message_are_refused(name):
    with pytest.raises(ValidationError):
        validate_organization_name(name)


@pytest.mark.parametrize("name", ["Rossi S.r.l.", "Rossi & C. S.a.s.", "3M Italia S.p.A.",
                                  "Condominio Via Roma 12", "D'Angelo Costruzioni",
                                  "R" * 140])
def test_ragioni_sociali_with_digits_are_accepted(name):
    validate_organization_name(name)


@pytest.mark.parametrize("name", ["Rossi2", "evil.example", "www.rossi.it", "Ro$$i",
                                  "Rossi <b>", "R" * 61, "'-.", "Rossi, Mario"])
def test_names_that_are_not_names_are_refused(name):
    with pytest.raises(ValidationError):
        validate_person_name(name)


@pytest.mark.parametrize("name", ["D'Angelo", "De Luca-Rossi", "Maria J. Ferri", "Müller",
                                  "Ωμέγα", "Łukasz", "D’Amico", "R" * 60])
def test_names_of_any_alphabet_are_accepted(name):
    validate_person_name(name)


def test_nome_is_checked_against_the_codice_fiscale_too(client, organization):
    response = register(client, organization, first_name="Luigi")
    assert "Il nome non corrisponde al codice fiscale" in response.content.decode()
    assert not User.objects.exists()


def test_cognome_is_checked_against_the_codice_fiscale(client, organization):
    response = register(client, organization, last_name="Bianchi")
    assert "Il cognome non corrisponde al codice fiscale" in response.content.decode()
    assert not User.objects.exists()


def test_the_profile_refuses_a_url_in_the_name(client, organization, payer):
    client.force_login(payer)
    data = {"first_name": "Mario", "last_name": "Rossi", "address": "Via Roma 1",
            "nation": "IT", "city": "Roma", "province": "RM", "postal_code": "00100"}
    assert client.post(url("accounts:profile", organization), data).status_code == 302
    response = client.post(url("accounts:profile", organization), {
        **data, "last_name": "Rossi https://evil.example", "address": "Via Altra 5"})
    assert "Usa solo lettere" in response.content.decode()
    payer.refresh_from_db()
    assert payer.last_name == "Rossi" and payer.address == "Via Roma 1"


def _last_activation_path(address: str) -> str:
    return link_in([e for e in emails_to(address) if "/attiva/" in e.body_text][-1], "/attiva/")


def test_who_registered_an_address_first_never_learns_the_owners_password(organization):
    attacker, owner = Client(), Client()
    register(attacker, organization, password1="Scelta-da-Mallory-1",
             password2="Scelta-da-Mallory-1")
    # the owner, who did not register, follows the link the Ente sent: the password
    # Mallory chose is not theirs, so the account is not activated with it
    path = _last_activation_path(PERSON["email"])
    response = owner.post(path, {"password": "Un-altra-password-9"})
    assert "non è quella scelta alla registrazione" in response.content.decode()
    user = User.objects.get(email=PERSON["email"])
    assert user.awaiting_activation and not user.is_active
    # the owner registers the address; a later re-registration by Mallory cannot make
    # the owner activate Mallory's password
    register(owner, organization)
    register(attacker, organization, password1="Scelta-da-Mallory-1",
             password2="Scelta-da-Mallory-1")
    response = owner.post(_last_activation_path(PERSON["email"]), {"password": PASSWORD})
    assert "non è quella scelta alla registrazione" in response.content.decode()
    user.refresh_from_db()
    assert not user.is_active
    # the owner registers again and activates with their own password only
    register(owner, organization)
    response = owner.post(_last_activation_path(PERSON["email"]), {"password": PASSWORD})
    assert "Utenza attivata" in response.content.decode()
    user.refresh_from_db()
    assert user.is_active and user.check_password(PASSWORD)
    assert not user.check_password("Scelta-da-Mallory-1")
    login = attacker.post(url("accounts:login", organization),
                          {"username": PERSON["email"], "password": "Scelta-da-Mallory-1"})
    assert "_auth_user_id" not in attacker.session
    assert login.status_code in (200, 403, 429)


def test_activation_without_the_password_changes_nothing(client, registered):
    response = client.post(_last_activation_path(PERSON["email"]), {})
    assert response.status_code == 200
    registered.refresh_from_db()
    assert registered.awaiting_activation and not registered.is_active
