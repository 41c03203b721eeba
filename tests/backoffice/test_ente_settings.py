"""Issue 13 item 4 (the Ente): its responsabile edits IBANs, postal account, logo,
contacts, texts and the local registration switch, with pagoPA's validation, audited with
before and after; the IUV counter and station ids stay read-only; an operatore gets 403."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from audit.models import AuditEntry
from organizations.models import Organization
from organizations.services import update_organization
from tests.backoffice.conftest import login_staff, make_staff

pytestmark = pytest.mark.django_db
POSTAL_IBAN = "IT22L0760101600000012345678"


def page_url(organization):
    return reverse("backoffice:ente", args=[organization.slug])


def form_data(organization, **changes) -> dict:
    data = {name: getattr(organization, name) for name in (
        "name", "sector", "fiscal_code", "segregation_code", "iban", "postal_iban",
        "cbill_code", "postal_account", "postal_account_holder", "postal_authorization",
        "address", "email", "pec", "phone", "website", "spid_level")}
    if organization.local_registration:
        data["local_registration"] = "on"
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def fresh(organization) -> Organization:
    return Organization.objects.get(pk=organization.pk)


def test_the_page_shows_what_is_not_editable(manager_client, organization):
    response = manager_client.get(page_url(organization))
    assert response.status_code == 200
    page = response.content.decode()
    assert organization.station_id in page and "Prossimo progressivo IUV" in page
    assert 'name="next_iuv_base"' not in page and 'name="station_id"' not in page


def test_an_operatore_gets_403_and_another_entes_staff_404(client, organization,
                                                            other_organization):
    login_staff(client, make_staff(organization, "op@example.it"))
    assert client.get(page_url(organization)).status_code == 403
    assert client.post(page_url(organization), form_data(organization,
                                                         phone="1")).status_code == 403
    login_staff(client, make_staff(other_organization, "boss@example.it", "responsabile"))
    assert client.get(page_url(organization)).status_code == 404
    assert fresh(organization).phone == ""


def test_a_change_is_saved_and_audited_with_before_and_after(manager_client, manager,
                                                              organization):
    response = manager_client.post(page_url(organization), form_data(
        organization, iban="it25 o030 6909 6061 0000 0012 345", phone="06 1234567",
        postal_iban=POSTAL_IBAN, postal_account="12345678", local_registration=""),
        REMOTE_ADDR="192.0.2.9", follow=True)
    assert "Impostazioni salvate." in response.content.decode()
    saved = fresh(organization)
    assert saved.iban == "IT25O0306909606100000012345" and saved.phone == "06 1234567"
    assert saved.postal_iban == POSTAL_IBAN and saved.local_registration is False
    entry = AuditEntry.objects.get(action="organization.updated")
    assert entry.actor == manager and entry.ip_address == "192.0.2.9"
    assert entry.data["before"] == {"iban": "IT60X0542811101000000123456", "phone": "",
                                    "postal_iban": "", "postal_account": "",
                                    "local_registration": True}
    assert entry.data["after"]["iban"] == "IT25O0306909606100000012345"
    assert entry.data["after"]["local_registration"] is False


def test_nothing_changed_writes_nothing(manager_client, organization):
    manager_client.post(page_url(organization), form_data(organization))
    assert not AuditEntry.objects.exists()


@pytest.mark.parametrize(("field", "value", "message"), [
    ("postal_iban", "IT60X0542811101000000123456", "ABI 07601"),
    ("iban", "IT60X0542811101000000123457", "L&#x27;IBAN non è valido"),
    ("fiscal_code", "80000120017", "la cifra di controllo non torna"),
    ("fiscal_code", "8000012001", "11 cifre"),
    ("segregation_code", "46", "da 00 a 45"),
    ("segregation_code", "99", "da 00 a 45"),
    ("email", "non-una-email", "email"),
])
def test_what_pagopa_would_refuse_is_refused_keeping_what_was_typed(
        manager_client, organization, field, value, message):
    response = manager_client.post(page_url(organization),
                                   form_data(organization, **{field: value}, phone="123"))
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'value="{value}"' in page and 'value="123"' in page
    assert fresh(organization).phone == ""
    assert not AuditEntry.objects.exists()


def test_the_postal_account_must_be_the_postal_ibans(manager_client, organization):
    response = manager_client.post(page_url(organization), form_data(
        organization, postal_iban=POSTAL_IBAN, postal_account="99999999"))
    assert response.status_code == 400
    assert "non corrisponde all&#x27;IBAN postale" in response.content.decode()
    assert fresh(organization).postal_iban == ""


def test_identity_is_fixed_once_notices_exist(manager_client, organization, make_position):
    make_position()
    response = manager_client.post(page_url(organization), form_data(
        organization, fiscal_code="09876540023", segregation_code="07", phone="1"))
    assert response.status_code == 302
    saved = fresh(organization)
    assert (saved.fiscal_code, saved.segregation_code, saved.phone) == (
        "80000120016", "01", "1")
    with pytest.raises(ValidationError) as refused:
        update_organization(organization, {"segregation_code": "07"})
    assert "già emesso avvisi" in str(refused.value)


def test_identity_can_be_corrected_before_any_notice(manager_client, organization):
    manager_client.post(page_url(organization), form_data(organization,
                                                          segregation_code="07"))
    assert fresh(organization).segregation_code == "07"


def test_fields_outside_the_page_are_refused_by_the_domain(organization):
    with pytest.raises(ValueError):
        update_organization(organization, {"next_iuv_base": 99})
    with pytest.raises(ValueError):
        update_organization(organization, {"station_id": "x"})


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(buffer, "PNG")
    return buffer.getvalue()


def test_logo_upload(manager_client, organization, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    data = form_data(organization)
    data["logo"] = SimpleUploadedFile("stemma.png", png(), content_type="image/png")
    assert manager_client.post(page_url(organization), data).status_code == 302
    saved = fresh(organization)
    assert saved.logo.name.startswith("logos/stemma")
    assert AuditEntry.objects.get().data["after"] == {"logo": saved.logo.name}
    data = form_data(organization)
    data["logo"] = SimpleUploadedFile("stemma.png", b"<svg/>", content_type="image/png")
    response = manager_client.post(page_url(organization), data)
    assert response.status_code == 400
    assert fresh(organization).logo.name == saved.logo.name


def test_the_admin_no_longer_edits_what_the_back_office_does(admin_client, organization):
    page = admin_client.get(reverse("admin:organizations_organization_change",
                                    args=[organization.pk])).content.decode()
    assert 'name="iban"' not in page and 'name="local_registration"' not in page
    assert 'name="station_id"' in page  # the installation's, still the superuser's
    assert 'name="iban"' in admin_client.get(
        reverse("admin:organizations_organization_add")).content.decode()
