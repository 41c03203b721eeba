"""A declared codice fiscale counts only once verified, and per Ente: by a notice the
Ente issued to it, or by that Ente's staff; SPID/CIE certifies it for every Ente."""

from __future__ import annotations

import pytest
from django.test import override_settings

from accounts.models import FiscalCodeVerification
from positions.access import account_positions
from positions.models import Debtor
from tests.accounts.conftest import url

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged(client, payer):
    client.force_login(payer)
    return client


def verify(client, organization, reference):
    return client.post(url("accounts:verify_fiscal_code", organization),
                       {"reference": reference})


def test_unverified_account_lists_nothing_and_says_why(logged, organization, payer,
                                                       make_position):
    make_position()
    assert list(account_positions(payer, organization)) == []
    page = logged.get(url("positions:home", organization)).content.decode()
    assert "Codice fiscale dichiarato, non verificato" in page
    assert "Qui vedi solo i pagamenti che hai inserito tu" in page
    assert "Trasporto scolastico" not in page


def test_the_notice_number_verifies_and_the_positions_appear(logged, organization, payer,
                                                             make_position):
    position = make_position()
    option = position.options.get()
    response = verify(logged, organization, option.notice_number)
    assert response.url == url("positions:home", organization)
    verification = FiscalCodeVerification.objects.get(user=payer)
    assert verification.fiscal_code == payer.fiscal_code
    assert verification.method == "notice" and verification.organization == organization
    assert list(account_positions(payer, organization)) == [position]
    page = logged.get(url("positions:home", organization)).content.decode()
    assert "Trasporto scolastico mese di Settembre" in page


def test_the_iuv_verifies_too(logged, organization, payer, make_position):
    option = make_position().options.get()
    verify(logged, organization, option.iuv)
    assert payer.fiscal_code_verified_at(organization)


def test_a_notice_of_someone_else_does_not_verify(logged, organization, payer, make_position,
                                                 service):
    other = Debtor.objects.create(organization=organization, fiscal_code="BNCLRD70A01F205Y",
                                  full_name="Leonardo Bianchi")
    option = make_position(debtor=other, reference="ALTRO").options.get()
    response = verify(logged, organization, option.notice_number)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Codice fiscale non verificato." in page
    assert not FiscalCodeVerification.objects.exists()


def test_a_notice_of_another_ente_does_not_verify(client, other_organization, payer,
                                                  make_position):
    option = make_position().options.get()
    client.force_login(payer)
    verify(client, other_organization, option.notice_number)
    assert not FiscalCodeVerification.objects.exists()


@override_settings(ACCOUNT_VERIFY_RATE="3/h")
def test_wrong_answers_are_rate_limited(logged, organization, payer, make_position):
    option = make_position().options.get()
    for n in range(3):
        verify(logged, organization, f"30100000000000000{n}")
    response = verify(logged, organization, option.notice_number)
    assert response.status_code == 429
    assert not FiscalCodeVerification.objects.exists()


def test_staff_verify_per_ente_in_the_admin_and_who_is_recorded(
        admin_client, admin_user, payer, make_position, organization, other_organization):
    from catalog.models import Service

    position = make_position()
    other_service = Service.objects.create(organization=other_organization, code="tari",
                                           name="TARI", taxonomy_code="9/0102106TS/")
    other_debtor = Debtor.objects.create(organization=other_organization,
                                         fiscal_code=payer.fiscal_code, full_name="Mario Rossi")
    elsewhere = make_position(organization=other_organization, service=other_service,
                              debtor=other_debtor, reference="ALTROVE")
    response = admin_client.post("/admin/accounts/fiscalcodeverification/add/", {
        "user": payer.pk, "organization": organization.pk, "evidence": "CI AX1234567"})
    assert response.status_code == 302
    verification = FiscalCodeVerification.objects.get(user=payer)
    assert verification.method == "staff" and verification.verified_by == admin_user
    assert verification.organization == organization
    assert verification.fiscal_code == payer.fiscal_code
    assert list(account_positions(payer, organization)) == [position]
    # staff verification is per Ente: the other Ente's positions stay closed
    assert list(account_positions(payer, other_organization)) == []
    assert elsewhere.debtor.fiscal_code == payer.fiscal_code


def test_staff_verification_needs_an_ente(admin_client, payer):
    response = admin_client.post("/admin/accounts/fiscalcodeverification/add/", {
        "user": payer.pk, "organization": "", "evidence": ""})
    assert response.status_code == 200
    assert not FiscalCodeVerification.objects.exists()


def test_admin_user_page_shows_the_verifications(admin_client, payer, organization):
    FiscalCodeVerification.objects.create(user=payer, fiscal_code=payer.fiscal_code,
                                          method="staff", organization=organization)
    page = admin_client.get(f"/admin/accounts/user/{payer.pk}/change/").content.decode()
    assert "verifiche del codice fiscale" in page.lower()


# --- Only superusers reach the admin (sportello.admin_site): staff are sent to its login ---

@pytest.fixture
def staff_client(client, db):
    """A staff user (not superuser) holding every model permission: staff of any Ente."""
    from django.contrib.auth.models import Permission

    from accounts.models import User

    staff = User.objects.create_user("impiegato@example.it", "Password-lunga-123",
                                     is_staff=True)
    staff.user_permissions.set(Permission.objects.all())
    client.force_login(staff)
    return client


def test_plain_staff_cannot_verify_a_fiscal_code(staff_client, payer, organization):
    add = "/admin/accounts/fiscalcodeverification/add/"
    assert staff_client.get(add)["Location"].startswith("/admin/login/")
    response = staff_client.post(add, {"user": payer.pk, "organization": organization.pk,
                                       "evidence": "CI AX1234567"})
    assert response["Location"].startswith("/admin/login/")
    assert not FiscalCodeVerification.objects.exists()
    assert list(account_positions(payer, organization)) == []


def test_plain_staff_cannot_withdraw_a_verification(staff_client, payer, organization):
    verification = FiscalCodeVerification.objects.create(
        user=payer, fiscal_code=payer.fiscal_code, method="staff", organization=organization)
    response = staff_client.post(
        f"/admin/accounts/fiscalcodeverification/{verification.pk}/delete/", {"post": "yes"})
    assert response["Location"].startswith("/admin/login/")
    assert FiscalCodeVerification.objects.filter(pk=verification.pk).exists()
