"""Issue 15 item 4: the reconciliation pages — the work queue and its audited actions,
flows and their payments, the treasurer's statements (upload, errors in Italian, nothing
half-imported), the dashboard's figures, and the accounting export read back."""

from __future__ import annotations

import csv
import datetime as dt
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEntry
from catalog.models import Service
from reconciliation.models import Flow, FlowPayment, ReconciliationIssue, SyncRun
from reconciliation.treasury_models import TreasuryCredit, TreasuryStatement
from tests.backoffice.conftest import login_staff, make_staff
from tests.payments.test_pages import make_receipt
from tests.reconciliation.camt import Entry, statement
from tests.reconciliation.conftest import flow_factory, riversamento

pytestmark = pytest.mark.django_db
Kind = ReconciliationIssue.Kind


@pytest.fixture
def make_flow(organization):
    return flow_factory(organization)


def url(name, organization, *args):
    return reverse(f"backoffice:{name}", args=[organization.slug, *args])


@pytest.fixture
def issue(organization, make_flow):
    flow = make_flow("F-1", 12340)
    payment = FlowPayment.objects.create(flow=flow, index=1, iuv="01000000000000017",
                                         iur="IUR-1", id_transfer=1, amount_cents=12340,
                                         pay_status="EXECUTED", match_state="senza_ricevuta")
    return ReconciliationIssue.objects.create(organization=organization, kind=Kind.NO_RECEIPT,
                                              key="senza-ricevuta:1", flow=flow,
                                              payment=payment)


def test_queue_lists_open_issues_and_filters(operator_client, organization, issue):
    ReconciliationIssue.objects.create(organization=organization, kind=Kind.REVOKED,
                                       key="closed", state="resolved")
    page = operator_client.get(url("reconciliation", organization)).content.decode()
    assert "In flusso ma senza ricevuta" in page and "01000000000000017" in page
    assert "Pagamento revocato</a>" not in page
    page = operator_client.get(url("reconciliation", organization),
                               {"stato": "closed"}).content.decode()
    assert "Pagamento revocato</a>" in page and "01000000000000017" not in page
    response = operator_client.get(url("reconciliation", organization), {"tipo": "nessuno"})
    assert "Tipo non valido" in response.content.decode()


def test_resolve_needs_a_note_keeps_the_form_and_is_audited(operator_client, operator,
                                                             organization, issue):
    target = url("reconciliation_issue_resolve", organization, issue.pk)
    response = operator_client.post(target, {"resolve-note": "   "})
    assert response.status_code == 400
    assert "Scrivi una nota: come è stata risolta" in response.content.decode()
    assert "resolve-note" in response.content.decode()
    issue.refresh_from_db()
    assert issue.state == "open"
    response = operator_client.post(target, {"resolve-note": "Ricevuta chiesta al PSP"})
    assert response.status_code == 302
    issue.refresh_from_db()
    assert (issue.state, issue.resolved_by) == ("resolved", operator)
    assert "Ricevuta chiesta al PSP" in issue.notes
    entry = AuditEntry.objects.get(action="reconciliation.resolved")
    assert entry.actor == operator and entry.data["note"] == "Ricevuta chiesta al PSP"
    again = operator_client.post(target, {"resolve-note": "di nuovo"})
    assert again.status_code == 400 and "già stata risolta" in again.content.decode()


def test_ignore_with_reason_and_notes_are_audited(operator_client, organization, issue):
    operator_client.post(url("reconciliation_issue_note", organization, issue.pk),
                         {"note-note": "Sentito il PSP"})
    operator_client.post(url("reconciliation_issue_ignore", organization, issue.pk),
                         {"ignore-note": "Pagamento di prova"})
    issue.refresh_from_db()
    assert issue.state == "ignored"
    assert "Sentito il PSP" in issue.notes and "Ignorata: Pagamento di prova" in issue.notes
    assert set(AuditEntry.objects.values_list("action", flat=True)) == {
        "reconciliation.note_added", "reconciliation.ignored"}
    page = operator_client.get(url("reconciliation_issue", organization, issue.pk))
    assert "Ignorata" in page.content.decode()


def test_marking_paid_is_for_the_responsabile(operator_client, organization, issue):
    response = operator_client.post(url("reconciliation_issue_recover", organization, issue.pk),
                                    {"recover-note": "verificato"})
    assert response.status_code == 403
    assert "Segna pagato" not in operator_client.get(
        url("reconciliation_issue", organization, issue.pk)).content.decode()


