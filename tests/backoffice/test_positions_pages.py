"""The positions pages of the back office: list and search, detail, create, edit,
cancel, reopen, avviso; other Enti's positions are 404."""

from __future__ import annotations

import html
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from payments.models import Activation
from positions.models import PaymentOption, PaymentPosition
from positions.services import OptionSpec
from tests.backoffice.conftest import login_staff, make_staff

DUE = date.today() + timedelta(days=30)


@pytest.fixture(autouse=True)
def _service(service):
    """The Ente offers the service the forms choose."""
    return service


def url(name, organization, *args):
    return reverse(f"backoffice:{name}", args=[organization.slug, *args])


def text(response) -> str:
    page = response.content.decode()
    main = page[page.index("<main"):page.index("</main>")]
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", main)).split())


def create_data(**overrides) -> dict:
    data = {
        "fiscal_code": "bncgli92s43f205b", "full_name": "Giulia Bianchi",
        "address": "Corso Buenos Aires 5", "city": "Milano", "province": "mi",
        "postal_code": "20124", "email": "", "service": "trasporto-scolastico",
        "causale": "TARI 2026", "external_reference": "TARI-2026-1", "single": "on",
        "installments": "3", "transfers": "1",
        "unica-amount": "120,00", "unica-due_date": DUE.isoformat(),
        "unica-t1-iban": "IT60X0542811101000000123456",
    }
    for n in (1, 2, 3):
        data[f"rata-{n}-amount"] = "40,00"
        data[f"rata-{n}-due_date"] = (DUE + timedelta(days=30 * (n - 1))).isoformat()
        data[f"rata-{n}-t1-iban"] = "IT60X0542811101000000123456"
    data.update(overrides)
    return data


# --- list --------------------------------------------------------------------------

def test_list_searches_the_entes_positions_only(operator_client, organization, make_position,
                                                other_organization, service):
    tari = make_position(causale="TARI 2026", reference="TARI-1")
    mensa = make_position(causale="Mensa", reference="MS-1",
                          installments=[OptionSpec(500, DUE + timedelta(days=90))])
    from catalog.models import Service
    from positions.models import Debtor
    other_service = Service.objects.create(organization=other_organization, code="x",
                                           name="X", taxonomy_code="9/0101002IM/")
    other_debtor = Debtor.objects.create(organization=other_organization,
                                         fiscal_code="RSSMRA80E12H501I", full_name="Altro")
    make_position(organization=other_organization, service=other_service,
                  debtor=other_debtor, causale="Di un altro Ente", reference="TARI-1")
    page = text(operator_client.get(url("positions", organization)))
    assert "TARI 2026" in page and "Mensa" in page and "Di un altro Ente" not in page
    notice = tari.options.get().notice_number

    def found(**query):
        return text(operator_client.get(url("positions", organization), query))

    assert "Mensa" not in found(codice=" ".join([notice[:4], notice[4:]]))
    assert "TARI 2026" in found(codice=tari.options.get().iuv)
    assert "Mensa" not in found(riferimento="tari-1")
    assert "TARI 2026" in found(debitore="rossi") and "TARI 2026" in found(
        debitore="rssmra80e12h501i")
    assert "TARI 2026" not in found(scadenza_da=(DUE + timedelta(days=60)).isoformat())
    assert "Mensa" in found(scadenza_da=(DUE + timedelta(days=60)).isoformat())
    assert "TARI 2026" in found(stato="valid", servizio=service.code)
    bad = operator_client.get(url("positions", organization), {"scadenza_da": "31/02/2026"})
    assert "Data non valida" in text(bad) and 'value="31/02/2026"' in bad.content.decode()
    assert mensa.pk  # listed above


def test_list_is_paginated_by_fifty(operator_client, organization, make_position):
    for n in range(51):
        make_position(reference=f"R-{n}")
    first = text(operator_client.get(url("positions", organization)))
    assert "51 posizioni trovate" in first and "Pagina 1 di 2" in first
    second = text(operator_client.get(url("positions", organization), {"page": 2}))
    assert "Pagina 2 di 2" in second


