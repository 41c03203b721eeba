"""SPID/CIE login through the real views with responses signed by a test IdP key:
success and accounts (issue 10 items 1, 2 and 4), then every bad response refused with
an Italian page, a security log line and no account created or changed."""

from __future__ import annotations

import base64
import datetime
import logging
import secrets

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import FiscalCodeLevel, FiscalCodeVerification, User
from identity.demo_idp import Citizen
from identity.models import AuthnRequestRecord
from tests.core.test_security_events import events
from tests.identity.conftest import (
    L2,
    MARIO,
    ROGUE_IDP,
    login,
    make_response,
    post_response,
    start_login,
)

pytestmark = pytest.mark.django_db

SETTEMBRE = "Trasporto scolastico mese di Settembre"
PASSWORD = "Password-lunga-123"


def home(client, organization):
    return client.get(reverse("positions:home", args=[organization.slug]))


# --- Success and accounts ---------------------------------------------------------------

def test_first_spid_login_creates_a_certified_account_that_sees_its_positions(
        client, organization, test_idp, make_position):
    make_position()
    response = login(client, organization, test_idp)
    assert response.status_code == 302
    assert response["Location"] == reverse("positions:home", args=[organization.slug])
    user = User.objects.get(fiscal_code=MARIO.fiscal_code)
    assert user.fiscal_code_level == FiscalCodeLevel.CERTIFIED
    assert user.email == MARIO.email
    assert (user.first_name, user.last_name) == ("Mario", "Rossi")
    assert not user.has_usable_password()
    assert user.fiscal_code_verifications.get().method == FiscalCodeVerification.Method.SPID
    page = home(client, organization).content.decode()
    assert SETTEMBRE in page  # no verification step
    assert "Codice fiscale da verificare" not in page


def test_certified_code_opens_the_positions_at_every_ente(
        client, organization, other_organization, test_idp, make_position):
    from catalog.models import Service
    from positions.models import Debtor

    service = Service.objects.create(organization=other_organization, code="tari", name="TARI",
                                     taxonomy_code="9/0101005TS/")
    debtor = Debtor.objects.create(organization=other_organization,
                                   fiscal_code=MARIO.fiscal_code, full_name="Mario Rossi")
    make_position(organization=other_organization, service=service, debtor=debtor,
                  causale="TARI 2026 rata unica", reference="TARI-2026")
    login(client, organization, test_idp)
    assert "TARI 2026 rata unica" in home(client, other_organization).content.decode()


def test_a_later_login_finds_the_same_account(client, organization, test_idp):
    login(client, organization, test_idp)
    client.post(reverse("accounts:logout_all", args=[organization.slug]))
    login(client, organization, test_idp)
    assert User.objects.filter(fiscal_code=MARIO.fiscal_code).count() == 1
    assert client.session["_auth_user_id"] == str(User.objects.get().pk)


def test_cie_login_works_the_same_way(client, organization, test_idp, make_position):
    make_position()
    request, _fields, _page = start_login(client, organization, "cie")
    assert request.get("AssertionConsumerServiceURL") == "http://testserver/cie/acs/"
    response = post_response(client, "cie", make_response(
        test_idp, request.get("ID"), "cie", level="https://www.spid.gov.it/SpidL3"))
    assert response.status_code == 302
    assert User.objects.get().fiscal_code_level == FiscalCodeLevel.CERTIFIED
    assert SETTEMBRE in home(client, organization).content.decode()


def test_a_local_account_logged_in_here_is_linked_not_duplicated(
        client, organization, test_idp, payer):
    assert client.post(reverse("accounts:login", args=[organization.slug]),
                       {"username": payer.email, "password": PASSWORD}).status_code == 302
    response = login(client, organization, test_idp)
    assert response.status_code == 302
    assert User.objects.count() == 1
    payer.refresh_from_db()
    assert payer.fiscal_code_level == FiscalCodeLevel.CERTIFIED
    assert payer.has_usable_password()  # still logs in with its password too


