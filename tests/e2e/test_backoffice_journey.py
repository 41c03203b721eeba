"""An operatore, in Chromium: logs in with password and TOTP, creates a position with a
single payment and three installments, which the debtor then finds with Ricerca pratica;
cancels another position, whose avviso the Node is then told is cancelled."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from positions.models import PaymentOption, PaymentPosition
from tests.backoffice.conftest import make_staff
from tests.e2e.conftest import assert_accessible, backoffice_menu
from tests.payments.conftest import node, official_schemas, site, validate  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DUE = date.today() + timedelta(days=30)


def staff_log_in(page, user) -> None:
    """The real back-office login: email and password, then the app's current code."""
    page.goto("/comune-di-prova/backoffice/")
    page.wait_for_url(re.compile(r"/backoffice/accedi/"))
    assert_accessible(page)
    page.locator("[name=username]").fill(user.email)
    page.locator("[name=password]").fill("Password-lunga-123")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/backoffice/accedi/codice/"))
    device = TOTPDevice.objects.get(user=user)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    page.locator("[name=code]").fill(f"{code:0{device.digits}d}")
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(re.compile(r"/comune-di-prova/backoffice/$"))


def test_operator_creates_a_plan_the_debtor_finds_it_then_a_cancelled_notice_is_void(
        page, browser, live_server, node, organization, service, make_position):  # noqa: F811
    operator = make_staff(organization, "operatore@example.it")
    other = make_position(causale="Trasporto scolastico Ottobre", reference="TS-2026-10")
    staff_log_in(page, operator)

    backoffice_menu(page, "Posizioni")
    page.wait_for_url(re.compile(r"/backoffice/posizioni/$"))
    assert "Trasporto scolastico Ottobre" in page.locator("main").inner_text()
    assert_accessible(page)
    page.get_by_role("link", name="Nuova posizione").click()
    assert_accessible(page)
    page.get_by_label("Codice fiscale del debitore").fill("rssmra80e12h501i")
    page.get_by_label("Nome e cognome o ragione sociale").fill("Mario Rossi")
    page.get_by_label("Servizio").select_option(label="Trasporto scolastico")
    page.get_by_label("Causale").first.fill("TARI 2026")
    page.get_by_label("Riferimento pratica").fill("TARI-2026-7")
    page.get_by_label("Numero di rate").fill("3")
    page.get_by_role("button", name="Aggiorna il modulo").click()
    page.locator("[name='rata-3-amount']").wait_for()
    assert page.get_by_label("Causale").first.input_value() == "TARI 2026"
    assert_accessible(page)
    page.locator("[name='unica-amount']").fill("120,00")
    page.locator("[name='unica-due_date']").fill(DUE.isoformat())
    for n in (1, 2, 3):
        page.locator(f"[name='rata-{n}-amount']").fill("40,00")
        page.locator(f"[name='rata-{n}-due_date']").fill(
            (DUE + timedelta(days=30 * (n - 1))).isoformat())
    page.get_by_role("button", name="Salva").click()
    page.wait_for_url(re.compile(r"/backoffice/posizioni/\d+/$"))
    text = page.locator("main").inner_text()
    assert "Posizione creata" in text and "TARI 2026 – rata 3 di 3" in text
    assert "Storia della posizione" in text and "operatore@example.it" in text
    assert_accessible(page)
    created = PaymentPosition.objects.get(external_reference="TARI-2026-7")
    assert created.options.count() == 4

    # The debtor, in a browser of their own, finds it with Ricerca pratica.
    debtor = browser.new_context(locale="it-IT", base_url=live_server.url).new_page()
    debtor.goto("/comune-di-prova/")
    debtor.get_by_label("Codice Fiscale").fill("RSSMRA80E12H501I")
    debtor.get_by_label("Riferimento Pratica / IUV").fill("TARI-2026-7")
    debtor.get_by_role("button", name="Trova pratica").click()
    debtor.locator("#results-title").wait_for()
    found = debtor.locator("main").inner_text()
    assert "TARI 2026" in found and "120,00 €" in found
    assert_accessible(debtor)
    debtor.context.close()

    # The operator cancels the other position: its notice is void for the Node.
    notice = other.options.get().notice_number
    assert node.verify(notice).outcome == "OK"
    page.goto(f"/comune-di-prova/backoffice/posizioni/{other.pk}/")
    page.get_by_role("link", name="Annulla posizione").click()
    page.get_by_label("Motivo dell'annullamento").fill("Emessa due volte per errore")
    assert_accessible(page)
    page.get_by_role("button", name="Annulla la posizione").click()
    page.wait_for_url(re.compile(rf"/backoffice/posizioni/{other.pk}/$"))
    text = page.locator("main").inner_text()
    assert "Emessa due volte per errore" in text and "Posizione annullata" in text
    assert_accessible(page)
    assert other.options.get().status == PaymentOption.Status.CANCELLED
    result = node.verify(notice)
    assert result.outcome == "KO" and result.fault.faultCode == "PAA_PAGAMENTO_ANNULLATO"
    assert not page.js_errors, page.js_errors
