"""A test identity provider (its own TEST key, in the registry) and helpers that drive
the real login: GET *Entra con SPID*, read the signed AuthnRequest, post a response
signed by the test IdP to the ACS, follow the redirect that logs in."""

from __future__ import annotations

import base64
import json
import re
from html import unescape

import pytest
from django.urls import reverse
from lxml import etree

from identity import demo_idp, keys
from identity.demo_idp import Citizen
from identity.xml import SAMLP, q

TEST_IDP = "https://idp.test.example/metadata"
ROGUE_IDP = "https://rogue.test.example/metadata"
MARIO = Citizen("RSSMRA80E12H501I", "Mario", "Rossi", "mario.rossi@spid.example")
L2 = "https://www.spid.gov.it/SpidL2"


@pytest.fixture(scope="session")
def idp_keys(tmp_path_factory):
    folder = tmp_path_factory.mktemp("idp")
    return {
        "test": keys.ensure_pair(folder / "test.key", folder / "test.crt", "test IdP"),
        "rogue": keys.ensure_pair(folder / "rogue.key", folder / "rogue.crt", "rogue IdP"),
    }


@pytest.fixture
def test_idp(settings, idp_keys, tmp_path):
    """The registry holds the test IdP (SPID and CIE) only; no demo IdP."""
    settings.SITE_URL = "http://testserver"
    settings.DEMO_IDP_ENABLED = False
    metadata = tmp_path / "test-idp.xml"
    metadata.write_text(demo_idp.metadata_xml(idp_keys["test"], TEST_IDP), encoding="utf-8")
    entry = {"key": "test", "name": "Test IdP", "entity_id": TEST_IDP,
             "metadata_file": str(metadata), "logo": ""}
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps({"spid": [entry], "cie": [entry]}), encoding="utf-8")
    settings.IDENTITY_REGISTRY_FILE = str(registry)
    return idp_keys


def form_fields(html: str) -> dict[str, str]:
    return {name: unescape(value) for name, value in
            re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html)}


def start_login(client, organization, scheme: str = "spid", idp: str = "test"):
    """GET the login start: (the AuthnRequest element, the posted fields, the response)."""
    response = client.get(reverse(f"identity_ente:{scheme}_login", args=[organization.slug])
                          + f"?idp={idp}")
    assert response.status_code == 200, response.content
    fields = form_fields(response.content.decode())
    request = etree.fromstring(base64.b64decode(fields["SAMLRequest"]))
    assert request.tag == q(SAMLP, "AuthnRequest")
    return request, fields, response


def post_response(client, scheme: str, saml_response: str, follow: bool = True):
    response = client.post(reverse(f"identity:{scheme}_acs"),
                           {"SAMLResponse": saml_response, "RelayState": "x"})
    if follow and response.status_code == 302:
        return client.get(response["Location"])
    return response


def make_response(test_idp, request_id: str, scheme: str = "spid", citizen=MARIO,
                  level: str = L2, key: str = "test", **kwargs) -> str:
    kwargs.setdefault("issuer", TEST_IDP)
    return demo_idp.build_response(
        request_id=request_id, acs=f"http://testserver/{scheme}/acs/",
        audience=f"http://testserver/{scheme}/metadata/", citizen=citizen, level=level,
        pair=test_idp[key], **kwargs)


def login(client, organization, test_idp, scheme: str = "spid", citizen=MARIO, **kwargs):
    request, _fields, _page = start_login(client, organization, scheme)
    return post_response(client, scheme, make_response(test_idp, request.get("ID"), scheme,
                                                       citizen, **kwargs))
