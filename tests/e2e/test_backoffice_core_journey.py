"""The back office's door in Chromium: a responsabile's first login (password, then the
enrolment of the authenticator app from the page's key), the Staff page (adds an
operatore), the Registro attività showing each step, the CSV download; axe on each page."""

from __future__ import annotations

import base64
import re
from pathlib import Path

import pytest
from django_otp.oath import TOTP
from playwright.sync_api import expect

from organizations.models import StaffMembership, StaffRole
from tests.e2e.conftest import assert_accessible, backoffice_menu

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Password-lunga-123"


def totp_now(secret_text: str) -> str:
    key = base64.b32decode(secret_text.replace(" ", "") + "=" * (-len(secret_text.replace(
        " ", "")) % 8))
    return f"{TOTP(key).token():06d}"


def test_first_login_staff_and_audit(page, organization, django_user_model):
    boss = django_user_model.objects.create_user("capo@example.it", PASSWORD,
                                                 first_name="Rita", last_name="Capo")
    StaffMembership.objects.create(organization=organization, user=boss,
                                   role=StaffRole.MANAGER)
    base = f"/{organization.slug}/backoffice/"
    page.goto(base)
    expect(page.get_by_role("heading", name="Accesso del personale")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Username (mail)").fill("capo@example.it")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # keyboard: Enter sends the form

    expect(page.get_by_role("heading", name="Attiva il secondo fattore")).to_be_visible()
    expect(page.get_by_alt_text("Codice QR da inquadrare con l’app di autenticazione")
           ).to_be_visible()
    assert_accessible(page)
    secret = page.locator("#totp-secret").inner_text()
    page.get_by_label("Codice").fill(totp_now(secret))
    page.get_by_role("button", name="Conferma e accedi").click()

    expect(page.get_by_role("heading", name="Cruscotto")).to_be_visible()
    backoffice_menu(page, "Staff")
    expect(page.get_by_role("heading", name="Staff dell'Ente")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Aggiungi una persona").click()
    assert_accessible(page)
    page.get_by_label("Email").fill("olga@example.it")
    page.get_by_label(re.compile(r"^Nome")).fill("Olga")
    page.get_by_label("Cognome").fill("Operatrice")
    page.get_by_role("button", name="Aggiungi", exact=True).click()
    expect(page.get_by_text("olga@example.it è nello staff")).to_be_visible()
    expect(page.get_by_role("cell", name="olga@example.it", exact=True)).to_be_visible()

    backoffice_menu(page, "Registro attività")
    expect(page.get_by_role("heading", name="Registro attività")).to_be_visible()
    table = page.locator("table")
    for label in ("Accesso al back office", "Secondo fattore attivato",
                  "Persona aggiunta allo staff"):
        expect(table.get_by_text(label)).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Azione").select_option(label="Persona aggiunta allo staff")
    page.get_by_role("button", name="Cerca").click()
    expect(table.get_by_text("Accesso al back office")).to_have_count(0)
    expect(page.get_by_label("Azione")).to_have_value("staff.added")  # the filter is kept
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica CSV").click()
    body = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Persona aggiunta allo staff" in body and "Accesso al back office" not in body
    assert not page.js_errors
