"""Payer accounts in Chromium: register a person and a company, read the activation
emails from a real SMTP server, activate, log in, add and switch accounts, log out of
all; lockout and password recovery; profile and codice fiscale verification."""

from __future__ import annotations

import re
import time
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from playwright.sync_api import expect

from tests.e2e.conftest import assert_accessible
from tests.mail.test_outbox import free_port

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Un-segreto-lungo-42"


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(message_from_bytes(envelope.original_content))
        return "250 OK"

    def link_for(self, address: str, fragment: str) -> str:
        """The newest link containing ``fragment`` mailed to ``address``."""
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            for message in reversed(self.messages):
                if message["To"] != address:
                    continue
                for part in message.walk():
                    if part.get_content_type() == "text/plain":
                        text = part.get_payload(decode=True).decode("utf-8")
                        found = re.search(r"https?://\S*" + re.escape(fragment) + r"\S*", text)
                        if found:
                            return found.group(0)
            time.sleep(0.05)
        raise AssertionError(f"no {fragment} link mailed to {address}")


@pytest.fixture
def inbox(settings, live_server):
    """A real SMTP server on loopback; links in emails point at the live server."""
    port = free_port()
    box = Inbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", port, 5
    settings.SITE_URL = live_server.url
    yield box
    controller.stop()


def register(page, organization, fiscal_code, fields):
    page.goto(f"/{organization.slug}/")
    page.get_by_role("link", name="Registrati").click()
    page.locator("#id_fiscal_code").fill(fiscal_code)
    assert_accessible(page)
    page.get_by_role("button", name="Avanti").click()
    page.locator("#id_address").wait_for()
    assert page.locator("#id_fiscal_code").input_value() == fiscal_code
    expected_province = fields.pop("province_expected")
    for name, value in fields.items():
        page.locator(f"#id_{name}").fill(value)
    # the type-ahead's choice "Roma (RM)" splits into city and province
    assert page.locator("#id_province").input_value() == expected_province
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    # The privacy notice is there to read, and must be acknowledged.
    page.locator("details.privacy-notice summary").click()
    expect(page.locator("details.privacy-notice")).to_contain_text("Titolare del trattamento")
    page.locator("label[for=id_privacy]").click()
    assert page.locator("#id_privacy").is_checked()
    assert_accessible(page)
    page.get_by_role("button", name="Registrati").last.click()
    page.get_by_role("heading", name="Controlla la tua email").wait_for()
    assert_accessible(page)


def activate(page, inbox, address, password=PASSWORD):
    page.goto(inbox.link_for(address, "/attiva/"))
    assert_accessible(page)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Attiva l'utenza").click()
    page.get_by_role("heading", name="Utenza attivata").wait_for()
    assert_accessible(page)


def log_in(page, email, password=PASSWORD):
    page.locator("#id_username").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main").get_by_role("button", name="Accedi").click()


def open_menu(page):
    page.locator("#account-menu-button").click()
    page.locator(".account-menu .dropdown-menu.show").wait_for()


def active_account(page) -> str:
    return page.locator("#account-menu-button .account-name").inner_text()


def test_register_activate_login_add_switch_and_log_out_of_all(page, inbox, organization):
    register(page, organization, "RSSMRA80E12H501I", {
        "first_name": "Mario", "last_name": "Rossi", "address": "Via Roma 1",
        "city": "Roma (RM)", "province_expected": "RM", "postal_code": "00100",
        "email": "mario@example.it", "phone": "333 123 4567"})
    register(page, organization, "12345670017", {
        "company_name": "Rossi S.r.l.", "address": "Corso Italia 5",
        "city": "Milano (MI)", "province_expected": "MI", "postal_code": "20121",
        "email": "ufficio@rossi.example"})
    activate(page, inbox, "mario@example.it")
    activate(page, inbox, "ufficio@rossi.example")

    page.get_by_role("link", name="Accedi").last.click()
    assert_accessible(page)
    log_in(page, "mario@example.it")
    page.get_by_text("Benvenuto, Mario Rossi").wait_for()
    assert active_account(page) == "Mario Rossi"
    assert "Qui vedi solo i pagamenti che hai inserito tu" in page.locator("main").inner_text()
    assert_accessible(page)

    open_menu(page)
    assert_accessible(page)
    page.get_by_role("link", name="Aggiungi utenza").click()
    page.get_by_role("heading", name="Aggiungi utenza").wait_for()
    assert_accessible(page)
    log_in(page, "ufficio@rossi.example")
    page.get_by_text("Benvenuto, Rossi S.r.l.").wait_for()
    assert active_account(page) == "Rossi S.r.l."

    open_menu(page)
    page.get_by_role("button", name="Passa a Mario Rossi").click()
    page.get_by_text("Benvenuto, Mario Rossi").wait_for()
    assert active_account(page) == "Mario Rossi"
    assert_accessible(page)

    open_menu(page)
    page.get_by_role("button", name="Passa a Rossi S.r.l.").click()
    page.get_by_text("Benvenuto, Rossi S.r.l.").wait_for()

    open_menu(page)
    page.get_by_role("button", name="Esci da tutte").click()
    page.get_by_role("link", name="Registrati").wait_for()
    assert page.locator("#account-menu-button").count() == 0
    page.goto(f"/{organization.slug}/pratiche/")
    assert "/accedi/" in page.url
    assert not page.js_errors, page.js_errors


