"""Issue 11 item 6: an Ente configuration pagoPA would reject is refused when saved
(model validation, so the admin and the back office refuse the same): fiscal code check
digit, segregation code 00–45 minus the reserved ones, IBANs, taxonomy codes."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from organizations.models import Organization
from positions.models import Transfer
from tests.conftest import SPEC_DIR

pytestmark = pytest.mark.django_db
TAXONOMY_SAMPLE = SPEC_DIR / "tassonomia" / "taxonomy-sample.csv"


def errors_of(instance, **changes) -> dict[str, list[str]]:
    for name, value in changes.items():
        setattr(instance, name, value)
    with pytest.raises(ValidationError) as caught:
        instance.full_clean()
    return caught.value.message_dict


def test_the_fixture_ente_is_valid(organization):
    organization.full_clean()


def test_fiscal_code_with_a_wrong_check_digit_is_refused(organization):
    errors = errors_of(organization, fiscal_code="80000120017")
    assert errors["fiscal_code"] == [
        "Il codice fiscale dell'Ente non è valido: la cifra di controllo non torna."]


@pytest.mark.parametrize("code", ["46", "49", "50"])
def test_segregation_code_above_45_is_refused(organization, code):
    assert "da 00 a 45" in errors_of(organization, segregation_code=code)["segregation_code"][0]


@pytest.mark.parametrize("code", ["47", "81", "85", "96", "97", "98", "99"])
def test_reserved_segregation_codes_are_refused(organization, code):
    message = errors_of(organization, segregation_code=code)["segregation_code"][0]
    assert f"{code} è riservato" in message


@pytest.mark.parametrize("code", ["00", "01", "45"])
def test_segregation_codes_in_range_are_accepted(organization, code):
    organization.segregation_code = code
    organization.full_clean()


def test_bank_iban_with_bad_check_digits_is_refused(organization):
    assert "IBAN non è valido" in errors_of(
        organization, iban="IT60X0542811101000000123457")["iban"][0]


def test_postal_iban_must_be_a_poste_account(organization):
    message = errors_of(organization, postal_iban=organization.iban)["postal_iban"][0]
    assert "conto corrente postale" in message
    organization.postal_iban = "IT71A0760103200000012345678"
    organization.full_clean()


@pytest.mark.parametrize("code", ["0101002IM", "9/0101002IM", "5/0101002IM/", "9/0101002XX/"])
def test_taxonomy_code_needs_its_prefix_and_shape(service, code):
    message = errors_of(service, taxonomy_code=code)["taxonomy_code"][0]
    assert "serve il prefisso" in message


def test_taxonomy_code_checked_against_the_published_file(service, settings):
    settings.PAGOPA_TAXONOMY_FILE = str(TAXONOMY_SAMPLE)
    message = errors_of(service, taxonomy_code="9/0101002IM/")["taxonomy_code"][0]
    assert "non è nella tassonomia pagoPA" in message
    for code in ("9/0102100SA/", "6/0102100SA/"):  # in the file; any prefix names it
        service.taxonomy_code = code
        service.full_clean()


def test_taxonomy_code_outside_its_validity_dates(service, settings, tmp_path):
    header = TAXONOMY_SAMPLE.read_text(encoding="utf-8").splitlines()[0]
    expired = tmp_path / "taxonomy.csv"
    expired.write_text(header + "\n" + ";" * 10 + "9/0101100IM/;01/01/2000;12/31/2001;;0\n",
                       encoding="utf-8")
    settings.PAGOPA_TAXONOMY_FILE = str(expired)
    assert "non è valido oggi" in errors_of(
        service, taxonomy_code="9/0101100IM/")["taxonomy_code"][0]


def test_transfers_are_checked_as_services(make_position, settings):
    transfer = make_position().options.get().transfers.get()
    settings.PAGOPA_TAXONOMY_FILE = str(TAXONOMY_SAMPLE)
    assert "taxonomy_code" in errors_of(transfer)
    assert isinstance(transfer, Transfer)


def test_organizations_created_through_the_admin_are_refused(admin_client):
    response = admin_client.post("/admin/organizations/organization/add/", {
        "slug": "comune-x", "fiscal_code": "80000120017", "name": "Comune X",
        "segregation_code": "47", "broker_id": "80000120016", "station_id": "80000120016_01",
        "iban": "IT60X0542811101000000123456", "spid_level": "https://www.spid.gov.it/SpidL2"})
    page = response.content.decode()
    assert response.status_code == 200
    assert "la cifra di controllo non torna" in page and "47 è riservato" in page
    assert not Organization.objects.filter(slug="comune-x").exists()
