"""Tokens: a responsabile creates one and sees it once, lists and revokes; audited; only a
hash is stored; the demo token of make run."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command

from api.models import ApiToken
from api.tokens import authenticate, hash_secret
from audit.models import AuditEntry
from tests.api.conftest import Api

pytestmark = pytest.mark.django_db


def test_a_responsabile_creates_sees_once_and_revokes(manager_client, organization, client):
    url = f"/{organization.slug}/backoffice/token-api/"
    page = manager_client.post(url, {"name": "Gestionale tributi"})
    assert page.status_code == 200
    raw = re.search(r'value="(spt_[^"]+)"', page.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert token.secret_hash == hash_secret(raw) and raw not in str(vars(token))
    assert "no-store" in page["Cache-Control"]
    listing = manager_client.get(url).content.decode()
    assert "Gestionale tributi" in listing and raw not in listing
    assert authenticate(raw) == token

    revoke = f"{url}{token.pk}/revoca/"
    assert manager_client.get(revoke).status_code == 200
    assert manager_client.post(revoke).status_code == 302
    assert authenticate(raw) is None
    assert Api(client, raw).get("/positions/1").status_code == 401
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert actions[-2:] == ["api_token.created", "api_token.revoked"]


def test_the_form_keeps_what_was_typed_and_explains(manager_client, organization):
    page = manager_client.post(f"/{organization.slug}/backoffice/token-api/", {"name": ""})
    assert page.status_code == 200 and ApiToken.objects.count() == 0
    assert "obbligatorio" in page.content.decode()


def test_an_operatore_cannot_and_another_ente_sees_404(operator_client, organization,
                                                       other_organization):
    from api.tokens import issue_token

    assert operator_client.get(
        f"/{organization.slug}/backoffice/token-api/").status_code == 403
    other, _raw = issue_token(other_organization, "Altro")
    from tests.backoffice.conftest import login_staff, make_staff

    manager = make_staff(organization, "capo@example.it", "responsabile")
    login_staff(operator_client, manager)
    response = operator_client.post(
        f"/{organization.slug}/backoffice/token-api/{other.pk}/revoca/")
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.revoked_at is None


def test_seed_demo_publishes_a_working_token(client):
    from demo.management.commands.seed_demo import DEMO_API_TOKEN

    call_command("seed_demo", "--demo-api-token", verbosity=0)
    call_command("seed_demo", "--demo-api-token", verbosity=0)
    assert ApiToken.objects.count() == 1
    response = Api(client, DEMO_API_TOKEN).get("/positions/by-reference/TS-2026-09")
    assert response.status_code == 200, response.content


def test_seed_demo_without_the_flag_publishes_none(db):
    call_command("seed_demo", verbosity=0)
    assert ApiToken.objects.count() == 0
