"""A payer downloads their data (JSON and PDF) and closes their account; positions and
receipts stay with the Ente."""

from __future__ import annotations

import io
import json

import pdfplumber
import pytest
from django.urls import reverse

from accounts.models import FiscalCodeVerification, User
from positions.models import PaymentPosition, PositionClaim

pytestmark = pytest.mark.django_db
PASSWORD = "Password-lunga-123"


@pytest.fixture
def own(make_position, payer, organization):
    FiscalCodeVerification.objects.create(user=payer, fiscal_code=payer.fiscal_code,
                                          organization=organization, method="staff")
    position = make_position()
    PositionClaim.objects.create(user=payer, position=position, source="search")
    return position


def test_the_payer_downloads_their_data_as_json_and_pdf(client, organization, payer, own):
    client.force_login(payer)
    profile = client.get(reverse("accounts:profile", args=[organization.slug])).content.decode()
    json_url = reverse("documents:personal-data-json", args=[organization.slug])
    pdf_url = reverse("documents:personal-data-pdf", args=[organization.slug])
    assert json_url in profile and pdf_url in profile
    response = client.get(json_url)
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["utenza"]["email"] == payer.email
    assert data["utenza"]["fiscal_code"] == "RSSMRA80E12H501I"
    option = own.options.get()
    assert data["pratiche"][0]["importi"][0]["iuv"] == option.iuv
    assert data["verifiche_codice_fiscale"][0]["metodo"] == "staff"
    pdf = client.get(pdf_url)
    assert pdf["Content-Type"] == "application/pdf"
    with pdfplumber.open(io.BytesIO(pdf.content)) as doc:
        text = "".join(page.extract_text() for page in doc.pages)
    assert payer.email in text and option.iuv in text and "22,00" in text


def test_data_downloads_need_a_login(client, organization):
    url = reverse("documents:personal-data-json", args=[organization.slug])
    assert client.get(url).status_code == 302


def test_the_payer_closes_their_account_and_the_ente_keeps_the_positions(
        client, organization, payer, own):
    client.force_login(payer)
    url = reverse("accounts:close", args=[organization.slug])
    page = client.get(url).content.decode()
    assert "restano conservati per il tempo previsto dalla" in page
    wrong = client.post(url, {"password": "sbagliata", "confirm": "on"})
    assert wrong.status_code == 200
    assert User.objects.get(pk=payer.pk).is_active
    done = client.post(url, {"password": PASSWORD, "confirm": "on"})
    assert done.status_code == 302
    assert done["Location"] == reverse("positions:search", args=[organization.slug])
    closed = User.objects.get(pk=payer.pk)
    assert not closed.is_active and closed.closed_at is not None
    assert not closed.has_usable_password()
    assert closed.email.endswith(".invalid") and not closed.fiscal_code
    assert not closed.first_name and not closed.last_name
    assert not FiscalCodeVerification.objects.filter(user=closed).exists()
    assert not PositionClaim.objects.filter(user=closed).exists()
    assert PaymentPosition.objects.filter(pk=own.pk).exists()  # the Ente's record stays
    assert "_auth_user_id" not in client.session
    login = reverse("accounts:login", args=[organization.slug])
    again = client.post(login, {"username": "mario.rossi@example.it", "password": PASSWORD})
    assert again.status_code == 200  # nobody logs in with it any more
    # the address is free again for a new registration
    assert not User.objects.filter(email__iexact="mario.rossi@example.it").exists()


def test_a_spid_account_confirms_without_a_password(client, organization, payer):
    payer.set_unusable_password()
    payer.save()
    client.force_login(payer)
    url = reverse("accounts:close", args=[organization.slug])
    assert 'name="password"' not in client.get(url).content.decode()
    assert client.post(url, {}).status_code == 200  # the confirmation is required
    assert client.post(url, {"confirm": "on"}).status_code == 302
    assert not User.objects.get(pk=payer.pk).is_active
