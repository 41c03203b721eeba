"""*Inserimento spontaneo*: from the service's own form to a row in *Da Pagare*."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from catalog.models import Service, ServiceField, SpontaneousSubmission
from positions.models import Debtor, PaymentPosition, PositionClaim
from tests.positions.conftest import main_html, text_of

pytestmark = pytest.mark.django_db
TOKEN = "6f1c2d9e-8a5b-4c3d-9e2f-1a2b3c4d5e6f"


@pytest.fixture
def copies(organization):
    """Diritti di segreteria: 2,50 € × number of copies."""
    service = Service.objects.create(
        organization=organization, code="diritti-segreteria", name="Diritti di segreteria",
        description="Copie di atti.", taxonomy_code="9/0101005TS/", spontaneous_allowed=True,
        amount_rule=Service.AmountRule.UNIT_PRICE, unit_price_cents=250,
        amount_field="numero_copie",
        causale_template="Diritti di segreteria: {numero_copie} copie di {atto}",
        instructions="<p>Ritira le copie <strong>in Comune</strong>.</p>"
                     "<script>alert(1)</script>")
    ServiceField.objects.create(service=service, name="atto", label="Atto richiesto",
                                max_length=60, position=0)
    ServiceField.objects.create(service=service, name="numero_copie", label="Numero di copie",
                                kind=ServiceField.Kind.NUMBER, min_value=1, max_value=50,
                                position=1)
    return service


@pytest.fixture
def pass_service(organization):
    service = Service.objects.create(
        organization=organization, code="pass", name="Pagamento Pass Disabili",
        taxonomy_code="9/0102106TS/", spontaneous_allowed=True, fixed_amount_cents=100,
        causale_template="Pagamento pass {numero_pass} del {data}")
    ServiceField.objects.create(service=service, name="numero_pass", label="Numero del pass",
                                pattern=r"^[0-9]{5}$", pattern_message="Il pass ha 5 cifre.")
    ServiceField.objects.create(service=service, name="data", label="Data di rilascio",
                                kind=ServiceField.Kind.DATE, position=1)
    ServiceField.objects.create(service=service, name="rinnovo", label="È un rinnovo",
                                kind=ServiceField.Kind.BOOLEAN, required=False, position=2)
    return service


@pytest.fixture
def by_size(organization):
    service = Service.objects.create(
        organization=organization, code="passo-carrabile", name="Passo carrabile",
        taxonomy_code="9/0102106TS/", spontaneous_allowed=True,
        amount_rule=Service.AmountRule.CHOICE_PRICE, amount_field="misura")
    ServiceField.objects.create(service=service, name="misura", label="Larghezza",
                                kind=ServiceField.Kind.CHOICE,
                                choices="Fino a 3 metri | 30,00\nOltre 3 metri | 45,50")
    return service


@pytest.fixture
def free_amount(organization):
    return Service.objects.create(
        organization=organization, code="donazione", name="Contributo volontario",
        taxonomy_code="9/0102106TS/", spontaneous_allowed=True,
        amount_rule=Service.AmountRule.RANGE, min_amount_cents=500, max_amount_cents=10000)


def form_url(organization, service):
    return reverse("positions:spontaneous_form", args=[organization.slug, service.code])


def post(client, organization, service, **data):
    return client.post(form_url(organization, service), {"token": TOKEN, **data})


def test_choice_of_services_lists_only_spontaneous_active_ones(logged_in, organization,
                                                               service, copies):
    Service.objects.create(organization=organization, code="vecchio", name="Servizio chiuso",
                           taxonomy_code="9/0102106TS/", spontaneous_allowed=True,
                           fixed_amount_cents=100,
                           active_to=date.today() - timedelta(days=1))
    text = text_of(logged_in.get(reverse("positions:spontaneous_services",
                                         args=[organization.slug])))
    assert "Diritti di segreteria Copie di atti." in text
    assert "Trasporto scolastico" not in text  # not spontaneous
    assert "Servizio chiuso" not in text  # outside its dates


def test_form_shows_debtor_read_only_fields_amount_rule_and_instructions(
        logged_in, organization, copies):
    response = logged_in.get(form_url(organization, copies))
    html = main_html(response)
    text = text_of(response)
    assert "Mario Rossi" in text and "RSSMRA80E12H501I" in text
    assert 'name="fiscal_code"' not in html and 'name="full_name"' not in html
    assert '<label for="id_atto"' in html and '<label for="id_numero_copie"' in html
    assert 'data-amount-rule="unit_price"' in html and 'data-amount-unit-cents="250"' in html
    assert re.search(r'name="token" value="[0-9a-f-]{36}"', html)
    assert "<strong>in Comune</strong>" in html
    assert "<script>alert" not in html  # sanitised
    assert text.index("Salva") < text.index("Istruzioni dell'Ente")


def test_salva_creates_the_position_and_shows_it_in_da_pagare(logged_in, organization,
                                                              copies, payer):
    response = post(logged_in, organization, copies, atto="pratica 42/2026",
                    numero_copie="3", importo="0,01", amount_cents="1")
    assert response.status_code == 302
    assert response["Location"] == reverse("positions:home", args=[organization.slug])
    position = PaymentPosition.objects.get()
    option = position.options.get()
    assert option.amount_cents == 750  # computed on the server; the browser's price ignored
    assert position.causale == "Diritti di segreteria: 3 copie di pratica 42/2026"
    assert len(option.iuv) == 17 and len(option.notice_number) == 18
    transfer = option.transfers.get()
    assert transfer.iban == organization.iban and transfer.taxonomy_code == "9/0101005TS/"
    assert transfer.amount_cents == 750
    assert position.field_values == [
        {"name": "atto", "label": "Atto richiesto", "value": "pratica 42/2026"},
        {"name": "numero_copie", "label": "Numero di copie", "value": "3"},
    ]
    assert PositionClaim.objects.get(position=position).user == payer
    assert PositionClaim.objects.get(position=position).source == "created"
    assert position.debtor.fiscal_code == "RSSMRA80E12H501I"
    page = logged_in.get(response["Location"])
    text = text_of(page)
    assert "Pagamento inserito" in text
    assert "Diritti di segreteria: 3 copie di pratica 42/2026" in text and "7,50 €" in text


def test_double_click_on_salva_creates_one_position(logged_in, organization, copies):
    first = post(logged_in, organization, copies, atto="A", numero_copie="2")
    second = post(logged_in, organization, copies, atto="A", numero_copie="2")
    assert first.status_code == second.status_code == 302
    assert PaymentPosition.objects.count() == 1
    assert SpontaneousSubmission.objects.count() == 1


def test_a_token_of_another_account_is_refused(client, logged_in, organization, copies):
    from accounts.models import User

    post(logged_in, organization, copies, atto="A", numero_copie="2")
    other = User.objects.create_user("anna@example.it", "Password-lunga-123",
                                     first_name="Anna", last_name="Verdi",
                                     fiscal_code="VRDNNA85M41F205X")
    client.force_login(other)
    response = post(client, organization, copies, atto="B", numero_copie="4")
    assert response.status_code == 200
    assert "Il modulo non è più valido" in text_of(response)
    assert PaymentPosition.objects.count() == 1


@pytest.mark.parametrize("token", ["", "not-a-uuid"])
def test_tampered_token_is_refused(logged_in, organization, copies, token):
    response = logged_in.post(form_url(organization, copies),
                              {"token": token, "atto": "A", "numero_copie": "2"})
    assert response.status_code == 200
    assert "Il modulo non è più valido" in text_of(response)
    assert not PaymentPosition.objects.exists()


def test_field_errors_are_next_to_the_field_keeping_values(logged_in, organization, copies):
    response = post(logged_in, organization, copies, atto="pratica 1", numero_copie="51")
    html = main_html(response)
    assert 'id="id_numero_copie_error"' in html
    assert "Il valore massimo è 50." in html
    assert 'value="pratica 1"' in html and 'value="51"' in html
    assert not PaymentPosition.objects.exists()


def test_a_count_of_copies_takes_whole_numbers_only(logged_in, organization, copies):
    response = post(logged_in, organization, copies, atto="A", numero_copie="2,5")
    assert "Scrivi un numero intero, ad esempio 3." in text_of(response)
    assert 'inputmode="numeric"' in main_html(response)
    assert not PaymentPosition.objects.exists()
    assert post(logged_in, organization, copies, atto="A", numero_copie="3").status_code == 302
    assert PaymentPosition.objects.get().options.get().amount_cents == 750


def test_limits_are_written_the_italian_way(logged_in, organization, copies):
    ServiceField.objects.filter(name="numero_copie").update(
        min_value=Decimal("1000"), max_value=Decimal("2500.5"), whole_number=False)
    low = text_of(post(logged_in, organization, copies, atto="A", numero_copie="999"))
    assert "Il valore minimo è 1.000." in low
    high = text_of(post(logged_in, organization, copies, atto="A", numero_copie="2600"))
    assert "Il valore massimo è 2.500,50." in high


def test_decimal_comma_quantity_is_rounded_to_the_cent(logged_in, organization, copies):
    ServiceField.objects.filter(name="numero_copie").update(min_value=Decimal("0.5"),
                                                            whole_number=False)
    post(logged_in, organization, copies, atto="A", numero_copie="1,5")
    assert PaymentPosition.objects.get().options.get().amount_cents == 375


def test_pattern_date_and_boolean_fields(logged_in, organization, pass_service):
    bad = post(logged_in, organization, pass_service, numero_pass="12AB", data="2017-02-30")
    text = text_of(bad)
    assert "Il pass ha 5 cifre." in text
    assert "Data non valida" in text
    ok = post(logged_in, organization, pass_service, numero_pass="12345", data="2017-01-01")
    assert ok.status_code == 302
    position = PaymentPosition.objects.get()
    assert position.causale == "Pagamento pass 12345 del 01/01/2017"
    assert position.options.get().amount_cents == 100
    assert position.field_values[2] == {"name": "rinnovo", "label": "È un rinnovo",
                                        "value": "No"}


def test_price_per_choice_and_a_choice_not_in_the_list(logged_in, organization, by_size):
    html = main_html(logged_in.get(form_url(organization, by_size)))
    assert "Oltre 3 metri (45,50 €)" in html
    assert "data-amount-prices=" in html
    bad = post(logged_in, organization, by_size, misura="Oltre 10 metri")
    assert "Scegli una delle voci dell'elenco." in text_of(bad)
    post(logged_in, organization, by_size, misura="Oltre 3 metri")
    assert PaymentPosition.objects.get().options.get().amount_cents == 4550
    assert PaymentPosition.objects.get().causale == "Passo carrabile"


@pytest.mark.parametrize("typed, error", [("4,99", "L'importo minimo è 5,00 €."),
                                          ("100,01", "L'importo massimo è 100,00 €."),
                                          ("dieci", "Importo non valido")])
def test_amount_typed_by_the_payer_stays_within_the_rule(logged_in, organization,
                                                         free_amount, typed, error):
    response = post(logged_in, organization, free_amount, importo=typed)
    assert error in text_of(response)
    assert f'value="{typed}"' in main_html(response)
    assert not PaymentPosition.objects.exists()
    assert post(logged_in, organization, free_amount, importo="12,50").status_code == 302
    assert PaymentPosition.objects.get().options.get().amount_cents == 1250


def test_changing_the_services_fields_keeps_old_positions_as_they_were(
        logged_in, organization, copies):
    post(logged_in, organization, copies, atto="A", numero_copie="2")
    position = PaymentPosition.objects.get()
    copies.form_fields.filter(name="atto").update(label="Documento", name="documento")
    copies.form_fields.filter(name="numero_copie").delete()
    response = logged_in.get(reverse("positions:detail", args=[organization.slug, position.pk]))
    text = text_of(response)
    assert "Atto richiesto A" in text and "Numero di copie 2" in text
    assert "Documento" not in text


def test_payer_without_fiscal_code_gets_a_clear_message(client, organization, copies):
    from accounts.models import User

    user = User.objects.create_user("senza@example.it", "Password-lunga-123",
                                    first_name="Senza", last_name="Codice")
    client.force_login(user)
    page = client.get(form_url(organization, copies))
    assert "il tuo profilo deve indicare nome, cognome e codice fiscale" in text_of(page)
    assert "<form method=\"post\" novalidate class=\"spontaneous-form\"" not in main_html(page)
    post(client, organization, copies, atto="A", numero_copie="2")
    assert not PaymentPosition.objects.exists()


def test_the_entes_debtor_record_is_not_rewritten_by_the_account(logged_in, organization,
                                                                 copies, debtor, payer):
    from accounts.models import FiscalCodeVerification

    # verified at this Ente: its spontaneous positions go on the Ente's record
    FiscalCodeVerification.objects.create(user=payer, fiscal_code=payer.fiscal_code,
                                          method="staff", organization=organization)
    Debtor.objects.filter(pk=debtor.pk).update(full_name="Mario Rossi (anagrafe)",
                                               email="ufficiale@example.it")
    post(logged_in, organization, copies, atto="A", numero_copie="1")
    debtor.refresh_from_db()
    assert debtor.full_name == "Mario Rossi (anagrafe)" and debtor.email == "ufficiale@example.it"
    assert PaymentPosition.objects.get().debtor == debtor


def test_new_debtor_is_made_from_the_account(logged_in, organization, copies):
    post(logged_in, organization, copies, atto="A", numero_copie="1")
    debtor = Debtor.objects.get(organization=organization)
    assert (debtor.fiscal_code, debtor.full_name, debtor.email, debtor.entity_type) == (
        "RSSMRA80E12H501I", "Mario Rossi", "mario.rossi@example.it", "F")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_clicks_on_salva_create_one_position(organization, copies, payer):
    """Five identical POSTs at the same moment, each on its own connection."""
    import threading

    from django.db import connection, connections
    from django.test import Client

    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    clients = [Client() for _ in range(5)]
    for client in clients:
        client.force_login(payer)
    barrier = threading.Barrier(len(clients))
    statuses: list[int] = []

    def click(client) -> None:
        try:
            barrier.wait()
            statuses.append(post(client, organization, copies, atto="A",
                                 numero_copie="2").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * len(clients)
    assert PaymentPosition.objects.count() == 1
    assert PositionClaim.objects.count() == 1


# --- Back and Salva again; withdrawing a payment the payer created -------------------------

def test_salva_again_after_back_warns_before_a_second_position(logged_in, organization, copies):
    """Back re-fetches the form (pages are not cached), so it carries a new token: the
    same service, causale and amount still unpaid is shown before a second one is made."""
    assert post(logged_in, organization, copies, atto="A", numero_copie="2").status_code == 302
    first = PaymentPosition.objects.get()
    again = {"token": "0b4c7a52-3f0e-4b55-9d0b-6d3c6a8e2f11", "atto": "A", "numero_copie": "2"}
    warned = logged_in.post(form_url(organization, copies), again)
    assert warned.status_code == 200
    text = text_of(warned)
    assert "Hai già inserito il" in text and first.causale in text
    assert 'name="confirm_duplicate" value="1"' in main_html(warned)
    assert 'value="A"' in main_html(warned)  # nothing typed is lost
    assert PaymentPosition.objects.count() == 1
    confirmed = logged_in.post(form_url(organization, copies), {**again, "confirm_duplicate": "1"})
    assert confirmed.status_code == 302
    assert PaymentPosition.objects.count() == 2


def test_a_different_payment_is_not_a_duplicate(logged_in, organization, copies):
    post(logged_in, organization, copies, atto="A", numero_copie="2")
    other = {"token": "0b4c7a52-3f0e-4b55-9d0b-6d3c6a8e2f11", "atto": "A", "numero_copie": "3"}
    assert logged_in.post(form_url(organization, copies), other).status_code == 302
    assert PaymentPosition.objects.count() == 2


def test_the_payer_withdraws_an_unpaid_position_they_created(logged_in, organization, copies):
    post(logged_in, organization, copies, atto="A", numero_copie="2")
    position = PaymentPosition.objects.get()
    detail = logged_in.get(reverse("positions:detail", args=[organization.slug, position.pk]))
    withdraw_url = reverse("positions:withdraw", args=[organization.slug, position.pk])
    assert withdraw_url in main_html(detail)
    confirm = logged_in.get(withdraw_url)
    assert "Eliminare questo pagamento?" in text_of(confirm)
    assert position.options.get().status == "unpaid"  # a GET only asks
    done = logged_in.post(withdraw_url)
    assert done.status_code == 302
    assert done["Location"] == reverse("positions:home", args=[organization.slug])
    position.refresh_from_db()
    assert position.status == "cancelled" and position.options.get().status == "cancelled"
    home = text_of(logged_in.get(done["Location"]))
    assert "Pagamento eliminato" in home and position.causale not in home.split("eliminato")[1]
    assert logged_in.get(withdraw_url).status_code == 404  # nothing left to withdraw


def test_positions_of_the_ente_or_paid_ones_cannot_be_withdrawn(
        logged_in, organization, copies, make_position, payer):
    from positions.spontaneous import withdraw_spontaneous_position
    from tests.positions.conftest import claim

    ente_position = claim(payer, make_position())
    url = reverse("positions:withdraw", args=[organization.slug, ente_position.pk])
    assert logged_in.get(url).status_code == 404
    assert logged_in.post(url).status_code == 404
    post(logged_in, organization, copies, atto="A", numero_copie="2")
    mine = PaymentPosition.objects.get(origin="spontaneous")
    option = mine.options.get()
    option.mark_paid()
    with pytest.raises(PaymentPosition.DoesNotExist):
        withdraw_spontaneous_position(payer, organization, mine.pk)
    assert logged_in.post(reverse("positions:withdraw",
                                  args=[organization.slug, mine.pk])).status_code == 404


def test_another_account_cannot_withdraw_my_position(client, logged_in, organization, copies,
                                                     db):
    from accounts.models import User

    post(logged_in, organization, copies, atto="A", numero_copie="2")
    position = PaymentPosition.objects.get()
    stranger = User.objects.create_user("altro@example.it", "Password-lunga-123",
                                        first_name="Anna", last_name="Verdi")
    other = type(client)()
    other.force_login(stranger)
    url = reverse("positions:withdraw", args=[organization.slug, position.pk])
    assert other.post(url).status_code == 404
    assert position.options.get().status == "unpaid"