def test_the_responsabile_marks_paid_after_review(manager_client, manager, organization,
                                                 make_position, make_flow):
    option = make_position(reference="R").options.get()
    flow = make_flow("F-7", 2200)
    payment = FlowPayment.objects.create(flow=flow, index=1, iuv=option.iuv, iur="IUR-7",
                                         id_transfer=1, amount_cents=2200, option=option,
                                         pay_status="EXECUTED", match_state="senza_ricevuta")
    issue = ReconciliationIssue.objects.create(organization=organization, kind=Kind.NO_RECEIPT,
                                               key="senza-ricevuta:7", flow=flow,
                                               payment=payment)
    page = manager_client.get(url("reconciliation_issue", organization, issue.pk))
    assert "Segna pagato" in page.content.decode()
    target = url("reconciliation_issue_recover", organization, issue.pk)
    refused = manager_client.post(target, {"recover-note": ""})
    assert refused.status_code == 400 and "che cosa hai verificato" in refused.content.decode()
    assert manager_client.post(target, {"recover-note": "Sentito il PSP: pagato"}).status_code \
        == 302
    option.refresh_from_db()
    issue.refresh_from_db()
    assert option.status == "paid" and issue.state == "resolved"
    entry = AuditEntry.objects.get(action="reconciliation.recovered")
    assert entry.actor == manager and entry.data["note"] == "Sentito il PSP: pagato"


def test_actions_answer_only_post(operator_client, organization, issue):
    for name in ("resolve", "ignore", "note", "recover"):
        response = operator_client.get(url(f"reconciliation_issue_{name}", organization,
                                           issue.pk))
        assert response.status_code == 405


def test_another_entes_issue_flow_and_statement_are_404(client, organization,
                                                        other_organization, issue):
    other = make_staff(other_organization, "altro@example.it")
    login_staff(client, other)
    statement_ = TreasuryStatement.objects.create(organization=organization, file_name="e.xml",
                                                  sha256="x", account_iban="IT", version="v",
                                                  raw="")
    for name, pk in [("reconciliation_issue", issue.pk), ("reconciliation_flow", issue.flow.pk),
                     ("reconciliation_statement", statement_.pk)]:
        assert client.get(url(name, other_organization, pk)).status_code == 404
    response = client.post(url("reconciliation_issue_resolve", other_organization, issue.pk),
                           {"resolve-note": "x"})
    assert response.status_code == 404
    issue.refresh_from_db()
    assert issue.state == "open"
    assert "01000000000000017" not in client.get(
        url("reconciliation", other_organization)).content.decode()


def test_flows_with_filters_and_a_flow_with_its_payments(operator_client, organization,
                                                        make_flow, issue):
    old = make_flow("F-2", 500, regulation_date=dt.date(2026, 10, 1))
    new = make_flow("F-2", 700, revision=2, regulation_date=dt.date(2026, 10, 1))
    Flow.objects.filter(pk=old.pk).update(status="superseded", superseded_by=new)
    page = operator_client.get(url("reconciliation_flows", organization)).content.decode()
    assert "F-1" in page and "rev.</small>" not in page
    assert page.count("F-2") == 1
    page = operator_client.get(url("reconciliation_flows", organization),
                               {"dal": "01/11/2026"}).content.decode()
    assert "F-1" in page and "F-2" not in page
    page = operator_client.get(url("reconciliation_flows", organization),
                               {"stato": "superseded"}).content.decode()
    assert "F-2" in page and "F-1" not in page
    bad = operator_client.get(url("reconciliation_flows", organization),
                              {"dal": "2/30/2026", "psp": "Banca"})
    assert "Data non valida" in bad.content.decode() and 'value="Banca"' in bad.content.decode()
    page = operator_client.get(url("reconciliation_flow", organization,
                                   issue.flow.pk)).content.decode()
    assert "01000000000000017" in page and "In flusso ma senza ricevuta: 1" in page
    page = operator_client.get(url("reconciliation_flow", organization, old.pk)).content.decode()
    assert "sostituita" in page


def upload(client, organization, data: bytes, name="estratto.xml"):
    return client.post(url("reconciliation_treasury", organization),
                       {"file": SimpleUploadedFile(name, data, "application/xml")})


def test_upload_a_statement(operator_client, operator, organization, make_flow):
    make_flow("F-1", 12340)
    response = upload(operator_client, organization, statement(
        [riversamento("F-1", "123.40"), riversamento("F-404", "10.00")]))
    stored = TreasuryStatement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("reconciliation_statement", organization, stored.pk)
    assert stored.imported_by == operator
    page = operator_client.get(response["Location"]).content.decode()
    assert "Abbinato al flusso" in page and "Flusso non ricevuto" in page
    issues = ReconciliationIssue.objects.filter(organization=organization, state="open")
    assert list(issues.values_list("kind", flat=True)) == [Kind.CREDIT_NO_FLOW]
    again = upload(operator_client, organization, statement(
        [riversamento("F-1", "123.40"), riversamento("F-404", "10.00")]), name="copia.xml")
    assert again.status_code == 400 and "già stato caricato" in again.content.decode()
    assert TreasuryStatement.objects.count() == 1