def test_a_local_account_logging_in_after_spid_is_linked_too(client, organization, test_idp,
                                                              payer):
    login(client, organization, test_idp, citizen=Citizen(
        MARIO.fiscal_code, "Mario", "Rossi", "altro@spid.example"))
    client.post(reverse("accounts:add_account", args=[organization.slug]),
                {"username": payer.email, "password": PASSWORD})
    assert client.session["_auth_user_id"] == str(payer.pk)
    payer.refresh_from_db()
    assert payer.fiscal_code_level == FiscalCodeLevel.CERTIFIED
    assert payer.fiscal_code_verifications.get().method == FiscalCodeVerification.Method.SPID


def test_a_local_account_not_logged_in_here_is_left_alone(client, organization, test_idp,
                                                          payer):
    login(client, organization, test_idp, citizen=Citizen(
        MARIO.fiscal_code, "Mario", "Rossi", payer.email))
    payer.refresh_from_db()
    assert payer.fiscal_code_level == FiscalCodeLevel.DECLARED
    spid_user = User.objects.exclude(pk=payer.pk).get()
    # The email belongs to the local account: the new one gets none until confirmed.
    assert spid_user.email.endswith("@senza-email.invalid")


def test_several_accounts_in_one_browser_across_both_kinds(client, organization, test_idp):
    other = User.objects.create_user("giulia@example.it", PASSWORD, first_name="Giulia",
                                     last_name="Bianchi", fiscal_code="BNCGLI92S43F205B")
    client.post(reverse("accounts:login", args=[organization.slug]),
                {"username": other.email, "password": PASSWORD})
    login(client, organization, test_idp)
    mario = User.objects.get(fiscal_code=MARIO.fiscal_code)
    assert client.session["_auth_user_id"] == str(mario.pk)
    held = [entry["id"] for entry in client.session["held_accounts"]]
    assert held == [other.pk, mario.pk]
    client.post(reverse("accounts:switch", args=[organization.slug]), {"user": other.pk})
    assert client.session["_auth_user_id"] == str(other.pk)
    client.post(reverse("accounts:switch", args=[organization.slug]), {"user": mario.pk})
    assert client.session["_auth_user_id"] == str(mario.pk)


def test_no_email_attribute_asks_for_one(client, organization, test_idp):
    response = login(client, organization, test_idp,
                     citizen=Citizen(MARIO.fiscal_code, "Mario", "Rossi", ""))
    assert response.status_code == 302
    assert User.objects.get().email.endswith("@senza-email.invalid")
    page = client.get(response["Location"]).content.decode()
    assert "non ha ancora un&#x27;email" in page


def test_an_account_without_email_adds_one_confirmed_by_link(client, organization, test_idp):
    from tests.accounts.conftest import emails_to, link_in

    login(client, organization, test_idp,
          citizen=Citizen(MARIO.fiscal_code, "Mario", "Rossi", ""))
    profile = client.get(reverse("accounts:profile", args=[organization.slug]))
    assert "Cambia password" not in profile.content.decode()  # there is none
    sent = client.post(reverse("accounts:email_change", args=[organization.slug]),
                       {"new_email": "mario@nuova.example"})
    assert sent.status_code == 200
    assert User.objects.get().email.endswith("@senza-email.invalid")
    path = link_in(emails_to("mario@nuova.example")[-1], "/profilo/email/")
    assert client.post(path).status_code == 200
    assert User.objects.get().email == "mario@nuova.example"


def test_a_changed_email_attribute_is_confirmed_by_link(client, organization, test_idp):
    from mail.models import OutgoingEmail

    login(client, organization, test_idp)
    client.post(reverse("accounts:logout_all", args=[organization.slug]))
    login(client, organization, test_idp,
          citizen=Citizen(MARIO.fiscal_code, "Mario", "Rossi", "nuova@spid.example"))
    assert User.objects.get().email == MARIO.email  # not changed until confirmed
    assert OutgoingEmail.objects.filter(to="nuova@spid.example").exists()


# --- The AuthnRequest and the metadata --------------------------------------------------

