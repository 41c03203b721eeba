"""The file import (issue 14, item 1): template, upload, a row-by-row report of every
wrong row, confirm writes only the valid ones, idempotent by riferimento, updates and
conflicts, bad input of every kind refused with Italian reasons, the job resumed after a
worker died, the command."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import threading

import pytest
import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from python_calamine import CalamineWorkbook

from audit.models import AuditEntry
from backoffice import import_file, imports
from backoffice.models import ImportRun
from positions import bulk
from positions.models import PaymentOption, PaymentPosition

from .conftest import login_staff, make_staff

DUE = dt.date.today() + dt.timedelta(days=40)
HEADER = import_file.COLUMNS


def row(reference="TARI-1", code="RSSMRA80E12H501I", amount="120,50", due=None, rata="",
        **changes):
    values = {"riferimento": reference, "codice_fiscale": code, "tipo_soggetto": "F",
              "nome": "Mario", "cognome_o_ragione_sociale": "Rossi",
              "indirizzo": "Via Roma 1", "cap": "00100", "citta": "Roma", "provincia": "RM",
              "nazione": "IT", "email": "mario@example.it",
              "servizio": "trasporto-scolastico", "causale": "TARI 2026", "importo": amount,
              "scadenza": (due or DUE).strftime("%d/%m/%Y"), "rata": rata, "iban": "",
              "note": ""}
    values.update(changes)
    return values


def csv_bytes(rows, header=HEADER, delimiter=";", encoding="utf-8") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    for values in rows:
        writer.writerow([values.get(name, "") for name in header])
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list]) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    date_format = workbook.add_format({"num_format": "dd/mm/yyyy"})
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if isinstance(value, dt.date):
                sheet.write_datetime(r, c, dt.datetime.combine(value, dt.time()), date_format)
            else:
                sheet.write(r, c, value)
    workbook.close()
    return buffer.getvalue()


@pytest.fixture
def upload(operator_client, organization, service, django_capture_on_commit_callbacks):
    """Upload a file as the operatore; the check job runs (immediate backend)."""

    def send(content: bytes, name: str = "posizioni.csv"):
        with django_capture_on_commit_callbacks(execute=True):
            response = operator_client.post(
                reverse("backoffice:imports", args=[organization.slug]),
                {"file": SimpleUploadedFile(name, content)})
        if response.status_code != 302:
            return response
        return ImportRun.objects.latest("pk")

    return send


@pytest.fixture
def confirm(operator_client, organization, django_capture_on_commit_callbacks):
    def send(run):
        with django_capture_on_commit_callbacks(execute=True):
            response = operator_client.post(
                reverse("backoffice:import_confirm", args=[organization.slug, run.pk]))
        assert response.status_code == 302
        run.refresh_from_db()
        return run

    return send


def problems(run):
    return [(p.line, p.column, p.message) for p in run.problems.all()]


def page_text(client, run):
    response = client.get(reverse("backoffice:import_run", args=[run.organization.slug,
                                                                 run.pk]))
    assert response.status_code == 200
    return response.content.decode()


# --- template ---------------------------------------------------------------------------

@pytest.mark.parametrize("who", ["operator_client", "manager_client"])
def test_both_roles_download_the_template(request, who, organization, service):
    client = request.getfixturevalue(who)
    csv_response = client.get(reverse("backoffice:import_template_csv",
                                      args=[organization.slug]))
    assert csv_response.status_code == 200
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0] == ";".join(HEADER)
    xlsx = client.get(reverse("backoffice:import_template_xlsx", args=[organization.slug]))
    sheet = CalamineWorkbook.from_filelike(io.BytesIO(xlsx.content)).get_sheet_by_index(0)
    rows = sheet.to_python()
    assert rows[0] == HEADER and rows[1][HEADER.index("servizio")] == service.code


def test_the_import_pages_keep_the_back_office_menu(upload, operator_client, organization):
    """The operatore reaches Importazione through the menu, and the menu stays on the
    import's own pages (it was missing there: the views did not give it the membership)."""
    menu_link = (f'href="{reverse("backoffice:imports", args=[organization.slug])}"')
    home = operator_client.get(reverse("backoffice:home", args=[organization.slug]))
    assert menu_link in home.content.decode()
    page = operator_client.get(reverse("backoffice:imports", args=[organization.slug]))
    assert 'aria-label="Menu del back office"' in page.content.decode()
    run = upload(csv_bytes([row()]))
    assert 'aria-label="Menu del back office"' in page_text(operator_client, run)


