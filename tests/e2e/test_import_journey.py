"""Issue 14's import journey in Chromium: a responsabile downloads the template; an
operatore imports a file with one bad row, reads the report, fixes the row, imports
again, confirms and watches the progress bar until the job (run here as the worker would)
finishes; the debtor finds the new position with Ricerca pratica. axe on every page."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from backoffice import imports
from backoffice.import_file import COLUMNS, parse_positions, read_rows
from backoffice.models import ImportRun
from organizations.models import StaffRole
from positions.models import PaymentPosition
from tests.backoffice.conftest import make_staff
from tests.e2e.conftest import assert_accessible, backoffice_menu
from tests.e2e.test_backoffice_journey import staff_log_in

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DUE = date.today() + timedelta(days=30)


def import_file(tmp_path, second_code: str):
    rows = [
        ["TARI-2026-1", "RSSMRA80E12H501I", "F", "Mario", "Rossi", "", "", "", "", "", "",
         "trasporto-scolastico", "TARI 2026", "120,50", f"{DUE:%d/%m/%Y}", "", "", ""],
        ["TARI-2026-2", second_code, "F", "Laura", "Bianchi", "", "", "", "", "", "",
         "trasporto-scolastico", "TARI 2026", "1.080,00", f"{DUE:%d/%m/%Y}", "", "", ""],
    ]
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(COLUMNS)
    writer.writerows(rows)
    path = tmp_path / "ruolo-tari.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    return path


def menu(page, name: str) -> None:
    backoffice_menu(page, name)


def upload(page, path) -> None:
    menu(page, "Importazione")
    page.get_by_label("File da importare (CSV o XLSX)").set_input_files(str(path))
    page.get_by_role("button", name="Verifica il file").click()
    page.wait_for_url(re.compile(r"/backoffice/importazione/\d+/$"))


def test_an_import_from_template_to_ricerca_pratica(page, browser, live_server, organization,
                                                    service, tmp_path, monkeypatch):
    boss = make_staff(organization, "responsabile@example.it", StaffRole.MANAGER)
    operator = make_staff(organization, "operatore@example.it")

    # The responsabile downloads the template.
    staff_log_in(page, boss)
    menu(page, "Importazione")
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Modello Excel (.xlsx)").click()
    assert download.value.suggested_filename == "modello-importazione.xlsx"

    # The operatore (her own browser) imports a file whose second row has a wrong check
    # character.
    page = browser.new_context(locale="it-IT", base_url=live_server.url).new_page()
    staff_log_in(page, operator)
    upload(page, import_file(tmp_path, "BNCLRA85M41L219X"))
    problems = page.get_by_role("table", name="Ogni riga sbagliata, con la colonna e il motivo")
    expect(problems).to_contain_text("codice_fiscale")
    expect(problems).to_contain_text("carattere di controllo")
    expect(problems.locator("tbody tr").first.locator("td").first).to_have_text("3")
    assert_accessible(page)

    # She fixes the row and imports again: a clean report, two positions to create.
    upload(page, import_file(tmp_path, "BNCLRA85M41L219R"))
    expect(page.locator("#import-summary")).to_contain_text("2 posizioni nuove da creare")
    expect(page.locator("#import-problems")).to_have_count(0)

    # She confirms; the job waits for a worker, and the progress bar shows it. The worker
    # is run here one chunk (of one position) at a time, and the bar is seen moving
    # while she watches: 0 of 2, then 1 of 2 (the page polls), then the result.
    monkeypatch.setattr(imports, "_enqueue", lambda phase, run_id: None)
    monkeypatch.setattr(imports, "CHUNK", 1)
    page.get_by_role("button", name="Conferma e scrivi 2 posizioni").click()
    bar = page.locator("#import-progress")
    expect(bar).to_be_visible()
    expect(bar).to_have_attribute("value", "0")
    expect(bar).to_have_attribute("max", "2")
    assert_accessible(page)
    run = ImportRun.objects.get(status=ImportRun.Status.WRITING)
    first = next(imports.chunks(parse_positions(read_rows(io.BytesIO(bytes(run.content)),
                                                          run.kind), organization)))
    imports._write_chunk(run, first)  # the worker's first step
    expect(bar).to_have_attribute("value", "1", timeout=15000)
    expect(page.locator("#import-progress-text")).to_have_text("1 / 2")
    imports.write(run.pk)  # the rest; the page polls, sees it finished and reloads
    expect(page.locator("#import-done")).to_contain_text("2 posizioni create", timeout=15000)
    assert PaymentPosition.objects.filter(external_reference__startswith="TARI-2026-").count() \
        == 2

    # The debtor finds her new position with Ricerca pratica.
    debtor = browser.new_context(locale="it-IT", base_url=live_server.url).new_page()
    debtor.goto("/comune-di-prova/")
    debtor.get_by_label("Codice Fiscale").fill("BNCLRA85M41L219R")
    debtor.get_by_label("Riferimento Pratica / IUV").fill("TARI-2026-2")
    debtor.get_by_role("button", name="Trova pratica").click()
    debtor.locator("#results-title").wait_for()
    expect(debtor.locator("main")).to_contain_text("TARI 2026")
    expect(debtor.locator("main")).to_contain_text("1.080,00")
