"""Every portal URL that takes an id answers 404 for what is not the payer's: another
payer's position, another Ente's position or service, a service not offered."""

import pytest
from django.urls import reverse

from accounts.models import User
from catalog.models import Service
from positions.models import Debtor
from tests.positions.conftest import claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def stranger_position(make_position, organization):
    """A position of another debtor, claimed by another account."""
    other = User.objects.create_user("anna@example.it", "Password-lunga-123")
    debtor = Debtor.objects.create(organization=organization, fiscal_code="VRDNNA85M41F205X",
                                   full_name="Anna Verdi")
    return claim(other, make_position(debtor=debtor, reference="ALTRA-1"))


@pytest.fixture
def other_ente_position(make_position, other_organization, payer):
    from catalog.models import Service

    service = Service.objects.create(organization=other_organization, code="tari",
                                     name="TARI", taxonomy_code="9/0102106TS/",
                                     spontaneous_allowed=True, fixed_amount_cents=100)
    debtor = Debtor.objects.create(organization=other_organization,
                                   fiscal_code="RSSMRA80E12H501I", full_name="Mario Rossi")
    # claimed by the payer, but on the other Ente: not visible under this Ente's URL
    return claim(payer, make_position(organization=other_organization, debtor=debtor,
                                      service=service, reference="TARI-1"))


def test_position_detail_of_someone_else_is_404(logged_in, organization, stranger_position,
                                                other_ente_position):
    for position in (stranger_position, other_ente_position):
        url = reverse("positions:detail", args=[organization.slug, position.pk])
        assert logged_in.get(url).status_code == 404
    assert logged_in.get(reverse("positions:detail", args=[organization.slug, 999999])
                         ).status_code == 404


def test_own_position_detail_is_200_with_installments_and_actions(logged_in, organization,
                                                                  own_position):
    url = reverse("positions:detail", args=[organization.slug, own_position.pk])
    response = logged_in.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'form="pay-row-{own_position.options.get().pk}"' in html


def test_spontaneous_form_of_another_ente_or_a_closed_service_is_404(
        logged_in, organization, other_ente_position, service):
    for code in ("tari", service.code, "non-esiste"):
        url = reverse("positions:spontaneous_form", args=[organization.slug, code])
        assert logged_in.get(url).status_code == 404
        assert logged_in.post(url, {"token": "6f1c2d9e-8a5b-4c3d-9e2f-1a2b3c4d5e6f"}
                              ).status_code == 404


def test_paying_someone_elses_option_is_refused(logged_in, organization, stranger_position):
    home = reverse("positions:home", args=[organization.slug])
    option = stranger_position.options.get()
    response = logged_in.post(reverse("payments:start", args=[organization.slug]),
                              {"option": [option.pk], "next": home}, follow=True)
    assert "non è disponibile per il pagamento" in response.content.decode()


def test_pages_need_login(client, organization, own_position):
    service = Service.objects.create(organization=organization, code="pass", name="Pass",
                                     taxonomy_code="9/0102106TS/", spontaneous_allowed=True,
                                     fixed_amount_cents=100)
    urls = [reverse(name, args=[organization.slug]) for name in (
        "positions:home", "positions:history", "positions:history_export",
        "positions:spontaneous_services")]
    urls += [reverse("positions:spontaneous_form", args=[organization.slug, service.code]),
             reverse("positions:detail", args=[organization.slug, own_position.pk])]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 302, url
        assert "/accedi/" in response["Location"]


def test_portal_pages_have_no_inline_code(logged_in, organization, own_position):
    import re

    service = Service.objects.create(organization=organization, code="pass", name="Pass",
                                     taxonomy_code="9/0102106TS/", spontaneous_allowed=True,
                                     fixed_amount_cents=100, instructions="<p>Ok</p>")
    urls = [reverse(name, args=[organization.slug]) for name in (
        "positions:home", "positions:history", "positions:spontaneous_services")]
    urls += [reverse("positions:spontaneous_form", args=[organization.slug, service.code]),
             reverse("positions:detail", args=[organization.slug, own_position.pk])]
    for url in urls:
        response = logged_in.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), url
        assert "<style" not in html and not re.search(r"\sstyle=", html), url
        assert not re.search(r"\son[a-z]+=", html), url
        assert "no-store" in response["Cache-Control"], url


def test_what_a_payer_may_see_is_read_without_joining_the_claims(
        payer, organization, make_position, stranger_position, other_ente_position):
    """The claims are read as a list of ids first, like the account's own positions: a
    join to them inside the OR made every subquery of this rule (the quietanza's) read all
    the Ente's positions. The same positions are visible as before."""
    from types import SimpleNamespace

    from positions.access import visible_positions
    from positions.models import PositionClaim

    followed = claim(payer, make_position(reference="SEGUITA-1"),
                     source=PositionClaim.Source.SEARCH)
    created = claim(payer, make_position(reference="CREATA-1"))
    request = SimpleNamespace(organization=organization, session={}, user=payer)
    visible = visible_positions(request)
    assert "positionclaim" not in str(visible.query).lower()
    assert set(visible) == {followed, created}
    assert stranger_position not in visible and other_ente_position not in visible