def test_the_template_imports_as_it_is(upload, confirm, organization, operator_client):
    template = operator_client.get(reverse("backoffice:import_template_xlsx",
                                           args=[organization.slug])).content
    run = upload(template, "modello.xlsx")
    assert run.status == ImportRun.Status.CHECKED, problems(run)
    assert (run.rows, run.positions, run.to_create, run.invalid) == (3, 2, 2, 0)
    run = confirm(run)
    assert run.status == ImportRun.Status.DONE and run.created == 2
    plan = PaymentPosition.objects.get(external_reference="TARI-2026-0002")
    assert sorted(plan.options.values_list("installment_number", flat=True)) == [1, 2]


# --- the happy path, idempotency, updates, conflicts -----------------------------------

def test_check_then_confirm_writes_the_positions(upload, confirm, operator, organization):
    content = csv_bytes([row("A"), row("B", amount="1.234,56", rata="1"),
                         row("B", amount="1234.56", rata="2", due=DUE + dt.timedelta(30))])
    run = upload(content)
    assert run.status == ImportRun.Status.CHECKED
    assert (run.rows, run.positions, run.to_create, run.invalid) == (3, 2, 2, 0)
    assert not PaymentPosition.objects.exists()  # the check writes nothing
    run = confirm(run)
    assert run.status == ImportRun.Status.DONE
    assert (run.created, run.updated, run.kept, run.refused) == (2, 0, 0, 0)
    b = PaymentPosition.objects.get(external_reference="B")
    assert sorted(b.options.values_list("amount_cents", flat=True)) == [123456, 123456]
    assert b.debtor.full_name == "Mario Rossi"
    assert run.content == b""  # the file is not kept once written
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"positions.import_uploaded", "positions.import_confirmed",
            "positions.import_finished", "position.imported"} <= actions
    assert AuditEntry.objects.filter(action="position.imported",
                                     actor=operator).count() == 2


def test_the_same_file_twice_creates_nothing_new_and_says_so(upload, confirm,
                                                             operator_client):
    content = csv_bytes([row("A"), row("B")])
    confirm(upload(content))
    again = upload(content)
    assert (again.to_create, again.unchanged) == (0, 2)
    assert "2 posizioni già presenti e invariate" in page_text(operator_client, again)
    assert "Niente da scrivere" in page_text(operator_client, again)
    confirm(again)
    assert PaymentPosition.objects.count() == 2
    assert PaymentOption.objects.count() == 2


def test_a_changed_amount_updates_an_unpaid_position_and_conflicts_on_a_paid_one(
        upload, confirm, operator_client):
    confirm(upload(csv_bytes([row("A"), row("B")])))
    PaymentOption.objects.get(position__external_reference="B").mark_paid()
    run = upload(csv_bytes([row("A", amount="99,00"), row("B", amount="99,00")]))
    assert (run.to_update, run.conflicts) == (1, 1)
    assert any("sola lettura" in message for _l, _c, message in problems(run))
    run = confirm(run)
    assert (run.updated, run.refused) == (1, 1)
    assert PaymentOption.objects.get(position__external_reference="A").amount_cents == 9900
    assert PaymentOption.objects.get(position__external_reference="B").amount_cents == 12050


def test_one_bad_row_is_reported_and_only_the_valid_rows_are_written(
        upload, confirm, operator_client):
    run = upload(csv_bytes([row("A"), row("B", code="RSSMRA80E12H501X"), row("C")]))
    assert (run.to_create, run.invalid) == (2, 1)
    assert problems(run) == [(3, "codice_fiscale", pytest.approx(problems(run)[0][2]))]
    assert "carattere di controllo" in problems(run)[0][2]
    page = page_text(operator_client, run)
    assert "Righe con errori" in page and "codice_fiscale" in page
    run = confirm(run)
    assert set(PaymentPosition.objects.values_list("external_reference", flat=True)) == {
        "A", "C"}
    assert run.refused == 1


