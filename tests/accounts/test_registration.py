"""Registrati: codice fiscale first, then the anagrafica and the Dati accesso."""

from __future__ import annotations

import pytest
from django.test import Client, override_settings

from accounts.models import User
from mail.models import OutgoingEmail
from tests.accounts.conftest import (
    COMPANY_CF,
    PASSWORD,
    PERSON,
    PERSON_CF,
    emails_to,
    link_in,
    register,
    start,
    url,
)

pytestmark = pytest.mark.django_db


def test_first_step_asks_only_the_codice_fiscale(client, organization):
    page = client.get(url("accounts:register", organization)).content.decode()
    assert 'name="fiscal_code"' in page
    assert 'name="email"' not in page and 'name="password1"' not in page


@pytest.mark.parametrize("code, message", [
    ("RSSMRA80E12H501X", "carattere di controllo"),
    ("RSSMRA80E12H50", "16 caratteri"),
    ("12345670018", "cifra di controllo"),
])
def test_a_wrong_codice_fiscale_is_refused_next_to_the_field(client, organization, code,
                                                             message):
    response = start(client, organization, code)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and "invalid-feedback" in page
    assert f'value="{code}"' in page  # kept as typed


def test_omocodia_and_partita_iva_are_accepted(client, organization):
    assert start(client, organization, "RSSMRA80E12H50MA").status_code == 302
    assert start(client, organization, COMPANY_CF).status_code == 302


def test_the_second_step_needs_the_first(client, organization):
    response = client.get(url("accounts:register_details", organization))
    assert response.url == url("accounts:register", organization)


def test_natural_person_form_has_names_and_a_fixed_codice_fiscale(client, organization):
    start(client, organization)
    page = client.get(url("accounts:register_details", organization)).content.decode()
    for label in ("Nome", "Cognome", "Codice Fiscale", "Indirizzo", "Nazione", "Città",
                  "Provincia", "CAP", "E-Mail", "Telefono", "Password", "Conferma Password",
                  "Dati accesso", "Username (mail)", "Registrati", "Indietro"):
        assert label in page, label
    assert "Ragione sociale" not in page
    assert f'value="{PERSON_CF}"' in page and "readonly" in page
    # Italia first and chosen by default
    nation = page[page.index('name="nation"'):]
    assert nation.index('value="IT" selected') < nation.index('value="AF"')


def test_legal_person_form_asks_ragione_sociale_instead_of_names(client, organization):
    start(client, organization, COMPANY_CF)
    page = client.get(url("accounts:register_details", organization)).content.decode()
    assert "Ragione sociale" in page
    assert 'name="first_name"' not in page and 'name="last_name"' not in page


def test_the_codice_fiscale_cannot_be_changed_in_the_second_step(client, organization):
    start(client, organization)
    response = client.post(url("accounts:register_details", organization),
                           {**PERSON, "fiscal_code": "BNCLRD70A01F205Y"})
    assert response.status_code == 302, response.content.decode()
    assert User.objects.get().fiscal_code == PERSON_CF


def test_registration_creates_an_inactive_account_and_queues_the_activation(client,
                                                                            organization):
    response = register(client, organization)
    assert response.url == url("accounts:register_done", organization)
    user = User.objects.get(email=PERSON["email"])
    assert not user.is_active and user.awaiting_activation
    assert user.fiscal_code == PERSON_CF and user.entity_type == "F"
    assert str(user.phone) == "+390612345678"  # E.164
    assert user.password.startswith("md5$")  # hashed (Argon2 outside the tests)
    [email] = emails_to(PERSON["email"])
    assert organization.name in email.subject and organization.name in email.body_text
    assert "/attiva/" in email.body_text and "/attiva/" in email.body_html
    page = client.get(response.url).content.decode()
    assert "ti abbiamo inviato una email" in page.lower()


