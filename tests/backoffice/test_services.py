"""Issue 13 item 4 (services): the responsabile creates and edits services with their
amount rule, accounting codes (capitolo, accertamento) and form fields, validated as the
catalog's model validation does and audited; an operatore gets 403, another Ente 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from catalog.editing import ServiceRefused, save_service
from catalog.models import Service, ServiceField
from tests.backoffice.conftest import login_staff, make_staff

pytestmark = pytest.mark.django_db


def url(name, organization, *args):
    return reverse(f"backoffice:{name}", args=[organization.slug, *args])


def payload(**overrides):
    data = {
        "code": "diritti", "name": "Diritti di segreteria", "description": "",
        "taxonomy_code": "9/0101005TS/", "accounting_chapter": "3050",
        "accounting_assessment": "2026/123", "active": "on", "spontaneous_allowed": "on",
        "amount_rule": "unit_price", "unit_price_cents": "2,50",
        "amount_field": "numero_copie", "causale_template": "Diritti: {numero_copie} copie",
        "instructions": "<p>Ritiro in Comune</p><script>x</script>",
        "campi-TOTAL_FORMS": "2", "campi-INITIAL_FORMS": "0",
        "campi-MIN_NUM_FORMS": "0", "campi-MAX_NUM_FORMS": "1000",
        "campi-0-name": "numero_copie", "campi-0-label": "Numero di copie",
        "campi-0-kind": "number", "campi-0-required": "on", "campi-0-position": "0",
        "campi-0-min_value": "1",
        # the blank row at the end is left as it came
        "campi-1-kind": "text", "campi-1-required": "on", "campi-1-position": "0",
    }
    data.update(overrides)
    return data


def test_responsabile_creates_a_service_with_fields(manager_client, manager, organization):
    response = manager_client.post(url("service_create", organization), payload(),
                                   REMOTE_ADDR="192.0.2.4")
    assert response.status_code == 302, response.content.decode()[-3000:]
    service = Service.objects.get(code="diritti")
    assert service.organization == organization and service.unit_price_cents == 250
    assert (service.accounting_chapter, service.accounting_assessment) == ("3050", "2026/123")
    assert "<script>" not in service.instructions
    assert list(service.form_fields.values_list("name", "kind")) == [("numero_copie", "number")]
    entry = AuditEntry.objects.get(action="service.created")
    assert entry.actor == manager and entry.ip_address == "192.0.2.4"
    assert entry.data["after"]["accounting_chapter"] == "3050"
    assert entry.data["after"]["fields"][0]["name"] == "numero_copie"
    # The editor shows the price back in euro, the row with its id.
    page = manager_client.get(url("service", organization, service.pk)).content.decode()
    assert 'value="2,50"' in page and 'value="numero_copie"' in page


def test_edit_change_a_field_add_one_and_audit_the_difference(manager_client, organization):
    manager_client.post(url("service_create", organization), payload())
    service = Service.objects.get()
    row = service.form_fields.get()
    data = payload(**{
        "accounting_assessment": "2026/200", "causale_template": "{atto}: {numero_copie}",
        "campi-INITIAL_FORMS": "1", "campi-0-id": str(row.pk),
        "campi-0-label": "Copie richieste",
        "campi-1-name": "atto", "campi-1-label": "Atto", "campi-1-position": "1"})
    response = manager_client.post(url("service", organization, service.pk), data)
    assert response.status_code == 302, response.content.decode()[-3000:]
    rows = list(service.form_fields.values_list("pk", "name", "label"))
    assert rows == [(row.pk, "numero_copie", "Copie richieste"), (rows[1][0], "atto", "Atto")]
    entry = AuditEntry.objects.get(action="service.updated")
    assert set(entry.data["before"]) == {"accounting_assessment", "causale_template", "fields"}
    assert entry.data["before"]["accounting_assessment"] == "2026/123"
    assert entry.data["after"]["accounting_assessment"] == "2026/200"


def test_a_field_can_be_deleted(manager_client, organization):
    manager_client.post(url("service_create", organization), payload(
        amount_rule="fixed", **{"unit_price_cents": "", "fixed_amount_cents": "5,00",
                               "amount_field": "", "causale_template": ""}))
    service = Service.objects.get()
    row = service.form_fields.get()
    data = payload(amount_rule="fixed", unit_price_cents="", fixed_amount_cents="5,00",
                   amount_field="", causale_template="",
                   **{"campi-INITIAL_FORMS": "1", "campi-0-id": str(row.pk),
                      "campi-0-DELETE": "on"})
    assert manager_client.post(url("service", organization, service.pk), data).status_code == 302
    assert not service.form_fields.exists()


@pytest.mark.parametrize(("overrides", "message"), [
    ({"causale_template": "Diritti {manca}"}, "usa campi che non esistono: manca"),
    ({"campi-0-kind": "text"}, "deve essere un campo di tipo"),
    ({"unit_price_cents": "due euro"}, "Importo non valido"),
    ({"unit_price_cents": ""}, "Indica il prezzo unitario."),
    ({"amount_rule": "choice_price", "campi-0-kind": "choice",
      "campi-0-choices": "A\nB"}, "Indica un prezzo per ogni scelta"),
    ({"taxonomy_code": "XYZ"}, "Codice di tassonomia pagoPA non valido"),
    # The code without its mandatory 9/…/ prefix (issue 11): refused when saved.
    ({"taxonomy_code": "0101002IM"}, "serve il prefisso"),
    ({"campi-0-name": "importo"}, "Questo nome è riservato"),
    ({"campi-0-pattern": "(["}, "Espressione regolare non valida"),
    ({"active_from": "2026-05-01", "active_to": "2026-04-01"}, "La data di fine deve seguire"),
])
def test_what_breaks_a_rule_is_refused_keeping_what_was_typed(manager_client, organization,
                                                               overrides, message):
    response = manager_client.post(url("service_create", organization), payload(**overrides))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'value="Diritti di segreteria"' in page and 'value="3050"' in page
    assert not Service.objects.exists() and not AuditEntry.objects.exists()


def test_the_code_is_unique_within_the_ente(manager_client, organization, service):
    response = manager_client.post(url("service_create", organization),
                                   payload(code=service.code))
    assert response.status_code == 400
    assert "esiste già" in response.content.decode()


def test_an_operatore_gets_403(client, organization, service):
    login_staff(client, make_staff(organization, "op@example.it"))
    assert client.get(url("services", organization)).status_code == 403
    assert client.get(url("service", organization, service.pk)).status_code == 403
    assert client.post(url("service_create", organization), payload()).status_code == 403
    assert not Service.objects.filter(code="diritti").exists()


def test_another_entes_responsabile_gets_404(client, organization, other_organization,
                                             service):
    login_staff(client, make_staff(other_organization, "boss@example.it", "responsabile"))
    assert client.get(url("services", organization)).status_code == 404
    assert client.get(url("service", other_organization, service.pk)).status_code == 404
    assert client.post(url("service", other_organization, service.pk),
                       payload()).status_code == 404
    listed = client.get(url("services", other_organization)).context["page"].object_list
    assert service not in listed


def test_a_field_of_another_service_cannot_be_taken_over(organization, service):
    other = Service.objects.create(organization=organization, code="x", name="X",
                                   taxonomy_code="9/0101005TS/")
    row = ServiceField.objects.create(service=other, name="a", label="A")
    with pytest.raises(ServiceRefused):
        save_service(organization, {}, [{"id": row.pk, "name": "a", "label": "B"}],
                     service=service)
    assert ServiceField.objects.get(pk=row.pk).label == "A"


def test_the_list(manager_client, organization, service):
    Service.objects.filter(pk=service.pk).update(accounting_chapter="3050")
    response = manager_client.get(url("services", organization))
    page = response.content.decode()
    assert response.status_code == 200 and service.name in page and "3050" in page


def test_the_admin_only_reads_services(admin_client, service):
    assert admin_client.get(reverse("admin:catalog_service_add")).status_code == 403
    page = admin_client.get(reverse("admin:catalog_service_change", args=[service.pk]))
    assert page.status_code == 200 and 'name="name"' not in page.content.decode()


def test_services_export(manager_client, organization, service):
    Service.objects.filter(pk=service.pk).update(accounting_assessment="2026/9",
                                                 fixed_amount_cents=1250)
    response = manager_client.get(url("services", organization), {"formato": "csv"})
    text = b"".join(response.streaming_content).decode()
    assert text.startswith("\ufeffCodice;Nome;")
    assert "2026/9" in text and "12,50" in text
    response = manager_client.get(url("services", organization), {"formato": "xlsx"})
    assert b"".join(response.streaming_content).startswith(b"PK")


def test_services_filters_keep_their_values(manager_client, organization, service):
    Service.objects.create(organization=organization, code="mensa", name="Mensa",
                           taxonomy_code="9/0101002IM/", active=False)
    response = manager_client.get(url("services", organization), {"cerca": "mens"})
    assert [s.code for s in response.context["page"].object_list] == ["mensa"]
    assert 'value="mens"' in response.content.decode()
    response = manager_client.get(url("services", organization), {"stato": "attivi"})
    assert [s.code for s in response.context["page"].object_list] == [service.code]