def test_the_write_trusts_the_same_day_check_and_checks_again_on_another_day(
        upload, confirm, monkeypatch):
    """The write pass does not check every row again when the run was checked today
    (same bytes, same rules): the rows the check refused are left out by their line. On
    another day (a due date may have passed since) every row is checked again."""
    from positions import bulk

    calls = []
    real = bulk.check_spec
    monkeypatch.setattr(bulk, "check_spec", lambda *a: calls.append(a) or real(*a))
    run = upload(csv_bytes([row("A"), row("B", code="RSSMRA80E12H501X"), row("C")]))
    assert len(calls) == 3  # the check pass: every row that reads
    run = confirm(run)
    assert (run.created, run.refused, len(calls)) == (2, 1, 3)  # none again

    other = upload(csv_bytes([row("D"), row("E", code="RSSMRA80E12H501X")]))
    ImportRun.objects.filter(pk=other.pk).update(
        created_at=other.created_at - dt.timedelta(days=1))
    calls.clear()
    other = confirm(other)
    assert (other.created, other.refused, len(calls)) == (1, 1, 2)
    assert set(PaymentPosition.objects.values_list("external_reference", flat=True)) == {
        "A", "C", "D"}


# --- bad input ----------------------------------------------------------------------------

def test_windows_1252_with_commas_is_read(upload):
    content = csv_bytes([row("A", cognome_o_ragione_sociale="Nicolò", causale="Retta più")],
                        delimiter=",", encoding="cp1252")
    run = upload(content)
    assert run.status == ImportRun.Status.CHECKED and run.to_create == 1, problems(run)


def test_a_wrong_encoding_is_refused_with_a_reason(upload, operator_client):
    run = upload(csv_bytes([row("A")], encoding="utf-16"))
    assert run.status == ImportRun.Status.REFUSED
    assert "UTF-16" in run.file_error
    assert "UTF-16" in page_text(operator_client, run)
    run = upload(b"riferimento;x\n\x81\x8d\x8f;\x90\n")  # neither UTF-8 nor cp1252
    assert run.status == ImportRun.Status.REFUSED
    assert "Codifica" in run.file_error


def test_a_missing_or_unknown_column_is_refused(upload):
    header = [c for c in HEADER if c != "importo"] + ["colore"]
    run = upload(csv_bytes([row("A")], header=header))
    assert run.status == ImportRun.Status.REFUSED
    assert "Manca la colonna importo" in run.file_error
    assert "Colonna sconosciuta: colore" in run.file_error


def test_zero_rows_and_too_many_rows_are_refused(upload, settings):
    run = upload(csv_bytes([]))
    assert run.status == ImportRun.Status.REFUSED and "solo l'intestazione" in run.file_error
    settings.IMPORT_MAX_ROWS = 3
    run = upload(csv_bytes([row(f"R{i}") for i in range(4)]))
    assert run.status == ImportRun.Status.REFUSED
    assert "più di 3 righe" in run.file_error
    assert not PaymentPosition.objects.exists()


def test_a_wrong_file_kind_or_an_empty_file_is_refused_on_the_form(upload):
    response = upload(b"%PDF-1.4", "posizioni.pdf")
    assert response.status_code == 200
    assert "CSV (.csv) o Excel (.xlsx)" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_excel_dates_and_numbers_where_text_is_expected(upload):
    header = HEADER
    good = row("A")
    cells = [[good[c] for c in header]]
    bad_code = dict(good, riferimento="B", codice_fiscale=2116970399.0)
    bad_causale = dict(good, riferimento="C", causale=DUE)
    typed = dict(good, riferimento="D", importo=1234.5, scadenza=DUE)
    serial = dict(good, riferimento="E", scadenza=46000.0)
    rows = [header] + cells + [[v[c] for c in header]
                               for v in (bad_code, bad_causale, typed, serial)]
    run = upload(xlsx_bytes(rows), "posizioni.xlsx")
    assert run.status == ImportRun.Status.CHECKED
    found = {(line, column): message for line, column, message in problems(run)}
    assert "numero" in found[(3, "codice_fiscale")]
    assert "data" in found[(4, "causale")]
    assert "numero" in found[(6, "scadenza")]
    assert (run.to_create, run.invalid) == (2, 3)  # A, and D with a typed amount and date


@pytest.mark.parametrize(("text", "cents"), [
    ("1234,56", 123456), ("1.234,56", 123456), ("1234.56", 123456), ("1,234.56", 123456),
    ("1.234", 123400), ("12", 1200), ("€ 12,5", 1250), (1234.56, 123456), (12.0, 1200)])
def test_amounts_in_either_convention(text, cents):
    assert import_file.parse_amount(text) == cents


