"""Error pages in the browser: the Ente's header and footer, axe-clean, and the stale form
of a second tab explained as an expired page."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible, screenshot

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ENTE = "/comune-di-test"


@pytest.fixture
def demo(db):
    call_command("seed_demo", verbosity=0)


def test_a_stale_form_in_another_tab_says_the_page_expired(page, demo):
    page.goto(f"{ENTE}/")
    page.get_by_label("Codice Fiscale").fill("RSSMRA80E12H501I")
    page.get_by_label("Riferimento Pratica / IUV").fill("TS-2026-09")

    other_tab = page.context.new_page()
    other_tab.goto(f"{ENTE}/accedi/")
    other_tab.locator("input[name=username]").fill("mario.rossi@example.it")
    other_tab.locator("input[name=password]").fill("Sportello-demo-2026")
    other_tab.locator("main button[type=submit]").click()
    other_tab.wait_for_url(f"**{ENTE}/pratiche/")

    page.get_by_role("button", name="Trova pratica").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("La pagina è scaduta")
    expect(page.locator(".it-brand-title")).to_have_text("Comune di Test")
    expect(page.locator("footer")).to_contain_text("Comune di Test")
    assert_accessible(page)
    screenshot(page, "error-403-csrf")
    page.get_by_role("link", name="Ricarica la pagina").click()
    page.get_by_label("Codice Fiscale").fill("RSSMRA80E12H501I")
    page.get_by_label("Riferimento Pratica / IUV").fill("TS-2026-09")
    page.get_by_role("button", name="Trova pratica").click()
    expect(page.locator("main")).to_contain_text("Trasporto scolastico mese di Settembre")
    # The error statuses themselves are logged by the browser; nothing else may be.
    assert not [e for e in page.js_errors if not e.startswith("Failed to load resource")]


def test_404_and_405_keep_the_ente(page, demo):
    response = page.goto(f"{ENTE}/non-esiste/")
    assert response.status == 404
    expect(page.locator(".it-brand-title")).to_have_text("Comune di Test")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pagina non trovata")
    assert_accessible(page)
    screenshot(page, "error-404")

    # A GET on the POST-only *Paga* goes back to the page that holds the form.
    page.goto(f"{ENTE}/paga/")
    page.wait_for_url(f"**{ENTE}/accedi/?next=*")
    response = page.goto("/sandbox/psp/paga/")
    assert response.status == 405
    expect(page.get_by_role("heading", level=1)).to_have_text("Indirizzo non utilizzabile così")
    assert_accessible(page)
    screenshot(page, "error-405")
    # The error statuses themselves are logged by the browser; nothing else may be.
    assert not [e for e in page.js_errors if not e.startswith("Failed to load resource")]
