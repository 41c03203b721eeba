"""*Storico Pratiche*: filters in the URL, 25 a page, CSV export."""

import csv
import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from catalog.models import Service
from positions.services import OptionSpec
from tests.positions.conftest import claim, main_html, text_of

pytestmark = pytest.mark.django_db
ROME = ZoneInfo("Europe/Rome")


def history_url(organization, query=""):
    return reverse("positions:history", args=[organization.slug]) + query


def export_url(organization, query=""):
    return reverse("positions:history_export", args=[organization.slug]) + query


@pytest.fixture
def pass_service(organization):
    return Service.objects.create(organization=organization, code="pass-disabili",
                                  name="Pagamento Pass Disabili", taxonomy_code="9/0102106TS/")


@pytest.fixture
def paid_pass(make_position, payer, pass_service):
    position = claim(payer, make_position(
        causale="Pagamento pass 12345 del 01/01/2017", reference="PASS-12345",
        service=pass_service, amount_cents=100,
        installments=[OptionSpec(100, date(2017, 1, 31))]))
    position.options.get().mark_paid(paid_at=datetime(2017, 1, 15, 10, tzinfo=ROME))
    return position


def test_lists_every_state_with_payment_date(logged_in, organization, own_position, paid_pass):
    text = text_of(logged_in.get(history_url(organization)))
    assert "Pagamento pass 12345 del 01/01/2017 Pagata il 15/01/2017" in text
    assert "Trasporto scolastico mese di Settembre Da pagare" in text
    # latest payments first
    assert text.index("Pagamento pass 12345") < text.index("Trasporto scolastico mese")


def test_filter_by_service_and_payment_dates(logged_in, organization, own_position,
                                             paid_pass):
    response = logged_in.get(history_url(
        organization, "?servizio=pass-disabili&stato=&da_data=2017-01-01&a_data=2017-01-31"))
    text = text_of(response)
    assert "Pagamento pass 12345 del 01/01/2017" in text
    assert "Trasporto scolastico mese di Settembre" not in text
    # the filters stay in the form (kept in the URL)
    html = main_html(response)
    assert '<option value="pass-disabili" selected>' in html
    assert 'value="2017-01-01"' in html and 'value="2017-01-31"' in html
    # a date range that leaves the payment out
    text = text_of(logged_in.get(history_url(organization, "?da_data=2017-01-16")))
    assert "Nessuna pratica corrisponde ai filtri scelti." in text


def test_payment_date_boundaries_are_local_days(logged_in, organization, paid_pass):
    # paid at 00:30 in Rome on 16/01 is still 15/01 in UTC: the filter uses the local day
    paid_pass.options.update(paid_at=datetime(2017, 1, 16, 0, 30, tzinfo=ROME))
    text = text_of(logged_in.get(history_url(organization, "?da_data=16/01/2017"
                                                           "&a_data=16/01/2017")))
    assert "Pagamento pass 12345" in text


def test_filter_by_state_and_by_reference_or_iuv(logged_in, organization, own_position,
                                                 paid_pass):
    text = text_of(logged_in.get(history_url(organization, "?stato=unpaid")))
    assert "Trasporto scolastico mese" in text and "Pagamento pass" not in text
    text = text_of(logged_in.get(history_url(organization, "?riferimento=pass-123")))
    assert "Pagamento pass" in text and "Trasporto scolastico mese" not in text
    iuv = own_position.options.get().iuv
    text = text_of(logged_in.get(history_url(organization, f"?riferimento={iuv}")))
    assert "Trasporto scolastico mese" in text and "Pagamento pass" not in text


def test_from_after_to_is_refused_next_to_the_field(logged_in, organization, paid_pass):
    response = logged_in.get(history_url(organization, "?da_data=2017-02-01&a_data=2017-01-01"))
    html = main_html(response)
    assert "La data «A data» deve essere uguale o successiva a «Da data»." in html
    assert 'id="id_a_data_error"' in html
    assert "Pagamento pass" not in html
    assert 'value="2017-02-01"' in html  # what was typed is kept


@pytest.mark.parametrize("query, message", [
    ("?da_data=31/02/2017", "Data non valida"),
    ("?stato=hacked", "Stato non valido"),
    ("?servizio=non-esiste", "Servizio non disponibile"),
])
def test_bad_filters_get_a_clear_message(logged_in, organization, paid_pass, query, message):
    response = logged_in.get(history_url(organization, query))
    assert response.status_code == 200
    assert message in text_of(response)