def test_a_company_registers_with_its_ragione_sociale(client, organization):
    register(client, organization, fiscal_code=COMPANY_CF)
    user = User.objects.get(email="amministrazione@rossi.example")
    assert user.entity_type == "G" and user.company_name == "Rossi S.r.l."
    assert user.display_name() == "Rossi S.r.l."


@pytest.mark.parametrize("field, value, message", [
    ("last_name", "Bianchi", "Il cognome non corrisponde al codice fiscale"),
    ("first_name", "Luigi", "Il nome non corrisponde al codice fiscale"),
])
def test_names_must_match_the_letters_of_the_codice_fiscale(client, organization, field,
                                                            value, message):
    response = register(client, organization, **{field: value})
    page = response.content.decode()
    assert response.status_code == 200 and message in page
    assert f'value="{value}"' in page  # what was typed is kept
    assert PASSWORD not in page  # passwords are not
    assert not User.objects.exists()


def test_accented_and_compound_names_are_encoded_by_the_library(client, organization):
    # DMC = D'Amico, NCL = Nicolò
    response = register(client, organization, fiscal_code="DMCNCL85M01F205Q",
                         first_name="Nicolò", last_name="D'Amico")
    assert response.status_code == 302, response.content.decode()


@pytest.mark.parametrize("overrides, message", [
    ({"city": "Roma", "province": "MI"}, "Non esiste un comune italiano"),
    ({"city": "Atlantide", "province": "RM"}, "Non esiste un comune italiano"),
    ({"province": ""}, "sigla della provincia"),
    ({"postal_code": "0010"}, "5 cifre"),
    ({"phone": "12"}, "Numero di telefono non valido"),
    ({"password2": "Un-altro-segreto-99"}, "non coincidono"),
    ({"password1": "12345678901", "password2": "12345678901"}, "password"),
    ({"email": "non-una-email"}, "email"),
])
def test_bad_fields_are_explained_in_italian(client, organization, overrides, message):
    response = register(client, organization, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not User.objects.exists()


def test_a_common_password_gets_the_italian_validator_message(client, organization):
    response = register(client, organization, password1="password123",
                        password2="password123")
    assert "Questa password è troppo comune." in response.content.decode()


def test_comune_from_the_type_ahead_and_official_spelling(client, organization):
    register(client, organization, city="forli (FC)", province="", postal_code="47121")
    user = User.objects.get()
    assert (user.city, user.province) == ("Forlì", "FC")


def test_abroad_city_and_province_are_free_text(client, organization):
    register(client, organization, nation="CH", city="Lugano", province="Ticino",
             postal_code="CH-6900", phone="+41 91 123 45 67")
    user = User.objects.get()
    assert (user.nation.code, user.city, user.province) == ("CH", "Lugano", "Ticino")
    assert str(user.phone) == "+41911234567"


def test_comuni_endpoint_lists_active_comuni_with_province(client, organization):
    data = client.get(url("accounts:municipalities", organization)).json()["comuni"]
    assert ["Roma", "RM"] in data and ["Forlì", "FC"] in data
    assert len(data) > 7800
    assert not any(name == "Abano" for name, _ in data)  # merged in 1924


def test_nothing_the_ente_knows_of_the_codice_fiscale_is_shown(client, organization, debtor):
    debtor.address, debtor.city, debtor.email = "Via Segreta 7", "Frosinone", "m@r.it"
    debtor.save()
    start(client, organization, debtor.fiscal_code)
    page = client.get(url("accounts:register_details", organization)).content.decode()
    for secret in ("Mario Rossi", "Via Segreta", "Frosinone", "m@r.it"):
        assert secret not in page
    assert 'value="Mario"' not in page


def test_an_existing_email_gets_the_same_page_and_a_mail_pointing_to_recovery(
        client, organization, payer):
    response = register(client, organization, email="MARIO.Rossi@example.it",
                        first_name="Mario", last_name="Rossi")
    assert response.url == url("accounts:register_done", organization)
    assert User.objects.count() == 1
    payer.refresh_from_db()
    assert payer.is_active and payer.check_password("Password-lunga-123")
    [email] = emails_to(payer.email)
    assert "ha già un'utenza" in email.body_text
    assert link_in(email, "/password-dimenticata/")
    assert "/attiva/" not in email.body_text


def test_confirmation_pages_are_identical_for_new_and_existing_emails(client, organization,
                                                                      payer):
    register(client, organization, email="nuova@example.it")
    new_page = client.get(url("accounts:register_done", organization)).content.decode()
    other = Client()
    register(other, organization, email=payer.email)
    old_page = other.get(url("accounts:register_done", organization)).content.decode()
    strip = lambda page, email: page.replace(email, "EMAIL").split('name="csrfmiddlewaretoken"')[0]  # noqa: E731
    assert strip(new_page, "nuova@example.it") == strip(old_page, payer.email)


def test_several_accounts_may_declare_the_same_codice_fiscale(client, organization, payer):
    register(client, organization, email="altra@example.it")
    assert User.objects.filter(fiscal_code=PERSON_CF).count() == 2


def test_a_pending_registration_is_replaced_by_a_new_one(client, organization):
    register(client, organization, address="Via del Primo 1")
    [first] = emails_to(PERSON["email"])
    register(Client(), organization, address="Via del Secondo 2",
             password1="Un-altro-segreto-77", password2="Un-altro-segreto-77")
    user = User.objects.get()
    assert user.address == "Via del Secondo 2"
    assert user.check_password("Un-altro-segreto-77")
    # the first link no longer activates (whoever registered first cannot keep it)
    page = client.get(link_in(first, "/attiva/"))
    assert page.status_code == 410
    assert len(emails_to(PERSON["email"])) == 2


def test_registering_twice_with_the_same_data_keeps_both_links_valid(client, organization):
    register(client, organization)
    register(Client(), organization)
    first, second = emails_to(PERSON["email"])
    assert User.objects.count() == 1
    assert client.get(link_in(first, "/attiva/")).status_code == 200
    assert client.get(link_in(second, "/attiva/")).status_code == 200


@override_settings(ACCOUNT_REGISTER_RATE="2/h")
def test_registration_is_rate_limited(client, organization):
    for n in range(2):
        assert register(client, organization, email=f"r{n}@example.it").status_code == 302
    response = register(client, organization, email="r9@example.it")
    assert response.status_code == 429 and "Troppe registrazioni" in response.content.decode()
    assert not User.objects.filter(email="r9@example.it").exists()


def test_forms_refuse_posts_without_csrf(organization):
    client = Client(enforce_csrf_checks=True)
    assert start(client, organization).status_code == 403
    assert client.post(url("accounts:login", organization),
                       {"username": "a@b.it", "password": "x"}).status_code == 403


def test_a_failure_while_queueing_leaves_no_account(client, organization, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("outbox down")

    monkeypatch.setattr("accounts.emails.queue_email", broken)
    with pytest.raises(RuntimeError):
        register(client, organization)
    assert not User.objects.exists() and not OutgoingEmail.objects.exists()


def test_the_privacy_notice_is_shown_and_must_be_acknowledged(client, organization):
    from tests.accounts.conftest import PERSON

    start(client, organization)
    page = client.get(url("accounts:register_details", organization)).content.decode()
    assert "<details class=\"privacy-notice" in page and "Titolare del trattamento" in page
    assert 'name="privacy"' in page and "(obbligatorio)" in page
    without = {k: v for k, v in PERSON.items() if k != "privacy"}
    refused = client.post(url("accounts:register_details", organization), without)
    assert refused.status_code == 200
    from html import unescape

    assert "conferma di aver letto l'informativa privacy" in unescape(refused.content.decode())
    assert not User.objects.exists()
    assert client.post(url("accounts:register_details", organization), PERSON).status_code == 302
    assert User.objects.get().privacy_acknowledged_at is not None
