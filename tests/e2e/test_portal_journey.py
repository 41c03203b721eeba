"""A payer logs in, sees what to pay, finds a paid position in the history and creates a
spontaneous payment with a computed amount."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ENTE = "/comune-di-test"


@pytest.fixture
def demo_payer(db):
    """The demo data, with Mario Rossi's codice fiscale verified by the Ente's staff, so
    his positions are listed in his account."""
    from accounts.models import FiscalCodeVerification, User
    from organizations.models import Organization

    call_command("seed_demo", verbosity=0)
    user = User.objects.get(email="mario.rossi@example.it")
    FiscalCodeVerification.objects.get_or_create(
        user=user, fiscal_code=user.fiscal_code,
        organization=Organization.objects.get(slug=ENTE.strip("/")),
        defaults={"method": "staff"})
    return user


def log_in(page):
    page.goto(f"{ENTE}/accedi/?next={ENTE}/pratiche/")
    page.locator("input[name=username]").fill("mario.rossi@example.it")
    page.locator("input[name=password]").fill("Sportello-demo-2026")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(f"**{ENTE}/pratiche/")


def test_payer_journey(page, demo_payer):
    log_in(page)
    row = page.locator("tbody tr", has_text="Trasporto scolastico mese di Settembre")
    expect(row).to_contain_text("22,00 €")
    expect(row.get_by_role("button", name=re.compile("^Paga"))).to_be_visible()
    expect(page.get_by_role("link", name="Inserimento spontaneo")).to_be_visible()
    assert_accessible(page)

    # Storico: filter by service and payment date, then back to the unfiltered list
    page.get_by_role("link", name="Storico Pratiche").click()
    page.wait_for_url(f"**{ENTE}/pratiche/storico/")
    assert_accessible(page)
    page.get_by_label("Servizio", exact=True).select_option(label="Pagamento Pass Disabili")
    page.get_by_label("Da data").fill("2017-01-01")
    page.get_by_label("A data", exact=True).fill("2017-01-31")
    page.get_by_role("button", name="Trova pratica").click()
    page.wait_for_url(re.compile(r".*servizio=pass-disabili.*da_data=2017-01-01.*"))
    table = page.locator("table")
    expect(table).to_contain_text("Pagamento pass 12345 del 01/01/2017")
    expect(table).not_to_contain_text("Trasporto scolastico")
    assert_accessible(page)
    page.go_back()
    expect(page.locator("table")).to_contain_text("Trasporto scolastico mese di Settembre")

    # Inserimento spontaneo: Diritti di segreteria, 3 copies × 2,50 €
    page.goto(f"{ENTE}/pratiche/")
    page.get_by_role("link", name="Inserimento spontaneo").click()
    assert_accessible(page)
    page.get_by_role("link", name="Diritti di segreteria").click()
    expect(page.get_by_role("heading", name="Istruzioni dell'Ente")).to_be_visible()
    page.get_by_label("Atto richiesto").fill("pratica edilizia 7/2026")
    page.get_by_label("Numero di copie").fill("3")
    expect(page.locator("#amount-preview")).to_have_text(re.compile(r"7,50\s€"))
    assert_accessible(page)
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url(f"**{ENTE}/pratiche/")
    expect(page.get_by_role("alert")).to_contain_text("Pagamento inserito")
    new_row = page.locator("tbody tr", has_text="Diritti di segreteria: 3 copie di pratica "
                                                "edilizia 7/2026")
    expect(new_row).to_contain_text("7,50 €")
    assert_accessible(page)

    # its page shows the fields as typed
    new_row.get_by_role("link", name="Diritti di segreteria: 3 copie di pratica edilizia 7/2026",
                        exact=True).click()
    expect(page.locator("main")).to_contain_text("Numero di copie")
    assert_accessible(page)
    assert not page.js_errors, page.js_errors


def test_payer_sees_field_errors_and_the_cart_limit(page, demo_payer):
    log_in(page)
    page.goto(f"{ENTE}/pratiche/nuova/diritti-segreteria/")
    page.get_by_label("Atto richiesto").fill("copia")
    page.get_by_label("Numero di copie").fill("99")
    page.get_by_role("button", name="Salva").click()
    expect(page.locator(".invalid-feedback")).to_contain_text("50")
    expect(page.get_by_label("Numero di copie")).to_have_value("99")
    assert_accessible(page)

    # pay nothing selected: the payments entry point answers with a message on this page
    page.goto(f"{ENTE}/pratiche/")
    page.get_by_role("button", name="Paga selezionati").click()
    expect(page.get_by_role("alert")).to_contain_text("Seleziona almeno una posizione")
    assert_accessible(page)
