"""``/sandbox/fdr/`` in Chromium: the tester publishes the day's flows with a fault and
sees them listed; a mistyped Ente is explained; axe-core finds no WCAG 2.1 A/AA
violation and the strict CSP reports nothing (no inline script or style).

It lives with the journeys so that it shares their one Chromium (the ``browser`` fixture
of this folder's conftest); the sandbox tests lend it ``sandbox_payment``."""

from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from sandbox.models import SandboxFlow
from tests.e2e.conftest import CHROMIUM, assert_accessible
from tests.sandbox.conftest import EC, sandbox_payment  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True),
              pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Chromium not found")]


def test_publish_the_days_flows_from_the_page(page, sandbox_payment):  # noqa: F811
    sandbox_payment("02000000000000001")
    sandbox_payment("02000000000000002")
    page.goto("/sandbox/fdr/")
    assert_accessible(page)
    page.get_by_label("Codice fiscale dell'Ente (vuoto: tutti)").fill("123")
    page.get_by_role("button", name="Pubblica i flussi del giorno").click()
    expect(page.get_by_text("Il codice fiscale di un Ente ha 11 cifre.").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Codice fiscale dell'Ente (vuoto: tutti)").fill(EC)
    # Bootstrap Italia draws the box on the label: the tester clicks the label.
    page.get_by_text("un pagamento con l'importo sbagliato (1,00 € in più)").click()
    expect(page.get_by_label("un pagamento con l'importo sbagliato (1,00 € in più)")
           ).to_be_checked()
    page.get_by_role("button", name="Pubblica i flussi del giorno").click()
    expect(page.get_by_text("Flussi pubblicati: 1; accrediti in tesoreria: 1.")).to_be_visible()
    flow = SandboxFlow.objects.get()
    expect(page.get_by_role("cell", name=flow.fdr, exact=True)).to_be_visible()
    assert flow.day == timezone.localdate() and flow.sum_payments_cents == 4500
    assert_accessible(page)
    assert page.js_errors == []
