"""*Da Pagare*: the payer's landing page."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Service
from positions.models import PaymentOption
from positions.portal import HOME_PAGE_SIZE
from positions.services import OptionSpec
from tests.positions.conftest import claim, main_html, text_of

pytestmark = pytest.mark.django_db


def home_url(organization):
    return reverse("positions:home", args=[organization.slug])


def test_anonymous_visitor_is_sent_to_login(client, organization):
    response = client.get(home_url(organization))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login", args=[organization.slug]))


def test_row_has_the_manuals_columns(logged_in, organization, own_position):
    option = own_position.options.get()
    response = logged_in.get(home_url(organization))
    assert response.status_code == 200
    text = text_of(response)
    for header in ("Nome", "Servizio", "Causale", "Stato", "Data scadenza",
                   "Riferimento pratica / IUV", "Importo"):
        assert f'<th scope="col">{header}</th>' in main_html(response).replace(
            ' class="text-end"', "")
    assert "Mario Rossi Trasporto scolastico Trasporto scolastico mese di Settembre " \
           "Da pagare" in text
    assert option.due_date.strftime("%d/%m/%Y") in text
    assert f"TS-2026-09 {option.iuv} 22,00 €" in text
    assert "<caption>" in main_html(response)
    assert 'class="table-responsive' in main_html(response)


def test_lists_only_payable_options_of_the_account(logged_in, organization, payer,
                                                   make_position, debtor):
    paid = claim(payer, make_position(causale="Già pagata", reference="P-1"))
    paid.options.get().mark_paid()
    make_position(causale="Non mia", reference="ALTRA")  # same debtor, not in the account
    claim(payer, make_position(causale="Da pagare mia", reference="P-2"))
    text = text_of(logged_in.get(home_url(organization)))
    assert "Da pagare mia" in text
    assert "Già pagata" not in text
    assert "Non mia" not in text


def test_installments_are_rows_sorted_by_due_date_and_overdue_is_said(
        logged_in, organization, payer, make_position):
    today = date.today()
    claim(payer, make_position(causale="Senza rate", reference="S-1", installments=[
        OptionSpec(500, today + timedelta(days=5))]))
    claim(payer, make_position(causale="Mensa a rate", reference="M-1", installments=[
        OptionSpec(4500, today - timedelta(days=3), installment_number=1),
        OptionSpec(4500, today + timedelta(days=40), installment_number=2),
        OptionSpec(4500, today + timedelta(days=1), installment_number=3),
    ]))
    response = logged_in.get(home_url(organization))
    text = text_of(response)
    order = [text.index(s) for s in ("Rata 1 di 3", "Rata 3 di 3", "Senza rate",
                                     "Rata 2 di 3")]
    assert order == sorted(order)
    overdue_row = text[text.index("Rata 1 di 3"):text.index("Rata 3 di 3")]
    assert "In ritardo" in overdue_row
    assert text.count("In ritardo") == 1


def test_each_row_pays_through_the_one_entry_point(logged_in, organization, own_position):
    option = own_position.options.get()
    html = main_html(logged_in.get(home_url(organization)))
    start = reverse("payments:start", args=[organization.slug])
    assert f'<form id="pay-row-{option.pk}" method="post" action="{start}"' in html
    assert f'name="option" value="{option.pk}"' in html
    assert f'form="pay-row-{option.pk}"' in html
    assert 'id="pay-selected"' in html and 'form="pay-selected"' in html
    assert "Paga selezionati" in html
    # a label for the checkbox, for screen readers
    assert f'<label for="select-{option.pk}"' in html


def test_selecting_six_rows_is_refused_with_a_clear_message(logged_in, organization,
                                                            many_positions):
    many_positions(6)
    home = home_url(organization)
    ids = list(PaymentOption.objects.values_list("pk", flat=True))
    response = logged_in.post(reverse("payments:start", args=[organization.slug]),
                              {"option": ids, "next": home}, follow=True)
    assert response.redirect_chain[-1][0] == home
    assert "Puoi pagare al massimo 5 posizioni alla volta." in text_of(response)


def test_rows_offer_the_notice_and_the_zip_of_the_selected_rows(logged_in, organization,
                                                                own_position):
    html = main_html(logged_in.get(home_url(organization)))
    notice = f"/{organization.slug}/pratiche/{own_position.pk}/avviso.pdf"
    assert f'href="{notice}" download>Stampa bollettino' in html
    assert f'formaction="/{organization.slug}/documenti/zip/"' in html
    assert f'value="{own_position.options.get().pk}" form="pay-selected"' in html


def test_spontaneous_button_only_when_a_service_allows_it(logged_in, organization, service):
    assert "Inserimento spontaneo" not in text_of(logged_in.get(home_url(organization)))
    Service.objects.create(organization=organization, code="pass", name="Pass",
                           taxonomy_code="9/0102106TS/", spontaneous_allowed=True,
                           fixed_amount_cents=100, active_to=date.today() - timedelta(days=1))
    assert "Inserimento spontaneo" not in text_of(logged_in.get(home_url(organization)))
    Service.objects.filter(code="pass").update(active_to=None)
    assert "Inserimento spontaneo" in text_of(logged_in.get(home_url(organization)))


def test_other_ente_positions_are_not_listed(logged_in, organization, other_organization,
                                             payer, own_position):
    response = logged_in.get(home_url(other_organization))
    assert response.status_code == 200
    assert "Trasporto scolastico mese di Settembre" not in text_of(response)


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_rows(logged_in, organization, many_positions):
    url = home_url(organization)
    many_positions(10)
    logged_in.get(url)  # the first page after login also saves the session
    ten = _queries(logged_in, url)
    many_positions(90, start=10)
    assert main_html(logged_in.get(url)).count("<form id=\"pay-row-") == HOME_PAGE_SIZE
    assert _queries(logged_in, url) == ten


def test_da_pagare_is_paginated_like_storico(logged_in, organization, many_positions):
    """Issue 17: a page costs the same for 10 rows or 500, so rows come 25 at a time."""
    many_positions(HOME_PAGE_SIZE + 3)
    url = home_url(organization)
    first = main_html(logged_in.get(url))
    assert first.count("<form id=\"pay-row-") == HOME_PAGE_SIZE
    assert "Retta 0" in first and f"Retta {HOME_PAGE_SIZE}" not in first  # soonest due first
    assert "Pagina 1 di 2" in first and "?page=2" in first
    second = main_html(logged_in.get(url, {"page": 2}))
    assert second.count("<form id=\"pay-row-") == 3
    assert f"Retta {HOME_PAGE_SIZE + 2}" in second


def test_the_count_agrees_in_number(logged_in, organization, payer, own_position,
                                    make_position):
    assert "1 importo da pagare" in text_of(logged_in.get(home_url(organization)))
    assert "ordinati" not in text_of(logged_in.get(home_url(organization)))
    claim(payer, make_position(reference="TS-2", causale="Altro"))
    assert "2 importi da pagare, ordinati per data di scadenza" in text_of(
        logged_in.get(home_url(organization)))


def test_names_typed_in_lower_case_are_shown_in_proper_case(logged_in, organization, payer,
                                                            own_position):
    own_position.debtor.full_name = "mario d'angelo-ROSSI"
    own_position.debtor.save()
    payer.first_name, payer.last_name = "laura", "BIANCHI"
    payer.save()
    page = text_of(logged_in.get(home_url(organization)))
    assert "Mario D'Angelo-Rossi" in page and "Benvenuto, Laura Bianchi" in page
    own_position.debtor.refresh_from_db()
    assert own_position.debtor.full_name == "mario d'angelo-ROSSI"  # stored as typed
