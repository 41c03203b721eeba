"""Issue 13's whole day in Chromium, end to end over HTTP: a responsabile creates a
service and an operatore; the operatore logs in with the second factor, creates a
position with a single payment and three installments, which the debtor finds with
Ricerca pratica; the payer pays installment 1 at the sandbox's PSP counter; the dashboard
and the receipts list show it; the operatore cancels another position, whose notice the
Node is then told is cancelled; the audit page shows every step. axe on every page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import expect

from organizations.models import StaffRole
from positions.models import PaymentOption, PaymentPosition
from tests.backoffice.conftest import login_staff, make_staff
from tests.e2e.conftest import assert_accessible, backoffice_menu
from tests.e2e.test_backoffice_core_journey import totp_now
from tests.e2e.test_backoffice_journey import staff_log_in
from tests.payments.conftest import node, official_schemas, site, validate  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PASSWORD = "Password-lunga-123"
DUE = date.today() + timedelta(days=30)
BASE = "/comune-di-prova/backoffice/"


def menu(page, name: str) -> None:
    backoffice_menu(page, name)


def log_out(page) -> None:
    page.get_by_role("button", name="Esci").click()
    page.wait_for_url(re.compile(r"/backoffice/accedi/"))


def test_a_day_in_the_back_office(page, browser, live_server, node, organization,  # noqa: F811
                                  service, make_position, django_user_model):
    boss = make_staff(organization, "responsabile@example.it", StaffRole.MANAGER)
    other = make_position(causale="Trasporto scolastico Ottobre", reference="TS-2026-10")

    # The responsabile creates a service...
    staff_log_in(page, boss)
    menu(page, "Servizi")
    page.get_by_role("link", name="Nuovo servizio").click()
    assert_accessible(page)
    page.locator("#id_code").fill("tari")
    page.locator("#id_name").fill("TARI - Tassa sui rifiuti")
    page.locator("#id_taxonomy_code").fill("9/0101002IM/")
    page.get_by_role("button", name="Salva il servizio").click()
    expect(page.get_by_role("alert")).to_contain_text("salvato")

    # ... and an operatore. Her password arrives by email (the link is tested in
    # tests/backoffice/test_staff.py); here she has chosen it already.
    menu(page, "Staff")
    page.get_by_role("link", name="Aggiungi una persona").click()
    page.get_by_label("Email").fill("olga@example.it")
    page.get_by_label(re.compile(r"^Nome")).fill("Olga")
    page.get_by_label("Cognome").fill("Operatrice")
    page.get_by_role("button", name="Aggiungi", exact=True).click()
    expect(page.get_by_text("olga@example.it è nello staff")).to_be_visible()
    olga = django_user_model.objects.get(email="olga@example.it")
    olga.set_password(PASSWORD)
    olga.save()
    log_out(page)

    # The operatore's first login: password, then she enrols her authenticator app.
    page.get_by_label("Username (mail)").fill("olga@example.it")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")
    expect(page.get_by_role("heading", name="Attiva il secondo fattore")).to_be_visible()
    page.get_by_label("Codice").fill(totp_now(page.locator("#totp-secret").inner_text()))
    page.get_by_role("button", name="Conferma e accedi").click()
    expect(page.get_by_role("heading", name="Cruscotto")).to_be_visible()

    # She creates a TARI with a single payment and three installments as alternatives.
    menu(page, "Posizioni")
    page.get_by_role("link", name="Nuova posizione").click()
    page.get_by_label("Codice fiscale del debitore").fill("RSSMRA80E12H501I")
    page.get_by_label("Nome e cognome o ragione sociale").fill("Mario Rossi")
    page.get_by_label("Servizio").select_option(label="TARI - Tassa sui rifiuti")
    page.get_by_label("Causale").first.fill("TARI 2026")
    page.get_by_label("Riferimento pratica").fill("TARI-2026-9")
    page.get_by_label("Numero di rate").fill("3")
    page.get_by_role("button", name="Aggiorna il modulo").click()
    page.locator("[name='rata-3-amount']").wait_for()
    page.locator("[name='unica-amount']").fill("120,00")
    page.locator("[name='unica-due_date']").fill(DUE.isoformat())
    for n in (1, 2, 3):
        page.locator(f"[name='rata-{n}-amount']").fill("40,00")
        page.locator(f"[name='rata-{n}-due_date']").fill(
            (DUE + timedelta(days=30 * (n - 1))).isoformat())
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url(re.compile(r"/backoffice/posizioni/\d+/$"))
    expect(page.locator("main")).to_contain_text("TARI 2026 – rata 1 di 3")
    assert_accessible(page)
    tari = PaymentPosition.objects.get(external_reference="TARI-2026-9")
    first = tari.options.get(installment_number=1)

    # The debtor finds it with Ricerca pratica.
    debtor = browser.new_context(locale="it-IT", base_url=live_server.url).new_page()
    debtor.goto("/comune-di-prova/")
    debtor.get_by_label("Codice Fiscale").fill("RSSMRA80E12H501I")
    debtor.get_by_label("Riferimento Pratica / IUV").fill("TARI-2026-9")
    debtor.get_by_role("button", name="Trova pratica").click()
    debtor.locator("#results-title").wait_for()
    expect(debtor.locator("main")).to_contain_text("TARI 2026")

    # The payer pays installment 1 with the printed notice at the sandbox's counter.
    debtor.goto("/sandbox/psp/")
    debtor.get_by_label("Codice avviso").fill(first.notice_number)
    debtor.get_by_label("Codice fiscale dell'Ente").fill(organization.fiscal_code)
    debtor.get_by_role("button", name="Verifica l'avviso").click()
    debtor.get_by_role("button", name="Paga 40,00 €").wait_for()
    debtor.locator("label", has_text="Tabaccheria Sandbox").click()
    debtor.get_by_role("button", name="Paga 40,00 €").click()
    debtor.get_by_role("heading", name="Pagamento eseguito").wait_for()
    debtor.context.close()
    assert PaymentOption.objects.get(pk=first.pk).status == PaymentOption.Status.PAID
    # The other plan is no longer payable (SANP): the single payment is superseded.
    assert tari.options.get(plan=0).status == PaymentOption.Status.SUPERSEDED

    # The dashboard and the receipts list show the payment.
    menu(page, "Cruscotto")
    expect(page.locator("#today-title")).to_be_visible()
    expect(page.locator("main")).to_contain_text(first.notice_number[:4])
    expect(page.locator("main")).to_contain_text("40,00 €")
    assert_accessible(page)
    menu(page, "Ricevute")
    expect(page.locator("#receipt-totals")).to_contain_text("40,00 €")
    assert_accessible(page)

    # She cancels the other position: its notice is void for the Node.
    notice = other.options.get().notice_number
    page.goto(f"{BASE}posizioni/{other.pk}/")
    page.get_by_role("link", name="Annulla posizione").click()
    page.get_by_label("Motivo dell'annullamento").fill("Emessa due volte per errore")
    page.get_by_role("button", name="Annulla la posizione").click()
    expect(page.locator("main")).to_contain_text("Posizione annullata")
    result = node.verify(notice)
    assert result.outcome == "KO" and result.fault.faultCode == "PAA_PAGAMENTO_ANNULLATO"
    log_out(page)

    # The audit page (the responsabile's) shows every step. (Her session is restored
    # rather than typed again: a second TOTP login within one 30-second step would be
    # refused as a replayed code, as it should.)
    client = Client()
    login_staff(client, boss)
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME,
                               "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                               "url": live_server.url}])
    page.goto(BASE)
    menu(page, "Registro attività")
    table = page.locator("table")
    for label in ("Servizio creato", "Persona aggiunta allo staff", "Secondo fattore attivato",
                  "Posizione creata", "Ricevuta applicata", "Posizione annullata",
                  "Accesso al back office"):
        expect(table.get_by_text(label, exact=True).first).to_be_visible()
    expect(table).to_contain_text("olga@example.it")
    assert_accessible(page)
    assert not page.js_errors, page.js_errors
