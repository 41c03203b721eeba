"""The demo identity provider (development only), Single Logout, the Ente's switch that
turns local registration off, and production's refusal of the demo IdP."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import FiscalCodeLevel, User
from tests.identity.conftest import form_fields

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def demo(settings, tmp_path):
    """Only the demo IdP is offered (an empty registry file)."""
    settings.SITE_URL = "http://testserver"
    settings.DEMO_IDP_ENABLED = True
    registry = tmp_path / "registry.json"
    registry.write_text('{"spid": [], "cie": []}', encoding="utf-8")
    settings.IDENTITY_REGISTRY_FILE = str(registry)


def demo_login(client, organization, who: str = "RSSMRA80E12H501I"):
    start = client.get(reverse("identity_ente:spid_login", args=[organization.slug])
                       + "?idp=demo")
    assert start.status_code == 200
    listing = client.post("/demo-idp/sso/", form_fields(start.content.decode()))
    assert listing.status_code == 200
    page = listing.content.decode()
    chosen = client.post("/demo-idp/scegli/", {**form_fields(page), "citizen": who})
    assert chosen.status_code == 200
    answer = client.post("/spid/acs/", form_fields(chosen.content.decode()))
    assert answer.status_code == 302, answer.content
    return page, client.get(answer["Location"])


def test_the_demo_idp_lists_the_demo_citizens_and_logs_mario_in(client, organization, demo,
                                                                make_position):
    make_position()
    page, response = demo_login(client, organization)
    assert "Mario Rossi" in page and "chiave di TEST" in page
    assert response.status_code == 302
    user = User.objects.get()
    assert user.fiscal_code_level == FiscalCodeLevel.CERTIFIED
    home = client.get(response["Location"]).content.decode()
    assert "Trasporto scolastico mese di Settembre" in home


def test_the_demo_idp_refuses_a_citizen_not_listed(client, organization, demo, debtor):
    start = client.get(reverse("identity_ente:spid_login", args=[organization.slug])
                       + "?idp=demo")
    listing = client.post("/demo-idp/sso/", form_fields(start.content.decode()))
    chosen = client.post("/demo-idp/scegli/", {**form_fields(listing.content.decode()),
                                               "citizen": "BNCGLI92S43F205B"})
    assert chosen.status_code == 400
    assert not User.objects.exists()


def test_the_demo_idp_is_off_when_disabled(client, organization, settings, debtor):
    settings.DEMO_IDP_ENABLED = False
    assert client.get("/demo-idp/metadata/").status_code == 404
    assert client.post("/demo-idp/sso/", {"SAMLRequest": ""}).status_code == 404
    page = client.get(reverse("accounts:login", args=[organization.slug])).content.decode()
    assert "IdP demo" not in page


def test_the_login_page_offers_spid_and_cie(client, organization, demo):
    page = client.get(reverse("accounts:login", args=[organization.slug])).content.decode()
    assert "Entra con SPID" in page and "Entra con CIE" in page
    assert reverse("identity_ente:spid_login", args=[organization.slug]) + "?idp=demo" in page
    assert "<script" not in page.split("<main", 1)[1].split("</main>")[0]  # CSP: no inline


def test_single_logout_through_the_idp_and_local_logout(client, organization, demo, debtor):
    _page, done = demo_login(client, organization)
    header = client.get(done["Location"]).content.decode()
    logout_url = reverse("identity_ente:spid_logout", args=[organization.slug])
    assert f'action="{logout_url}"' in header  # *Esci* goes through Single Logout
    out = client.post(reverse("identity_ente:spid_logout", args=[organization.slug]))
    assert "_auth_user_id" not in client.session  # local logout always
    fields = form_fields(out.content.decode())
    assert "SAMLRequest" in fields
    back = client.post("/demo-idp/slo/", fields)
    assert back.status_code == 200
    final = client.post("/spid/ls/", form_fields(back.content.decode()))
    assert final.status_code == 302
    assert final["Location"] == reverse("positions:search", args=[organization.slug])


def test_local_registration_can_be_turned_off(client, organization, demo):
    from tests.accounts.conftest import PERSON

    organization.local_registration = False
    organization.save()
    page = client.get(reverse("accounts:register", args=[organization.slug])).content.decode()
    assert "entra con SPID o CIE" in page and "Entra con SPID" in page
    refused = client.post(reverse("accounts:register", args=[organization.slug]),
                          {"fiscal_code": "RSSMRA80E12H501I"})
    assert refused.status_code == 403 and "Entra con SPID" in refused.content.decode()
    session = client.session
    session["register_fiscal_code"] = "RSSMRA80E12H501I"
    session.save()
    refused = client.post(reverse("accounts:register_details", args=[organization.slug]),
                          PERSON)
    assert refused.status_code == 403
    assert not User.objects.exists()
    login_page = client.get(reverse("accounts:login", args=[organization.slug]))
    assert reverse("accounts:register", args=[organization.slug]) not in (
        login_page.content.decode())


def test_local_registration_stays_on_by_default(client, organization, demo):
    page = client.get(reverse("accounts:register", args=[organization.slug])).content.decode()
    assert 'name="fiscal_code"' in page


def test_production_refuses_the_demo_idp(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "sportello.settings.production",
           "SECRET_KEY": "x" * 20 + "a-very-long-random-production-secret-key-0123456789",
           "SITE_URL": "https://pagamenti.comune.example",
           "ALLOWED_HOSTS": "pagamenti.comune.example", "SPORTELLO_VAR_DIR": str(tmp_path),
           "PAGOPA_NODE_ALLOWED_IPS": "203.0.113.0/24", "DEMO_IDP_ENABLED": "true",
           "PAGOPA_NODE_SECRET": "Node-shared-secret-for-the-tests-0123456789"}
    env.pop("DATABASE_URL", None)
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode != 0
    assert "DEMO_IDP_ENABLED" in result.stderr
    env["DEMO_IDP_ENABLED"] = "false"
    result = subprocess.run([sys.executable, "-c", (
        "import django; django.setup(); from django.conf import settings; "
        "print(settings.DEMO_IDP_ENABLED, settings.SPID_REQUIRE_KEY_FILES)")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False)
    assert result.stdout.strip() == "False True", result.stderr


@pytest.mark.django_db(transaction=True)
def test_fetch_metadata_offers_the_idp_once_its_metadata_are_held(settings, live_server,
                                                                  tmp_path, client,
                                                                  organization):
    import json

    from django.core.management import call_command

    from identity import demo_idp, registry

    settings.SITE_URL = live_server.url
    settings.DEMO_IDP_ENABLED = True  # serves the metadata the command downloads
    settings.VAR_DIR = tmp_path
    entry = {"key": "local", "name": "Local IdP", "entity_id": demo_idp.entity_id(),
             "metadata_url": f"{live_server.url}/demo-idp/metadata/"}
    wrong = {"key": "wrong", "name": "Wrong", "entity_id": "https://elsewhere.example/",
             "metadata_url": f"{live_server.url}/demo-idp/metadata/"}
    path = tmp_path / "registry.json"
    path.write_text(json.dumps({"spid": [entry, wrong], "cie": []}), encoding="utf-8")
    settings.IDENTITY_REGISTRY_FILE = str(path)
    assert [idp.key for idp in registry.providers("spid")] == ["demo"]
    with pytest.raises(SystemExit):  # the wrong entityID is refused, the other stored
        call_command("identity_fetch_metadata")
    assert [idp.key for idp in registry.providers("spid")] == ["local", "demo"]
    assert (tmp_path / "identity" / "metadata" / "spid-local.xml").is_file()
    assert not (tmp_path / "identity" / "metadata" / "spid-wrong.xml").exists()