def test_lockout_then_password_reset(page, inbox, organization, payer, settings):
    settings.AXES_FAILURE_LIMIT = 3
    page.goto(f"/{organization.slug}/accedi/")
    for _ in range(3):
        log_in(page, payer.email, "sbagliata-1")
    alert = page.get_by_role("alert")
    alert.wait_for()
    assert "bloccato per 15 minuti" in alert.inner_text()
    assert_accessible(page)
    log_in(page, payer.email, "Password-lunga-123")
    assert "bloccato" in page.get_by_role("alert").inner_text()

    page.get_by_role("link", name="Password dimenticata?").click()
    assert_accessible(page)
    page.locator("#id_email").fill(payer.email)
    page.get_by_role("button", name="Invia il link").click()
    page.get_by_role("heading", name="Controlla la tua email").wait_for()
    assert_accessible(page)

    page.goto(inbox.link_for(payer.email, "/password-dimenticata/"))
    page.get_by_role("heading", name="Nuova password").wait_for()
    assert_accessible(page)
    page.locator("#id_new_password1").fill("Nuova-password-sicura-1")
    page.locator("#id_new_password2").fill("Nuova-password-sicura-1")
    page.get_by_role("button", name="Salva la nuova password").click()
    page.get_by_role("heading", name="Password cambiata").wait_for()
    assert_accessible(page)
    page.locator("main").get_by_role("link", name="Accedi").click()
    log_in(page, payer.email, "Nuova-password-sicura-1")
    page.get_by_text("Benvenuto, Mario Rossi").wait_for()
    # the locked-out answers are 429s, which Chromium logs; nothing else may fail
    assert not [e for e in page.js_errors if "429" not in e], page.js_errors


def test_profile_and_codice_fiscale_verification(page, organization, payer, make_position):
    option = make_position().options.get()
    page.goto(f"/{organization.slug}/accedi/")
    log_in(page, payer.email, "Password-lunga-123")
    page.get_by_text("Benvenuto, Mario Rossi").wait_for()

    open_menu(page)
    page.get_by_role("link", name="Profilo").click()
    page.get_by_role("heading", name="Profilo").wait_for()
    assert_accessible(page)
    page.locator("#id_address").fill("Via Nuova 3")
    page.locator("#id_city").fill("Torino (TO)")
    assert page.locator("#id_province").input_value() == "TO"
    page.locator("#id_postal_code").fill("10121")
    page.get_by_role("button", name="Salva").click()
    page.get_by_text("Dati aggiornati.").wait_for()

    for link, heading in (("Cambia password", "Cambia password"),
                          ("Cambia email", "Cambia email")):
        page.get_by_role("link", name=link).click()
        page.get_by_role("heading", name=heading).wait_for()
        assert_accessible(page)
        page.go_back()

    page.goto(f"/{organization.slug}/pratiche/")
    page.get_by_role("link", name="Verifica il codice fiscale").click()
    assert_accessible(page)
    page.locator("#id_reference").fill("301000000000000000")
    page.get_by_role("button", name="Verifica").click()
    page.locator(".invalid-feedback").wait_for()
    assert_accessible(page)
    page.locator("#id_reference").fill(option.notice_number)
    page.get_by_role("button", name="Verifica").click()
    page.get_by_text("Codice fiscale verificato").wait_for()
    assert "Trasporto scolastico mese di Settembre" in page.locator("main").inner_text()
    assert_accessible(page)
    assert not page.js_errors, page.js_errors


def test_link_pages_and_abroad_addresses(page, organization):
    page.goto(f"/{organization.slug}/attiva/non-un-link-valido/")
    page.get_by_role("heading", name="Link di attivazione non valido").wait_for()
    assert_accessible(page)
    page.locator("#id_email").fill("qualcuno@example.it")
    page.get_by_role("button", name="Invia un nuovo link").click()
    page.get_by_role("heading", name="Controlla la tua email").wait_for()

    page.goto(f"/{organization.slug}/registrati/")
    page.locator("#id_fiscal_code").fill("RSSMRA80E12H501X")
    page.get_by_role("button", name="Avanti").click()
    page.locator(".invalid-feedback").wait_for()
    assert "carattere di controllo" in page.locator(".invalid-feedback").inner_text()
    assert_accessible(page)
    page.locator("#id_fiscal_code").fill("RSSMRA80E12H501I")
    page.get_by_role("button", name="Avanti").click()
    page.wait_for_load_state()  # the type-ahead script has run
    city = page.locator("#id_city")
    expect(city).to_have_attribute("list", "comuni-list")
    page.locator("#id_nation").select_option("CH")
    expect(city).not_to_have_attribute("list", re.compile(".*"))  # abroad: free text
    page.get_by_role("button", name="Registrati").last.click()
    page.locator(".invalid-feedback").first.wait_for()
    assert_accessible(page)
    assert page.locator("#id_nation").input_value() == "CH"  # kept after the error
    # the invalid link answers 410 Gone, which Chromium logs; nothing else may fail
    assert not [e for e in page.js_errors if "410" not in e], page.js_errors