def _verify_signature(xml: bytes, node: str, cert_file) -> None:
    import subprocess
    import tempfile

    with tempfile.NamedTemporaryFile(suffix=".xml") as handle:
        handle.write(xml)
        handle.flush()
        result = subprocess.run(
            ["xmlsec1", "--verify", "--pubkey-cert-pem", str(cert_file), "--id-attr:ID",
             node, handle.name], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr


def test_the_authn_request_is_signed_and_asks_what_spid_requires(client, organization,
                                                                 test_idp):
    from identity import saml

    request, fields, page = start_login(client, organization)
    ns = {"samlp": "urn:oasis:names:tc:SAML:2.0:protocol",
          "saml": "urn:oasis:names:tc:SAML:2.0:assertion"}
    assert request.get("ForceAuthn") == "true"
    assert request.get("AttributeConsumingServiceIndex") == "0"
    assert request.get("Destination") == "http://testserver/demo-idp/sso/"
    assert request.find("samlp:NameIDPolicy", ns).get("Format") == (
        "urn:oasis:names:tc:SAML:2.0:nameid-format:transient")
    context = request.find("samlp:RequestedAuthnContext", ns)
    assert context.get("Comparison") == "minimum"
    assert context.findtext("saml:AuthnContextClassRef", namespaces=ns) == L2
    issuer = request.find("saml:Issuer", ns)
    assert issuer.text == issuer.get("NameQualifier") == "http://testserver/spid/metadata/"
    assert fields["RelayState"] == organization.slug
    _verify_signature(base64.b64decode(fields["SAMLRequest"]),
                      "urn:oasis:names:tc:SAML:2.0:protocol:AuthnRequest",
                      saml.sp_keys().cert_file)
    # CSP: the form may post to the IdP's origin, and nothing else is loosened.
    assert "form-action 'self' http://testserver" in page["Content-Security-Policy"]


def test_the_spid_level_is_chosen_per_ente(client, organization, test_idp):
    from organizations.models import SpidLevel

    organization.spid_level = SpidLevel.L1
    organization.save()
    request, _fields, _page = start_login(client, organization)
    assert request.get("ForceAuthn") is None
    assert "SpidL1" in base64.b64decode(_fields["SAMLRequest"]).decode()


def test_metadata_are_signed_with_the_entes_organisation_and_contact(client, organization,
                                                                     test_idp):
    from identity import saml

    organization.ipa_code = "c_t000"
    organization.phone = "+39 06 1234567"
    organization.save()
    response = client.get("/spid/metadata/")
    assert response.status_code == 200
    xml = response.content
    text = xml.decode()
    for expected in ('entityID="http://testserver/spid/metadata/"', "Comune di Prova",
                     "<spid:IPACode>c_t000</spid:IPACode>", "<spid:Public/>",
                     'AuthnRequestsSigned="true"', 'Location="http://testserver/spid/acs/"',
                     'Location="http://testserver/spid/ls/"', 'Name="fiscalNumber"',
                     'Name="familyName"', 'Name="email"', "info@comune.example",
                     "+39061234567"):
        assert expected in text, expected
    _verify_signature(xml, "urn:oasis:names:tc:SAML:2.0:metadata:EntityDescriptor",
                      saml.sp_keys().cert_file)
    cie = client.get("/cie/metadata/").content.decode()
    assert 'entityID="http://testserver/cie/metadata/"' in cie
    assert "<cie:IPACode>c_t000</cie:IPACode>" in cie


# --- Bad responses ----------------------------------------------------------------------

@pytest.fixture
def refused(client, organization, test_idp, payer, caplog):
    """Post ``saml_response`` (a function of the request ID) and check the refusal."""

    def check(build, expected_text: str = "non è valida"):
        request, _fields, _page = start_login(client, organization)
        users_before = list(User.objects.values_list("pk", "email", "fiscal_code_level"))
        with caplog.at_level(logging.WARNING, logger="sportello.security"):
            response = post_response(client, "spid", build(request.get("ID")))
        assert response.status_code in (400, 403, 404), response.status_code
        page = response.content.decode()
        assert "Accesso non riuscito" in page
        assert expected_text in page
        assert "Nessuna utenza è stata creata o modificata" in page
        [event] = events(caplog, "saml_response_refused")  # one line, on the security log
        assert event.reason and event.client == "127.0.0.1"
        assert list(User.objects.values_list("pk", "email", "fiscal_code_level")) == (
            users_before)
        assert not FiscalCodeVerification.objects.exists()
        assert "_auth_user_id" not in client.session
        return response

    return check


def test_forged_signature_is_refused(refused, test_idp):
    refused(lambda rid: make_response(test_idp, rid, key="rogue"))


def test_altered_response_is_refused(refused, test_idp):
    def altered(rid):
        xml = base64.b64decode(make_response(test_idp, rid)).decode()
        xml = xml.replace("TINIT-RSSMRA80E12H501I", "TINIT-BNCGLI92S43F205B")
        return base64.b64encode(xml.encode()).decode()

    refused(altered)


def test_unsigned_response_is_refused(refused, test_idp):
    refused(lambda rid: make_response(test_idp, rid, sign_assertion=False,
                                      sign_response=False))


def test_expired_response_is_refused(refused, test_idp):
    past = datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=10)
    refused(lambda rid: make_response(test_idp, rid, not_on_or_after=past))


