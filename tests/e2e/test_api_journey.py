"""The REST API in Chromium and over loopback HTTP: a responsabile creates a token in the
back office and sees it once; the Ente's system (requests) creates a position with it;
the browsable docs at /api/v1/docs render under the portal's strict CSP (no inline script
or style refused, no JS error); the token revoked, the next call is 401. axe on the
back-office pages and on the docs."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import requests
from playwright.sync_api import expect

from organizations.models import StaffRole
from positions.models import PaymentPosition
from tests.backoffice.conftest import make_staff
from tests.e2e.conftest import AXE_JS, assert_accessible, backoffice_menu
from tests.e2e.test_backoffice_journey import staff_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def _position() -> dict:
    return {"reference": "TARI-2026-0042", "service": "trasporto-scolastico",
            "causale": "TARI 2026",
            "debtor": {"fiscal_code": "RSSMRA80E12H501I", "full_name": "Mario Rossi"},
            "options": [{"amount_cents": 12000,
                         "due_date": (date.today() + timedelta(days=30)).isoformat()}]}


def test_token_docs_and_a_call(page, live_server, organization, service):
    boss = make_staff(organization, "responsabile@example.it", StaffRole.MANAGER)
    staff_log_in(page, boss)
    backoffice_menu(page, "Token API")
    assert_accessible(page)
    page.get_by_label("Nome del sistema che lo userà").fill("Gestionale tributi")
    page.get_by_role("button", name="Crea il token").click()
    expect(page.get_by_role("heading", name="Token creato")).to_be_visible()
    assert_accessible(page)
    raw = page.get_by_label("Token").input_value()
    assert raw.startswith("spt_")

    api = f"{live_server.url}/api/v1"
    headers = {"Authorization": f"Bearer {raw}"}
    created = requests.post(f"{api}/positions", json=_position(), headers=headers, timeout=30)
    assert created.status_code == 201, created.text
    assert PaymentPosition.objects.get().external_reference == "TARI-2026-0042"

    page.get_by_role("link", name="Ho copiato il token").click()
    expect(page.get_by_role("cell", name="Gestionale tributi", exact=True)).to_be_visible()
    assert raw not in page.content()
    page.get_by_role("link", name=re.compile("Revoca")).click()
    page.get_by_role("button", name="Revoca").click()
    expect(page.get_by_role("alert")).to_contain_text("revocato")
    refused = requests.get(f"{api}/positions/by-reference/TARI-2026-0042", headers=headers,
                           timeout=30)
    assert refused.status_code == 401
    assert refused.headers["Content-Type"] == "application/problem+json"


def test_the_docs_render_under_the_strict_csp(page, live_server):
    violations: list[str] = []
    page.on("requestfailed", lambda request: violations.append(f"failed: {request.url}"))
    page.on("response", lambda response: violations.append(f"{response.status}: {response.url}")
            if response.status >= 400 else None)
    page.on("console", lambda msg: violations.append(msg.text)
            if "Content Security Policy" in msg.text else None)
    response = page.goto("/api/v1/docs")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    expect(page.get_by_role("heading", name=re.compile("Sportello API"))).to_be_visible()
    expect(page.get_by_text("/api/v1/positions/bulk")).to_be_visible()
    assert not violations and not page.js_errors, violations + page.js_errors
    # Swagger UI is a third party's page: only serious and critical findings fail here.
    page.evaluate(AXE_JS.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {runOnly: {type: 'tag', "
                           "values: ['wcag2a', 'wcag2aa']}})")
    bad = [f"{v['id']} ({v['impact']}): {v['help']} {[n['target'] for n in v['nodes']][:5]}"
           for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    assert not bad, "\n".join(bad)