@pytest.mark.parametrize("text", ["", "12,345", "1,2,3", "-5", "0", "abc", "12.3.4,5", True])
def test_wrong_amounts_are_refused(text):
    with pytest.raises(ValueError):
        import_file.parse_amount(text)


def test_each_rule_names_its_line_and_column(upload):
    run = upload(csv_bytes([
        row("A", code="12345678901", tipo_soggetto="G"),      # line 2: P.IVA check digit
        row("B", iban="IT00X0542811101000000123456"),          # 3: IBAN check
        row("C", servizio="sconosciuto"),                      # 4: unknown service
        row("D", amount="1,2,3"),                              # 5: amount
        row("E", due=dt.date.today() - dt.timedelta(days=1)),  # 6: past due date
        row("F", rata="1"), row("F", rata="3"),                # 7-8: installments 1..n
        *[row("G", amount="1,00") for _ in range(6)],          # 9-14: 6 transfers
        row("H", scadenza="31-02-2026"),                       # 15: date
        row("I"), row("J"), row("I"),                          # 16-18: not consecutive
        row("K", email="non-una-email"),                       # 19: email
    ]))
    found = {(line, column) for line, column, _m in problems(run)}
    assert {(2, "codice_fiscale"), (3, "iban"), (4, "servizio"), (5, "importo"),
            (6, "scadenza"), (7, "rata"), (14, "rata"), (15, "scadenza"),
            (18, "riferimento"), (19, "email")} <= found, problems(run)
    messages = " ".join(m for _l, _c, m in problems(run))
    for reason in ("cifra di controllo", "IBAN", "Servizio sconosciuto", "passato",
                   "numerate da 1", "Al massimo 5 trasferimenti", "una dopo l'altra"):
        assert reason in messages
    assert run.to_create == 2  # I (the first one) and J


def test_transfers_of_one_installment_add_up_to_its_amount(upload, confirm):
    run = upload(csv_bytes([row("A", amount="100,00"),
                            row("A", amount="20,00", iban="IT70B0306909606100000000123")]))
    confirm(run)
    option = PaymentOption.objects.get(position__external_reference="A")
    assert option.amount_cents == 12000
    assert [(t.amount_cents, t.iban) for t in option.transfers.order_by("index")] == [
        (10000, "IT60X0542811101000000123456"), (2000, "IT70B0306909606100000000123")]


def test_rows_of_one_position_must_agree(upload):
    run = upload(csv_bytes([row("A", rata="1"), row("A", rata="2", causale="Altro")]))
    assert run.invalid == 1
    assert [(line, column) for line, column, _m in problems(run)] == [(3, "causale")]


# --- scope -----------------------------------------------------------------------------

def test_another_entes_staff_see_404(upload, client, organization, other_organization):
    run = upload(csv_bytes([row("A")]))
    stranger = make_staff(other_organization, "altro@example.it")
    login_staff(client, stranger)
    for name in ("import_run", "import_run_status"):
        url = reverse(f"backoffice:{name}", args=[organization.slug, run.pk])
        assert client.get(url).status_code == 404
    own = make_staff(organization, "collega@example.it")
    login_staff(client, own)
    url = reverse("backoffice:import_run", args=[other_organization.slug, run.pk])
    assert client.get(url).status_code == 404


def test_the_status_endpoint_is_small_json(upload, operator_client, organization):
    run = upload(csv_bytes([row("A"), row("B")]))
    response = operator_client.get(reverse("backoffice:import_run_status",
                                           args=[organization.slug, run.pk]))
    assert json.loads(response.content) == {"status": "checked", "running": False,
                                            "done": 2, "total": 2}


# --- the job survives a worker restart --------------------------------------------------

