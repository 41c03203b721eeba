"""Staff with SPID/CIE: the staff member whose codice fiscale is the identity's enters the
back office without a TOTP code; anybody else is told why and stays out."""

from __future__ import annotations

import base64

import pytest
from django.urls import reverse
from lxml import etree

from audit.models import AuditEntry
from identity.demo_idp import Citizen
from organizations.models import StaffRole
from tests.backoffice.conftest import make_staff
from tests.identity.conftest import (  # noqa: F401 - fixtures
    MARIO,
    form_fields,
    idp_keys,
    make_response,
    test_idp,
)

L1 = "https://www.spid.gov.it/SpidL1"


def spid_to_backoffice(client, organization, test_idp, citizen=MARIO, level=None):  # noqa: F811
    back = reverse("backoffice:identity_login", args=[organization.slug])
    start = client.get(reverse("identity_ente:spid_login", args=[organization.slug]),
                       {"idp": "test", "next": back})
    fields = form_fields(start.content.decode())
    request_id = etree.fromstring(base64.b64decode(fields["SAMLRequest"])).get("ID")
    kwargs = {"level": level} if level else {}
    posted = client.post(reverse("identity:spid_acs"), {
        "SAMLResponse": make_response(test_idp, request_id, "spid", citizen, **kwargs),
        "RelayState": organization.slug})
    completed = client.get(posted["Location"])
    assert completed["Location"] == back
    return client.get(back)


@pytest.fixture
def spid_staff(organization):
    user = make_staff(organization, "mario.staff@example.it", StaffRole.OPERATOR)
    user.fiscal_code = MARIO.fiscal_code
    user.save()
    return user


def test_the_login_page_offers_spid_coming_back_to_the_back_office(
        client, organization, test_idp):  # noqa: F811
    page = client.get(reverse("backoffice:login", args=[organization.slug])).content.decode()
    assert "Entra con SPID" in page
    assert "next=/comune-di-prova/backoffice/accedi/identita/" in page


def test_spid_lets_in_the_staff_member_of_that_code(
        client, organization, test_idp, spid_staff):  # noqa: F811
    response = spid_to_backoffice(client, organization, test_idp)
    assert response["Location"] == reverse("backoffice:home", args=[organization.slug])
    assert client.get(response["Location"]).status_code == 200
    assert int(client.session["_auth_user_id"]) == spid_staff.pk
    entry = AuditEntry.objects.get(action="staff.login")
    assert entry.actor == spid_staff and entry.data["method"] == "identity"


def test_spid_of_someone_not_in_the_staff_stays_out(
        client, organization, test_idp, spid_staff):  # noqa: F811
    anna = Citizen("BNCNNA80A41H501X", "Anna", "Bianchi", "anna@spid.example")
    response = spid_to_backoffice(client, organization, test_idp, citizen=anna)
    assert response.status_code == 200
    assert "Nessun componente dello staff" in response.content.decode()
    assert client.get(reverse("backoffice:home", args=[organization.slug])).status_code == 404
    assert AuditEntry.objects.filter(action="staff.login_failed").exists()


def test_spid_level_1_is_not_enough(
        client, organization, test_idp, spid_staff):  # noqa: F811
    organization.spid_level = L1
    organization.save()
    response = spid_to_backoffice(client, organization, test_idp, level=L1)
    assert "livello 2 o 3" in response.content.decode()
    home = client.get(reverse("backoffice:home", args=[organization.slug]))
    assert home.status_code in (302, 404)


def test_without_a_fresh_identity_the_door_sends_to_the_login(client, organization,
                                                             spid_staff):
    client.force_login(spid_staff)
    response = client.get(reverse("backoffice:identity_login", args=[organization.slug]))
    assert response["Location"] == reverse("backoffice:login", args=[organization.slug])
    assert client.get(reverse("backoffice:home", args=[organization.slug])).status_code == 302
