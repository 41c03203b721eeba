"""*Entra con SPID* → demo IdP → Mario Rossi → *Da Pagare*, in Chromium, with no
verification step (issue 10, "Done means")."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
ENTE = "/comune-di-test"


@pytest.fixture
def demo_site(settings, live_server, tmp_path):
    call_command("seed_demo", verbosity=0)
    settings.SITE_URL = live_server.url
    settings.DEMO_IDP_ENABLED = True
    registry = tmp_path / "registry.json"
    registry.write_text('{"spid": [], "cie": []}', encoding="utf-8")
    settings.IDENTITY_REGISTRY_FILE = str(registry)


def test_spid_login_with_the_demo_idp_shows_marios_positions(page, demo_site):
    page.goto(f"{ENTE}/accedi/")
    assert_accessible(page)
    page.get_by_text("Entra con SPID").click()
    page.get_by_role("link", name="IdP demo (solo sviluppo)").click()
    page.wait_for_url("**/demo-idp/sso/")
    expect(page.get_by_text("chiave di TEST")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Mario Rossi · RSSMRA80E12H501I").click()
    page.wait_for_url(f"**{ENTE}/pratiche/")
    expect(page.get_by_role("link", name="Da Pagare")).to_be_visible()
    row = page.locator("tbody tr", has_text="Trasporto scolastico mese di Settembre")
    expect(row).to_be_visible()
    expect(page.get_by_text("Codice fiscale da verificare")).to_have_count(0)
    assert not page.js_errors, page.js_errors
