"""A responsabile's day in the back office, in a browser: the dashboard draws its charts
(Chart.js, no CSP violation) with their tables, the receipts list and a flagged receipt
applied after review, the service editor and the Ente's settings; every page axe-clean."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from tests.backoffice.conftest import login_staff, make_staff
from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def staff_page(page, live_server, organization):
    """The browser holds the session of a responsabile past the second factor."""
    manager = make_staff(organization, "responsabile@example.it", "responsabile")
    client = Client()
    login_staff(client, manager)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    return page


def test_responsabile_journey(staff_page, organization, make_position):
    from payments.models import PaymentOption, Receipt
    from tests.payments.test_pages import make_receipt
    from tests.payments.test_receipt_review import deliver, info_for

    page = staff_page
    paid = make_position(reference="paid").options.get()
    paid.mark_paid()
    make_receipt(paid)
    option = make_position(reference="flag").options.get()
    flagged = deliver(option, info_for(option, amount_cents=2000), wrong_station=True).receipt
    base = f"/{organization.slug}/backoffice/"

    page.goto(base)
    expect(page.get_by_role("heading", name="Cruscotto", exact=True)).to_be_visible()
    page.wait_for_function("() => window.Chart && Object.keys(Chart.instances).length === 3")
    expect(page.locator("#table-channel")).to_contain_text("22,00 €")
    assert_accessible(page)

    page.get_by_role("link", name="1 ricevuta da verificare").click()
    expect(page.get_by_role("heading", name="Ricevute da verificare")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name=option.notice_number[:4], exact=False).first.click()
    expect(page.locator("#raw-xml")).to_be_visible()  # the responsabile sees the message
    assert_accessible(page)
    page.get_by_label("Nota", exact=True).fill("Importo concordato")
    page.get_by_role("button", name="Applica la ricevuta").click()
    expect(page.get_by_role("alert")).to_contain_text("Ricevuta applicata dopo verifica")
    assert Receipt.objects.get(pk=flagged.pk).applied
    assert PaymentOption.objects.get(pk=option.pk).status == "paid"

    page.goto(f"{base}ricevute/")
    expect(page.locator("#receipt-totals")).to_contain_text("42,00 €")
    assert_accessible(page)

    page.goto(f"{base}servizi/")
    assert_accessible(page)
    page.get_by_role("link", name="Nuovo servizio").click()
    assert_accessible(page)
    page.locator("#id_code").fill("mensa")
    page.locator("#id_name").fill("Mensa scolastica")
    page.locator("#id_taxonomy_code").fill("9/0101002IM/")
    page.get_by_label("Capitolo di bilancio").fill("3050")
    page.get_by_role("button", name="Salva il servizio").click()
    expect(page.get_by_role("alert")).to_contain_text("Servizio «Mensa scolastica» salvato.")

    page.goto(f"{base}ente/")
    assert_accessible(page)
    page.locator("#id_phone").fill("06 1234567")
    page.get_by_role("button", name="Salva le impostazioni").click()
    expect(page.get_by_role("alert")).to_contain_text("Impostazioni salvate.")
    assert not page.js_errors, page.js_errors