# --- detail and access -----------------------------------------------------------------

def test_detail_shows_everything_and_the_history(operator_client, organization, make_position):
    position = make_position(causale="TARI 2026", installments=[
        OptionSpec(12000, DUE), *(OptionSpec(4000, DUE, installment_number=n)
                                  for n in (1, 2, 3))])
    page = text(operator_client.get(url("position", organization, position.pk)))
    assert "Mario Rossi" in page and "RSSMRA80E12H501I" in page
    assert "Pagamento in unica soluzione" in page and "Piano rateale" in page
    assert "120,00 €" in page and "TARI 2026 – rata 2 di 3" in page
    assert "IT60X0542811101000000123456" in page and "9/0106104SP/" in page
    assert "Scarica l'avviso (PDF)" in page


def test_other_entes_positions_and_payers_get_404(client, organization, other_organization,
                                                  make_position, payer):
    position = make_position()
    stranger = make_staff(other_organization, "altro@example.it")
    login_staff(client, stranger)
    names = ["position", "position_edit", "position_cancel", "position_reopen",
             "position_notice"]
    for name in names:  # their own Ente in the URL, our position's id
        assert client.get(url(name, other_organization, position.pk)).status_code == 404
        assert client.get(url(name, organization, position.pk)).status_code == 404
    client.force_login(payer)
    for name in ["positions", "position_create"]:
        assert client.get(url(name, organization)).status_code == 404
    for name in names:
        assert client.get(url(name, organization, position.pk)).status_code == 404