@pytest.mark.parametrize(("data", "message"), [
    (b"non xml", "non è un XML leggibile"),
    (statement([Entry("1.00")]).replace(b"camt.053", b"camt.054"), "non è un estratto conto"),
    (statement([Entry("abc", reference="R7")]), "Importo non valido nel movimento R7"),
])
def test_a_bad_statement_is_refused_in_italian_and_imports_nothing(operator_client,
                                                                   organization, data,
                                                                   message):
    response = upload(operator_client, organization, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not TreasuryStatement.objects.exists() and not TreasuryCredit.objects.exists()
    assert not AuditEntry.objects.filter(action="treasury.imported").exists()


def test_upload_without_a_file(operator_client, organization):
    response = operator_client.post(url("reconciliation_treasury", organization), {})
    assert response.status_code == 400
    assert "Scegli il file dell&#x27;estratto conto" in response.content.decode()


def test_dashboard_shows_last_sync_and_open_issues(operator_client, organization, issue):
    page = operator_client.get(url("home", organization)).content.decode()
    assert "1 anomalia da gestire" in page
    assert "non sono ancora stati sincronizzati" in page
    SyncRun.objects.create(organization=organization, outcome="ok",
                           finished_at=timezone.make_aware(dt.datetime(2026, 11, 28, 7, 5)))
    SyncRun.objects.create(organization=organization, outcome="running")
    page = operator_client.get(url("home", organization)).content.decode()
    assert "Ultima sincronizzazione dei flussi di rendicontazione: 28/11/2026 07:05" in page


@pytest.fixture
def reported(organization, make_position, make_flow, service):
    """Two collected receipts: one reported in flow F-1 and credited, one not reported."""
    Service.objects.filter(pk=service.pk).update(accounting_chapter="3050",
                                                 accounting_assessment="2026/118")
    first = make_position(reference="A").options.get()
    second = make_position(reference="B", amount_cents=1000).options.get()
    when = timezone.make_aware(dt.datetime(2026, 11, 26, 10, 30))
    r1 = make_receipt(first, "1" * 32, payment_date_time=when)
    r2 = make_receipt(second, "2" * 32, amount_cents=1000, payment_date_time=when)
    flow = make_flow("F-1", 2200)
    FlowPayment.objects.create(flow=flow, index=1, iuv=first.iuv, iur=r1.receipt_id,
                               id_transfer=1, amount_cents=2200, pay_status="EXECUTED",
                               receipt=r1, match_state="riconciliato")
    stored = TreasuryStatement.objects.create(organization=organization, file_name="e.xml",
                                              sha256="x", account_iban="IT", version="v", raw="")
    TreasuryCredit.objects.create(organization=organization, statement=stored,
                                  account_iban="IT", amount_cents=2200, fdr="F-1", flow=flow,
                                  state="abbinato", value_date=dt.date(2026, 11, 28))
    return r1, r2


def test_accounting_export_csv(operator_client, organization, reported):
    r1, r2 = reported
    response = operator_client.get(url("reconciliation_export", organization),
                                   {"formato": "csv"})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert header == ["Data del pagamento", "IUV", "Codice avviso", "Codice fiscale debitore",
                      "Debitore", "Servizio", "Capitolo", "Accertamento", "Causale", "Importo",
                      "Commissione", "PSP", "Identificativo ricevuta (IUR)",
                      "Identificativo flusso", "Data regolamento", "Data accredito tesoriere"]
    by_iur = {row[12]: row for row in rows}
    first = by_iur[f'="{r1.receipt_id}"']
    assert first[6:8] == ["3050", "2026/118"] and first[9] == "22,00"
    assert first[13:] == ['F-1', "27/11/2026", "28/11/2026"]
    assert by_iur[f'="{r2.receipt_id}"'][13:] == ["", "", ""]
    response = operator_client.get(url("reconciliation_export", organization),
                                   {"formato": "csv", "rendicontate": "no"})
    assert len(b"".join(response.streaming_content).decode().strip().split("\r\n")) == 2


def test_accounting_export_xlsx_read_back(operator_client, organization, reported):
    response = operator_client.get(url("reconciliation_export", organization),
                                   {"formato": "xlsx", "dal": "26/11/2026", "al": "26/11/2026"})
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    rows = list(book.active.iter_rows(values_only=True))
    assert len(rows) == 3
    first = next(row for row in rows[1:] if row[13] == "F-1")
    assert first[1] == reported[0].creditor_reference_id and first[9] == 22
    assert first[14] == dt.datetime(2026, 11, 27) and first[15] == dt.datetime(2026, 11, 28)
    bad = operator_client.get(url("reconciliation_export", organization),
                              {"formato": "xlsx", "dal": "28/11/2026", "al": "01/11/2026"})
    assert bad.status_code == 400 and "successiva" in bad.content.decode()