def test_unsolicited_response_is_refused(refused, test_idp):
    refused(lambda rid: make_response(test_idp, "_" + secrets.token_hex(20)),
            "non corrisponde a un accesso iniziato da qui")


def test_wrong_audience_is_refused(refused, test_idp):
    from identity import demo_idp

    refused(lambda rid: demo_idp.build_response(
        request_id=rid, acs="http://testserver/spid/acs/",
        audience="https://another-sp.example/metadata", citizen=MARIO, level=L2,
        issuer="https://idp.test.example/metadata", pair=test_idp["test"]))


def test_wrong_destination_is_refused(refused, test_idp):
    refused(lambda rid: make_response(test_idp, rid,
                                      destination="https://another-sp.example/acs"))


def test_missing_destination_is_refused(refused, test_idp):
    refused(lambda rid: make_response(test_idp, rid, destination=""))


def test_missing_fiscal_number_is_refused(refused, test_idp):
    refused(lambda rid: make_response(test_idp, rid, attributes={"name": "Mario",
                                                                 "familyName": "Rossi"}),
            "codice fiscale valido")


def test_idp_not_in_the_registry_is_refused(refused, test_idp):
    refused(lambda rid: make_response(test_idp, rid, key="rogue", issuer=ROGUE_IDP))


def test_level_below_the_entes_is_refused(refused, test_idp):
    refused(lambda rid: make_response(test_idp, rid, level="https://www.spid.gov.it/SpidL1"),
            "livello di autenticazione")


def test_replayed_response_is_refused(client, organization, test_idp, caplog):
    request, _fields, _page = start_login(client, organization)
    saml_response = make_response(test_idp, request.get("ID"))
    assert post_response(client, "spid", saml_response).status_code == 302
    client.post(reverse("accounts:logout_all", args=[organization.slug]))
    with caplog.at_level(logging.WARNING, logger="sportello.security"):
        again = post_response(client, "spid", saml_response)
    assert again.status_code == 400
    assert "già stata usata" in again.content.decode()
    assert "_auth_user_id" not in client.session
    assert any("replayed" in r.getMessage() for r in caplog.records)


def test_garbage_is_refused(client, organization, test_idp):
    for posted in ("", "not base64!", base64.b64encode(b"<x/>").decode(), "A" * 300_000):
        response = client.post("/spid/acs/", {"SAMLResponse": posted})
        assert response.status_code == 400
        assert "Accesso non riuscito" in response.content.decode()
    assert not User.objects.exists()


def test_an_idp_not_in_the_registry_cannot_be_chosen(client, organization, test_idp):
    response = client.get(reverse("identity_ente:spid_login", args=[organization.slug])
                          + "?idp=nobody")
    assert response.status_code == 404
    assert "non è tra quelli ammessi" in response.content.decode()
    assert not AuthnRequestRecord.objects.exists()


def test_the_login_completes_only_in_the_browser_that_started_it(client, organization,
                                                                test_idp):
    request, _fields, _page = start_login(client, organization)
    stranger = Client()
    answer = stranger.post("/spid/acs/", {"SAMLResponse": make_response(test_idp,
                                                                        request.get("ID"))})
    assert answer.status_code == 302
    refused = stranger.get(answer["Location"])
    assert refused.status_code == 400
    assert "non è stato iniziato da questo browser" in refused.content.decode()
    assert not User.objects.exists()


def test_login_starts_are_rate_limited(client, organization, test_idp, settings):
    settings.IDENTITY_LOGIN_RATE = "2/h"
    url = reverse("identity_ente:spid_login", args=[organization.slug]) + "?idp=test"
    assert [client.get(url).status_code for _ in range(3)] == [200, 200, 429]
    assert AuthnRequestRecord.objects.count() == 2