def test_avviso_download(operator_client, organization, make_position):
    position = make_position()
    response = operator_client.get(url("position_notice", organization, position.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    position.options.get().cancel()
    assert operator_client.get(url("position_notice", organization,
                                   position.pk)).status_code == 404


# --- create ---------------------------------------------------------------------------

def test_create_a_single_payment_and_three_installments(operator_client, organization,
                                                        operator):
    response = operator_client.post(url("position_create", organization), create_data())
    position = PaymentPosition.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("position", organization, position.pk)
    assert sorted((o.plan, o.installment_number, o.amount_cents)
                  for o in position.options.all()) == [
        (0, None, 12000), (1, 1, 4000), (1, 2, 4000), (1, 3, 4000)]
    assert position.debtor.fiscal_code == "BNCGLI92S43F205B"
    assert position.debtor.province == "MI"
    entry = AuditEntry.objects.get(action="position.created")
    assert entry.actor == operator and entry.ip_address == "127.0.0.1"


def test_the_layout_button_redraws_with_what_was_typed(operator_client, organization):
    data = create_data(installments="4", transfers="2")
    response = operator_client.post(url("position_create", organization),
                                    {**data, "_layout": "1"})
    page = response.content.decode()
    assert response.status_code == 200 and not PaymentPosition.objects.exists()
    assert 'name="rata-4-amount"' in page and 'name="rata-3-t2-iban"' in page
    assert 'value="Giulia Bianchi"' in page and 'value="40,00"' in page
    assert "is-invalid" not in page


def test_bad_input_keeps_what_was_typed_and_names_the_field(operator_client, organization):
    data = create_data(**{"rata-2-t1-iban": "IT00X123", "transfers": "2",
                          "unica-t1-amount": "100,00", "unica-t2-amount": "10,00",
                          "unica-t2-iban": "IT60X0542811101000000123456",
                          "rata-1-t1-amount": "40,00", "rata-1-t2-amount": "",
                          "rata-1-t2-iban": "IT60X0542811101000000123456"})
    response = operator_client.post(url("position_create", organization), data)
    page = response.content.decode()
    assert response.status_code == 200 and not PaymentPosition.objects.exists()
    assert "L&#x27;IBAN non è valido" in page or "L'IBAN non è valido" in page
    assert 'value="IT00X123"' in page
    assert "La somma dei trasferimenti (110,00 €) è diversa dall" in html.unescape(page)
    assert "Indica l&#x27;importo del trasferimento" in page or (
        "Indica l'importo del trasferimento" in page)


def test_a_rule_of_the_service_is_shown_above_the_form(operator_client, organization):
    past = (date.today() - timedelta(days=1)).isoformat()
    response = operator_client.post(url("position_create", organization),
                                    create_data(**{"unica-due_date": past}))
    assert "Unica soluzione: la scadenza non può essere nel passato." in text(response)
    assert f'value="{past}"' in response.content.decode()


# --- edit, cancel, reopen -----------------------------------------------------------------

def edit_data(position, **overrides) -> dict:
    data = {"fiscal_code": position.debtor.fiscal_code, "full_name": position.debtor.full_name,
            "service": position.service.code, "causale": position.causale,
            "external_reference": position.external_reference, "transfers": "1",
            "version": str(position.version)}
    for option in position.options.all():
        data[f"opt-{option.pk}-amount"] = f"{option.amount_cents // 100},00"
        data[f"opt-{option.pk}-due_date"] = option.due_date.isoformat()
        data[f"opt-{option.pk}-t1-iban"] = option.transfers.get().iban
        data[f"opt-{option.pk}-t1-taxonomy_code"] = option.transfers.get().taxonomy_code
    data.update(overrides)
    return data


def test_edit_changes_the_amount_with_its_transfer(operator_client, organization,
                                                   make_position):
    position = make_position()
    option = position.options.get()
    form = operator_client.get(url("position_edit", organization, position.pk))
    assert 'name="version" value="0"' in form.content.decode()
    response = operator_client.post(url("position_edit", organization, position.pk),
                                    edit_data(position, **{f"opt-{option.pk}-amount": "30,00"}))
    assert response.status_code == 302
    option.refresh_from_db()
    assert option.amount_cents == 3000 and option.transfers.get().amount_cents == 3000
    history = text(operator_client.get(url("position", organization, position.pk)))
    assert "Posizione modificata" in history and "22,00 € → 30,00 €" in history


def test_a_concurrent_edit_is_refused_and_keeps_what_was_typed(operator_client, organization,
                                                               make_position):
    position = make_position()
    option = position.options.get()
    stale = edit_data(position, **{f"opt-{option.pk}-amount": "31,00"})
    operator_client.post(url("position_edit", organization, position.pk),
                         edit_data(position, causale="Prima modifica"))
    response = operator_client.post(url("position_edit", organization, position.pk), stale)
    assert response.status_code == 200
    assert "Un'altra persona ha modificato questa posizione" in text(response)
    assert 'value="31,00"' in response.content.decode()
    option.refresh_from_db()
    assert option.amount_cents == 2200


def test_a_payment_in_progress_blocks_the_edit(operator_client, organization, make_position):
    position = make_position()
    option = position.options.get()
    Activation.objects.create(organization=organization, option=option)
    response = operator_client.post(url("position_edit", organization, position.pk),
                                    edit_data(position, **{f"opt-{option.pk}-amount": "1,00"}))
    assert "pagamento di questa posizione è in corso" in text(response)
    assert "pagamento in corso" in text(
        operator_client.get(url("position", organization, position.pk)))


def test_paid_positions_are_read_only(operator_client, organization, make_position):
    position = make_position()
    position.options.get().mark_paid()
    page = text(operator_client.get(url("position", organization, position.pk)))
    assert "in sola lettura" in page and "Modifica" not in page
    response = operator_client.post(url("position_cancel", organization, position.pk),
                                    {"reason": "Prova di annullamento", "version": "0"})
    assert "sola lettura" in text(response)
    assert position.options.get().status == PaymentOption.Status.PAID


def test_cancel_with_a_reason(operator_client, organization, make_position):
    position = make_position()
    response = operator_client.post(url("position_cancel", organization, position.pk),
                                    {"reason": "", "version": "0"})
    assert "Scrivi il motivo" in text(response)
    response = operator_client.post(url("position_cancel", organization, position.pk),
                                    {"reason": "Emessa due volte", "version": "0"})
    assert response.status_code == 302
    page = text(operator_client.get(url("position", organization, position.pk)))
    assert "Annullata" in page and "Emessa due volte" in page
    assert "Posizione annullata" in page


def test_reopen_an_expired_position(operator_client, organization, make_position):
    position = make_position()
    option = position.options.get()
    option.expire()
    page = text(operator_client.get(url("position", organization, position.pk)))
    assert "Riapri" in page
    new_due = (date.today() + timedelta(days=15)).isoformat()
    response = operator_client.post(url("position_reopen", organization, position.pk),
                                    {f"due-{option.pk}": new_due, "version": "0"})
    assert response.status_code == 302
    option.refresh_from_db()
    assert option.status == PaymentOption.Status.UNPAID
    assert option.due_date.isoformat() == new_due


def test_the_filtered_list_exports_to_csv_and_xlsx(operator_client, organization,
                                                   make_position):
    tari = make_position(causale="TARI 2026", reference="TARI-1", installments=[
        OptionSpec(12000, DUE), OptionSpec(6000, DUE, installment_number=1),
        OptionSpec(6000, DUE + timedelta(days=30), installment_number=2)])
    make_position(causale="Mensa", reference="MS-1")
    page = operator_client.get(url("positions", organization), {"riferimento": "TARI-1"})
    assert "formato=csv" in page.content.decode()
    response = operator_client.get(url("positions", organization),
                                   {"riferimento": "TARI-1", "formato": "csv"})
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeffCodice fiscale;Debitore;Causale")
    lines = body.strip().split("\r\n")
    assert len(lines) == 4 and "Mensa" not in body
    notice = tari.options.get(plan=0).notice_number
    import csv
    cells = [cell for row in csv.reader(lines, delimiter=";") for cell in row]
    assert f'="{notice}"' in cells and "120,00" in cells
    xlsx = operator_client.get(url("positions", organization),
                               {"riferimento": "TARI-1", "formato": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    from io import BytesIO

    from openpyxl import load_workbook
    sheet = load_workbook(BytesIO(b"".join(xlsx.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 4 and notice in [cell for row in rows for cell in row]


def test_edit_splits_an_amount_into_two_transfers(operator_client, organization,
                                                  make_position):
    position = make_position()
    option = position.options.get()
    data = edit_data(position, transfers="2")
    redraw = operator_client.post(url("position_edit", organization, position.pk),
                                  {**data, "_layout": "1"})
    assert f'name="opt-{option.pk}-t2-iban"' in redraw.content.decode()
    data.update({f"opt-{option.pk}-t1-amount": "20,00", f"opt-{option.pk}-t2-amount": "2,00",
                 f"opt-{option.pk}-t2-iban": "IT70B0306909606100000000123",
                 f"opt-{option.pk}-t2-beneficiary_fiscal_code": "00514490010",
                 f"opt-{option.pk}-t2-beneficiary_name": "Provincia"})
    response = operator_client.post(url("position_edit", organization, position.pk), data)
    assert response.status_code == 302
    assert [(t.amount_cents, t.beneficiary_fiscal_code) for t in option.transfers.all()] == [
        (2000, organization.fiscal_code), (200, "00514490010")]


def test_a_spontaneous_positions_anagrafica_stays_the_payers(operator_client, organization,
                                                             make_position, payer):
    from positions.models import Debtor
    declared = Debtor.objects.create(organization=organization, declared_by=payer,
                                     fiscal_code="RSSMRA80E12H501I", full_name="Mario Rossi")
    position = make_position(debtor=declared)
    PaymentPosition.objects.filter(pk=position.pk).update(
        origin=PaymentPosition.Origin.SPONTANEOUS)
    form = operator_client.get(url("position_edit", organization, position.pk))
    assert 'name="fiscal_code"' not in form.content.decode()
    assert "anagrafica inserita dal pagatore" in text(form)
    data = {k: v for k, v in edit_data(position, causale="Rettificata").items()
            if k not in ("fiscal_code", "full_name")}
    assert operator_client.post(url("position_edit", organization, position.pk),
                                data).status_code == 302
    position.refresh_from_db()
    assert position.causale == "Rettificata" and position.debtor_id == declared.pk