def test_a_job_killed_mid_way_resumes_without_duplicates(upload, operator_client,
                                                         organization, monkeypatch):
    run = upload(csv_bytes([row(f"R{i}") for i in range(5)]))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.WRITING)
    monkeypatch.setattr(imports, "CHUNK", 2)
    real = imports.process
    calls = []

    def dies_on_the_second_chunk(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise SystemExit("worker killed")
        return real(*args, **kwargs)

    monkeypatch.setattr(imports, "process", dies_on_the_second_chunk)
    with pytest.raises(SystemExit):
        imports.write(run.pk)
    run.refresh_from_db()
    assert (run.status, run.processed, run.created) == (ImportRun.Status.WRITING, 2, 2)
    monkeypatch.setattr(imports, "process", real)
    # The sweeper finds it stale and queues it again; the job carries on from position 3.
    ImportRun.objects.filter(pk=run.pk).update(
        updated_at=dt.datetime.now(dt.UTC) - imports.STALE_AFTER * 2)
    assert imports.resume_stale() == 1
    run.refresh_from_db()
    assert (run.status, run.processed, run.created) == (ImportRun.Status.DONE, 5, 5)
    imports.write(run.pk)  # a duplicate job of a finished run does nothing
    assert PaymentPosition.objects.count() == 5


def test_a_second_job_on_the_same_run_does_not_write_twice(upload, monkeypatch):
    content = csv_bytes([row(f"R{i}") for i in range(3)])
    run = upload(content)
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.WRITING)
    imports.write(run.pk)
    # Its progress lost (the worst case): the references' idempotency keeps it single.
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.WRITING, processed=0,
                                               content=content)
    imports.write(run.pk)
    run.refresh_from_db()
    assert PaymentPosition.objects.count() == 3
    assert run.kept == 3


def test_the_write_reads_the_file_once_not_once_per_chunk(upload, monkeypatch):
    run = upload(csv_bytes([row(f"R{i}") for i in range(5)]))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.WRITING)
    monkeypatch.setattr(imports, "CHUNK", 2)
    with CaptureQueriesContext(connection) as queries:
        imports.write(run.pk)
    column = connection.ops.quote_name("content")
    reads = [q["sql"] for q in queries
             if q["sql"].startswith("SELECT") and column in q["sql"].split(" FROM ")[0]]
    # The job's own read and the final refresh (of an emptied file), not one per chunk.
    assert len(reads) == 2
    assert PaymentPosition.objects.count() == 5


def test_the_write_reads_ahead_in_order_and_raises_where_the_file_went_wrong():
    def positions():
        yield 1
        yield 2
        raise import_file.FileRefused("rotto")

    got = []
    with pytest.raises(import_file.FileRefused, match="rotto"):
        for item in imports.ahead(positions()):
            got.append(item)
    assert got == [1, 2]


def test_reading_ahead_stops_with_the_write_and_speaks_its_language():
    made = []

    def endless():
        while True:
            made.append(translation.get_language())
            yield len(made)

    with translation.override("en"):
        reader = imports.ahead(endless(), depth=1)
        assert [next(reader) for _ in range(3)] == [1, 2, 3]
        reader.close()
    assert len(made) <= 5  # one queued, one in hand: not the whole file
    assert set(made) == {"en"}
    assert not [t for t in threading.enumerate() if t.name == "import-reader"]


def test_a_big_write_refreshes_the_planners_statistics(upload, monkeypatch):
    run = upload(csv_bytes([row(f"R{i}") for i in range(3)]))
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.WRITING)
    monkeypatch.setattr(bulk, "ANALYZE_AFTER", 3)
    with CaptureQueriesContext(connection) as queries:
        imports.write(run.pk)
    analyzed = [q["sql"] for q in queries if q["sql"].startswith("ANALYZE")]
    assert any("positions_paymentoption" in sql for sql in analyzed)
    run = upload(csv_bytes([row(f"S{i}") for i in range(2)]))  # smaller: not worth it
    ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.WRITING)
    with CaptureQueriesContext(connection) as queries:
        imports.write(run.pk)
    assert not [q for q in queries if q["sql"].startswith("ANALYZE")]


# --- the command -------------------------------------------------------------------------

def test_the_command_dry_run_then_import(tmp_path, organization, service, capsys):
    path = tmp_path / "posizioni.csv"
    path.write_bytes(csv_bytes([row("A"), row("B", code="RSSMRA80E12H501X")]))
    with pytest.raises(CommandError):
        call_command("import_positions", str(path), organization=organization.fiscal_code,
                     dry_run=True)
    out = capsys.readouterr()
    assert "riga 3, codice_fiscale" in out.out and "prova" in out.out
    assert "righe" in out.err  # tqdm's bar
    assert not PaymentPosition.objects.exists()
    path.write_bytes(csv_bytes([row("A"), row("B")]))
    call_command("import_positions", str(path), organization=organization.fiscal_code)
    assert PaymentPosition.objects.count() == 2
    call_command("import_positions", str(path), organization=organization.fiscal_code)
    assert "2 già presenti e invariate" in capsys.readouterr().out
    with pytest.raises(CommandError, match="No Ente"):
        call_command("import_positions", str(path), organization="00000000000")
