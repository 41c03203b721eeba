"""Issue 15's journey in Chromium, over HTTP end to end: three positions paid at the
sandbox's PSP counter; the sandbox's PSP publishes the day's flow with one payment
missing and one of the wrong amount, and its treasurer writes the day's camt.053; the
portal syncs the flows (the organisations' API of the sandbox, over HTTP); an operatore
uploads the statement, finds two items in the work queue and the rest *riconciliato*,
resolves one with a note, and downloads the accounting export, read back with openpyxl.
axe on every reconciliation page."""

from __future__ import annotations

import datetime as dt
import io
import re

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from audit.models import AuditEntry
from catalog.models import Service
from reconciliation.models import FlowPayment, ReconciliationIssue
from reconciliation.treasury_models import TreasuryCredit
from tests.backoffice.conftest import make_staff
from tests.e2e.conftest import assert_accessible
from tests.e2e.test_backoffice_day import menu
from tests.e2e.test_backoffice_journey import staff_log_in
from tests.payments.conftest import node, official_schemas, site, validate  # noqa: F401

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def pay_at_the_counter(page, organization, option) -> None:
    page.goto("/sandbox/psp/")
    page.get_by_label("Codice avviso").fill(option.notice_number)
    page.get_by_label("Codice fiscale dell'Ente").fill(organization.fiscal_code)
    page.get_by_role("button", name="Verifica l'avviso").click()
    pay = page.get_by_role("button", name=re.compile(r"^Paga \d"))
    pay.wait_for()
    page.locator("label", has_text="Tabaccheria Sandbox").click()
    pay.click()
    page.get_by_role("heading", name="Pagamento eseguito").wait_for()