def test_another_entes_service_is_not_a_choice(logged_in, organization, other_organization,
                                               paid_pass):
    Service.objects.create(organization=other_organization, code="tari", name="TARI altrove",
                           taxonomy_code="9/0102106TS/")
    response = logged_in.get(history_url(organization))
    assert "TARI altrove" not in main_html(response)
    assert "Servizio non disponibile" in text_of(
        logged_in.get(history_url(organization, "?servizio=tari")))


def test_paginated_25_a_page_keeping_the_filters(logged_in, organization, many_positions):
    many_positions(30)
    response = logged_in.get(history_url(organization, "?stato=unpaid"))
    html = main_html(response)
    assert html.count("<form id=\"pay-row-") == 25
    assert "Pagina 1 di 2" in html
    assert 'href="?stato=unpaid&amp;page=2"' in html
    second = main_html(logged_in.get(history_url(organization, "?stato=unpaid&page=2")))
    assert second.count("<form id=\"pay-row-") == 5
    assert 'href="?stato=unpaid&amp;page=1"' in second


def test_csv_export_of_the_filtered_rows(logged_in, organization, own_position, paid_pass):
    response = logged_in.get(export_url(organization, "?servizio=pass-disabili"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="storico-pratiche-')
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))
    assert rows[0][:4] == ["Nome", "Codice fiscale", "Servizio", "Causale"]
    assert len(rows) == 2
    assert rows[1][3] == "Pagamento pass 12345 del 01/01/2017"
    assert rows[1][5:8] == ["Pagata", "31/01/2017", "15/01/2017 10:00"]
    assert rows[1][-1] == "1,00"
    option = paid_pass.options.get()
    assert rows[1][9] == f'="{option.iuv}"' and rows[1][10] == f'="{option.notice_number}"'
    assert rows[1][9].startswith('="0')  # the IUV's leading zero (segregation code 01) stays


def test_csv_cells_never_run_as_formulas(logged_in, organization, payer, make_position):
    claim(payer, make_position(causale='=HYPERLINK("http://evil.example","x")',
                               reference="+SUM(1)"))
    body = logged_in.get(export_url(organization)).content.decode("utf-8")
    row = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))[1]
    assert row[3] == "'=HYPERLINK(\"http://evil.example\",\"x\")"
    assert row[8] == "'+SUM(1)"


def test_export_with_bad_filters_goes_back_to_the_form(logged_in, organization):
    response = logged_in.get(export_url(organization, "?da_data=2017-02-01&a_data=2017-01-01"))
    assert response.status_code == 302
    assert response["Location"] == history_url(organization,
                                               "?da_data=2017-02-01&a_data=2017-01-01")


def test_export_lists_only_the_account(client, organization, payer, own_position, debtor):
    from accounts.models import User

    other = User.objects.create_user("altro@example.it", "Password-lunga-123")
    client.force_login(other)
    body = client.get(export_url(organization)).content.decode("utf-8")
    assert "Trasporto scolastico" not in body
    assert len(body[1:].strip().splitlines()) == 1  # header only


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", ["", "?servizio=trasporto-scolastico&stato=unpaid"])
def test_query_count_does_not_grow_with_rows(logged_in, organization, many_positions, query):
    url, export = history_url(organization, query), export_url(organization, query)
    many_positions(10)
    logged_in.get(url)  # the first page after login also saves the session
    ten, ten_export = _queries(logged_in, url), _queries(logged_in, export)
    many_positions(90, start=10)
    assert _queries(logged_in, url) == ten
    assert _queries(logged_in, export) == ten_export


def test_history_rows_of_other_accounts_are_not_shown(client, organization, own_position):
    from accounts.models import User

    client.force_login(User.objects.create_user("altro@example.it", "Password-lunga-123"))
    assert "Trasporto scolastico mese" not in text_of(client.get(history_url(organization)))


def test_next_field_of_each_pay_form_returns_to_the_filtered_page(logged_in, organization,
                                                                  own_position):
    html = main_html(logged_in.get(history_url(organization, "?stato=unpaid")))
    assert 'name="next" value="/comune-di-prova/pratiche/storico/?stato=unpaid"' in html
