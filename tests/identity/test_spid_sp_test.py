"""AgID's own checker, ``spid-sp-test`` (PyPI), against the live portal: SP metadata
(SPID and CIE profiles), the AuthnRequest, and its whole set of SAML responses posted to
our ACS (each must be accepted or refused as the SPID rules say).

spid-sp-test pins old versions of common packages, so it lives in its own virtualenv:
``var/spid-sp-test/`` (``.ci/run`` creates it) or ``SPID_SP_TEST`` naming the command.
Without it the test is skipped, except in CI where it must run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TOOL = (os.environ.get("SPID_SP_TEST") or shutil.which("spid_sp_test")
        or str(ROOT / "var" / "spid-sp-test" / "bin" / "spid_sp_test"))

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not Path(TOOL).exists() and os.environ.get("CI") != "true",
                       reason="spid-sp-test not installed (see this module's docstring)"),
]


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([TOOL, *args], cwd=cwd, capture_output=True, text=True,
                          timeout=540, check=False)


@pytest.fixture
def portal(settings, live_server, tmp_path, organization):
    """The live portal with spid-sp-test's IdP as the only identity provider."""
    organization.ipa_code = "c_h501"
    organization.municipality_code = "H501"
    organization.phone = "+39 06 1234567"
    organization.save()
    settings.SITE_URL = live_server.url
    settings.DEMO_IDP_ENABLED = False
    settings.IDENTITY_LOGIN_RATE = "100000/m"  # the tool starts a login per response test
    idp = run("--idp-metadata", cwd=tmp_path)
    assert idp.returncode == 0, idp.stderr
    metadata = tmp_path / "spid-sp-test-idp.xml"
    metadata.write_text(idp.stdout, encoding="utf-8")
    entity_id = idp.stdout.split('entityID="', 1)[1].split('"', 1)[0]
    entry = {"key": "spidsptest", "name": "spid-sp-test", "entity_id": entity_id,
             "metadata_file": str(metadata)}
    registry = tmp_path / "registry.json"
    registry.write_text(json.dumps({"spid": [entry], "cie": [entry]}), encoding="utf-8")
    settings.IDENTITY_REGISTRY_FILE = str(registry)
    return live_server.url


def test_spid_metadata_authn_request_and_responses_pass(portal, organization, tmp_path):
    result = run("--metadata-url", f"{portal}/spid/metadata/",
                 "--authn-url", f"{portal}/{organization.slug}/spid/accedi/?idp=spidsptest",
                 "--extra", "--test-response", cwd=tmp_path)
    failures = [line for line in (result.stdout + result.stderr).splitlines()
                if line.startswith(("ERROR", "CRITICAL"))]
    assert result.returncode == 0 and not failures, "\n".join(failures) or result.stderr[-3000:]


def test_cie_metadata_pass(portal, tmp_path):
    result = run("--metadata-url", f"{portal}/cie/metadata/", "--extra",
                 "--profile", "cie-sp-public", cwd=tmp_path)
    failures = [line for line in (result.stdout + result.stderr).splitlines()
                if line.startswith(("ERROR", "CRITICAL"))]
    assert result.returncode == 0 and not failures, "\n".join(failures) or result.stderr[-3000:]