def test_flows_and_the_treasury_statement_against_the_receipts(
        page, browser, live_server, node, organization, service, make_position,  # noqa: F811
        settings, tmp_path):
    settings.RECONCILIATION_UNREPORTED_DAYS = 0  # the missing payment's receipt is due now
    Service.objects.filter(pk=service.pk).update(accounting_chapter="3050",
                                                 accounting_assessment="2026/118")
    options = [make_position(causale=f"Trasporto scolastico {month}", reference=f"TS-{n}",
                             amount_cents=2200 + n * 100).options.get()
               for n, month in enumerate(("Settembre", "Ottobre", "Novembre"))]

    # Three payments at the sandbox's counter, all at the same PSP: one flow.
    payer = browser.new_context(locale="it-IT", base_url=live_server.url).new_page()
    for option in options:
        pay_at_the_counter(payer, organization, option)

    # The PSP publishes the day's flow with two mishaps; the treasurer's statement.
    payer.goto("/sandbox/fdr/")
    publish = payer.locator("form", has=payer.locator("input[value=publish]"))
    today = f"{timezone.localdate():%Y-%m-%d}"
    publish.get_by_label("Giorno dei pagamenti").fill(today)
    publish.get_by_label("Codice fiscale dell'Ente (vuoto: tutti)").fill(
        organization.fiscal_code)
    # Bootstrap Italia draws the checkbox on its label: the label takes the click.
    publish.locator("label", has_text="un pagamento manca dal flusso").click()
    publish.locator("label", has_text="un pagamento con l'importo sbagliato").click()
    assert_accessible(payer)
    publish.get_by_role("button", name="Pubblica i flussi del giorno").click()
    expect(payer.get_by_role("status").first).to_contain_text("Flussi pubblicati: 1")
    treasury_form = payer.locator("form", has=payer.locator("input[value=statement]"))
    treasury_form.get_by_label("Giorno contabile").fill(today)
    treasury_form.get_by_label("Codice fiscale dell'Ente").fill(organization.fiscal_code)
    with payer.expect_download() as download:
        treasury_form.get_by_role("button", name="Scarica l'estratto conto").click()
    statement = tmp_path / download.value.suggested_filename
    download.value.save_as(statement)
    payer.context.close()

    # The portal's scheduled job: the flows over HTTP from the sandbox's organisations' API.
    call_command("sync_fdr")

    # The operatore uploads the statement.
    operator = make_staff(organization, "operatore@example.it")
    staff_log_in(page, operator)
    menu(page, "Riconciliazione")
    page.get_by_role("link", name="Tesoreria").click()
    assert_accessible(page)
    page.get_by_label("Estratto conto camt.053 (XML)").set_input_files(str(statement))
    page.get_by_role("button", name="Importa l'estratto conto").click()
    expect(page.locator("#credits")).to_contain_text("Abbinato al flusso")
    assert_accessible(page)
    assert TreasuryCredit.objects.get().state == "abbinato"
    # The same file again imports nothing, and says so next to the field.
    page.get_by_role("link", name="Tesoreria").click()
    page.get_by_label("Estratto conto camt.053 (XML)").set_input_files(str(statement))
    page.get_by_role("button", name="Importa l'estratto conto").click()
    expect(page.locator(".error-summary")).to_contain_text("già stato caricato")
    assert_accessible(page)
    assert TreasuryCredit.objects.count() == 1
    page.js_errors.remove("Failed to load resource: the server responded with a status of 400 "
                          "(Bad Request)")  # the refusal's own status, as intended

    # Two items in the work queue: the wrong amount and the receipt no flow reports.
    page.get_by_role("link", name="Anomalie da gestire").click()
    rows = page.locator("#reconciliation-issues tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("#reconciliation-issues")).to_contain_text("Importo diverso")
    expect(page.locator("#reconciliation-issues")).to_contain_text("Ricevuta non rendicontata")
    assert_accessible(page)

    # The flow: the other payment riconciliato; the missing one is not in it.
    page.get_by_role("link", name="Flussi di rendicontazione").click()
    assert_accessible(page)
    page.locator("#flows tbody a").first.click()
    payments = page.locator("#flow-payments tbody tr")
    expect(payments).to_have_count(2)
    expect(page.locator("#flow-summary")).to_contain_text("Riconciliato: 1")
    expect(page.locator("#flow-summary")).to_contain_text("Importo diverso: 1")
    assert_accessible(page)
    assert sorted(FlowPayment.objects.values_list("match_state", flat=True)) == [
        "importo_diverso", "riconciliato"]

    # She resolves the wrong amount with a note: audited.
    page.get_by_role("link", name="Anomalie da gestire").click()
    page.get_by_role("link", name="Importo diverso").click()
    assert_accessible(page)
    page.get_by_label("Come è stata risolta (obbligatorio)").fill(
        "Il PSP ha restituito 1,00 € con un bonifico a parte")
    page.get_by_role("button", name="Segna come risolta").click()
    expect(page.locator("#issue-state")).to_have_text("Risolta")
    assert AuditEntry.objects.filter(action="reconciliation.resolved", actor=operator).exists()
    assert ReconciliationIssue.objects.filter(state="open").count() == 1

    # The accounting export, opened with an XLSX reader.
    page.get_by_role("link", name="Esportazione contabile").click()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    header, *lines = list(book.active.iter_rows(values_only=True))
    assert header[:3] == ("Data del pagamento", "IUV", "Codice avviso")
    assert len(lines) == 3
    by_iuv = {line[1]: line for line in lines}
    flow_id = FlowPayment.objects.first().flow.fdr
    midnight = dt.datetime.combine(timezone.localdate(), dt.time())
    for option in options[:2]:  # reported and credited
        line = by_iuv[option.iuv]
        assert line[6:8] == ("3050", "2026/118")
        assert line[13] == flow_id and line[14] == midnight and line[15] == midnight
    assert by_iuv[options[2].iuv][13] in (None, "")  # the payment missing from the flow
    # The dashboard: the last sync and what is left to do.
    menu(page, "Cruscotto")
    expect(page.locator("#reconciliation-status")).to_contain_text("1 anomalia da gestire")
    expect(page.locator("#last-sync")).to_contain_text("Ultima sincronizzazione")
    assert_accessible(page)
    assert not page.js_errors, page.js_errors
