"""The SAML2 Service Provider for SPID and CIE (AgID's technical rules and avvisi SPID;
CieID's SAML2 interface is the same protocol with its own metadata extensions).

We build the AuthnRequest and the metadata ourselves (lxml) so that every attribute the
rules ask for is there, sign them with xmlsec1, and let pysaml2 validate responses:
signature against the IdP's metadata only, audience, NotOnOrAfter, InResponseTo. On top
of it we check what pysaml2 leaves optional: Destination present and ours, Issuer the
IdP the request went to, the authentication level, the fiscalNumber, and one use only
(``identity.models.AuthnRequestRecord``).
"""

from __future__ import annotations

import base64
import datetime
import logging
import re
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from lxml import etree
from saml2 import BINDING_HTTP_POST
from saml2.client import Saml2Client
from saml2.config import SPConfig

from identity import keys
from identity.registry import IdentityProvider
from identity.xml import (
    ATTRNAME_BASIC,
    BINDING_POST,
    BINDING_REDIRECT,
    MD,
    NAMEID_ENTITY,
    NAMEID_TRANSIENT,
    SAML,
    SAMLP,
    XML_LANG,
    insert_signature,
    instant,
    new_id,
    parse_untrusted,
    q,
    sign,
    to_string,
    xmlsec_binary,
)

security_log = logging.getLogger("sportello.security")

SPID_NS = "https://spid.gov.it/saml-extensions"
CIE_NS = "https://www.cartaidentita.interno.gov.it/saml-extensions"
LEVELS = ["https://www.spid.gov.it/SpidL1", "https://www.spid.gov.it/SpidL2",
          "https://www.spid.gov.it/SpidL3"]
# CieID authenticates with the card: level 3 whatever is asked.
CIE_LEVEL = LEVELS[2]
REQUESTED_ATTRIBUTES = {"spid": ["fiscalNumber", "name", "familyName", "email"],
                        "cie": ["fiscalNumber", "name", "familyName", "dateOfBirth"]}
SCHEME_LABELS = {"spid": "SPID", "cie": "CIE"}
CF_RE = re.compile(r"^(?:[A-Z0-9]{16}|\d{11})$")


class SamlError(Exception):
    """A response we refuse. ``reason`` goes to the security log, ``message`` to the page."""

    def __init__(self, reason: str, message=None):
        super().__init__(reason)
        self.reason = reason
        self.message = message or _(
            "La risposta del gestore dell'identità non è valida: l'accesso non è avvenuto. "
            "Riprova dall'inizio.")


@dataclass(frozen=True)
class Identity:
    """What a validated response tells us about the person."""

    fiscal_code: str
    first_name: str
    last_name: str
    email: str
    level: str
    idp: str
    name_id: str = ""
    session_index: str = ""


# --- Endpoints and keys -----------------------------------------------------------------

def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def entity_id(scheme: str) -> str:
    return f"{_site()}/{scheme}/metadata/"


def acs_url(scheme: str) -> str:
    return f"{_site()}/{scheme}/acs/"


def sls_url(scheme: str) -> str:
    return f"{_site()}/{scheme}/ls/"


def sp_keys() -> keys.KeyPair:
    """The SP's pair: from settings in production, generated under var/ elsewhere."""
    key_file, cert_file = settings.SPID_KEY_FILE, settings.SPID_CERT_FILE
    if key_file and cert_file:
        return keys.KeyPair(Path(key_file), Path(cert_file))
    if settings.SPID_REQUIRE_KEY_FILES:
        raise ImproperlyConfigured("Set SPID_KEY_FILE and SPID_CERT_FILE (the SP's key and "
                                   "certificate registered with AgID).")
    folder = Path(settings.VAR_DIR) / "identity"
    return keys.ensure_pair(folder / "sp.key", folder / "sp.crt", "Sportello SP (sviluppo)")


def metadata_organization():
    """The Ente whose data the metadata carry: ``SPID_ENTE``, else the first one."""
    from organizations.models import Organization

    query = Organization.objects.order_by("pk")
    if settings.SPID_ENTE:
        query = query.filter(slug=settings.SPID_ENTE)
    return query.first()


# --- Metadata ---------------------------------------------------------------------------

def metadata(scheme: str) -> str:
    """The SP metadata for ``scheme``, signed, with the Ente's organisation and contact."""
    pair = sp_keys()
    ident = new_id()
    ext_ns = SPID_NS if scheme == "spid" else CIE_NS
    prefix = scheme
    root = etree.Element(q(MD, "EntityDescriptor"),
                         nsmap={"md": MD, "ds": "http://www.w3.org/2000/09/xmldsig#",
                                prefix: ext_ns},
                         entityID=entity_id(scheme), ID=ident)
    sp = etree.SubElement(root, q(MD, "SPSSODescriptor"),
                          protocolSupportEnumeration=SAMLP,
                          AuthnRequestsSigned="true", WantAssertionsSigned="true")
    key_descriptor = etree.SubElement(sp, q(MD, "KeyDescriptor"), use="signing")
    key_info = etree.SubElement(key_descriptor, q("http://www.w3.org/2000/09/xmldsig#",
                                                  "KeyInfo"))
    data = etree.SubElement(key_info, q("http://www.w3.org/2000/09/xmldsig#", "X509Data"))
    etree.SubElement(data, q("http://www.w3.org/2000/09/xmldsig#",
                             "X509Certificate")).text = pair.cert_base64()
    for binding in (BINDING_POST, BINDING_REDIRECT):
        etree.SubElement(sp, q(MD, "SingleLogoutService"), Binding=binding,
                         Location=sls_url(scheme))
    etree.SubElement(sp, q(MD, "NameIDFormat")).text = NAMEID_TRANSIENT
    etree.SubElement(sp, q(MD, "AssertionConsumerService"), index="0", isDefault="true",
                     Binding=BINDING_POST, Location=acs_url(scheme))
    service = etree.SubElement(sp, q(MD, "AttributeConsumingService"), index="0")
    etree.SubElement(service, q(MD, "ServiceName"), {XML_LANG: "it"}).text = "Sportello pagoPA"
    for name in REQUESTED_ATTRIBUTES[scheme]:
        etree.SubElement(service, q(MD, "RequestedAttribute"), Name=name,
                         NameFormat=ATTRNAME_BASIC, isRequired="true")

    ente = metadata_organization()
    name = ente.name if ente else "Sportello pagoPA"
    url = (ente.website if ente and ente.website else _site() + "/")
    org = etree.SubElement(root, q(MD, "Organization"))
    etree.SubElement(org, q(MD, "OrganizationName"), {XML_LANG: "it"}).text = name
    etree.SubElement(org, q(MD, "OrganizationDisplayName"), {XML_LANG: "it"}).text = name
    etree.SubElement(org, q(MD, "OrganizationURL"), {XML_LANG: "it"}).text = url
    contact = etree.SubElement(root, q(MD, "ContactPerson"),
                               contactType="other" if scheme == "spid" else "administrative")
    extensions = etree.SubElement(contact, q(MD, "Extensions"))
    ipa_code = (ente.ipa_code if ente else "") or ""
    if scheme == "spid":
        if ipa_code:
            etree.SubElement(extensions, q(ext_ns, "IPACode")).text = ipa_code
        else:
            etree.SubElement(extensions, q(ext_ns, "VATNumber")).text = (
                "IT" + (ente.fiscal_code if ente else ""))
        etree.SubElement(extensions, q(ext_ns, "Public"))
    else:
        etree.SubElement(extensions, q(ext_ns, "Public"))
        etree.SubElement(extensions, q(ext_ns, "IPACode")).text = ipa_code or (
            ente.fiscal_code if ente else "")
        if ente:
            etree.SubElement(extensions, q(ext_ns, "FiscalCode")).text = ente.fiscal_code
        etree.SubElement(extensions, q(ext_ns, "Municipality")).text = (
            ente.municipality_code if ente else "")
    etree.SubElement(contact, q(MD, "Company")).text = name
    if ente and ente.email:
        etree.SubElement(contact, q(MD, "EmailAddress")).text = ente.email
    if ente and ente.phone:
        etree.SubElement(contact, q(MD, "TelephoneNumber")).text = re.sub(r"[^\d+]", "",
                                                                          ente.phone)
    insert_signature(root, pair, 0)
    return sign(to_string(root), f"{MD}:EntityDescriptor", ident, pair)


# --- AuthnRequest -----------------------------------------------------------------------

def sso_location(idp: IdentityProvider) -> str:
    """The IdP's SingleSignOnService address for HTTP-POST, from its metadata."""
    root = parse_untrusted(idp.metadata_xml().encode("utf-8"))
    for node in root.iter(q(MD, "SingleSignOnService")):
        if node.get("Binding") == BINDING_POST:
            return node.get("Location")
    raise ImproperlyConfigured(f"{idp.entity_id}: no HTTP-POST SingleSignOnService")


def slo_location(idp: IdentityProvider) -> str | None:
    root = parse_untrusted(idp.metadata_xml().encode("utf-8"))
    for node in root.iter(q(MD, "SingleLogoutService")):
        if node.get("Binding") == BINDING_POST:
            return node.get("Location")
    return None


def authn_request(scheme: str, idp: IdentityProvider, level: str) -> tuple[str, str, str]:
    """A signed AuthnRequest: (its ID, the IdP's address, the base64 to POST there)."""
    pair = sp_keys()
    ident = new_id()
    destination = sso_location(idp)
    attrs = {"ID": ident, "Version": "2.0", "IssueInstant": instant(),
             "Destination": destination,
             "AssertionConsumerServiceURL": acs_url(scheme),
             "ProtocolBinding": BINDING_POST,
             "AttributeConsumingServiceIndex": "0"}
    if level != LEVELS[0]:
        attrs["ForceAuthn"] = "true"  # required from SpidL2 up
    root = etree.Element(q(SAMLP, "AuthnRequest"), nsmap={"samlp": SAMLP, "saml": SAML},
                         **attrs)
    etree.SubElement(root, q(SAML, "Issuer"), Format=NAMEID_ENTITY,
                     NameQualifier=entity_id(scheme)).text = entity_id(scheme)
    etree.SubElement(root, q(SAMLP, "NameIDPolicy"), Format=NAMEID_TRANSIENT)
    context = etree.SubElement(root, q(SAMLP, "RequestedAuthnContext"), Comparison="minimum")
    etree.SubElement(context, q(SAML, "AuthnContextClassRef")).text = level
    insert_signature(root, pair, 1)
    signed = sign(to_string(root), f"{SAMLP}:AuthnRequest", ident, pair)
    return ident, destination, base64.b64encode(signed.encode("utf-8")).decode("ascii")


def logout_request(scheme: str, idp: IdentityProvider, name_id: str,
                   session_index: str) -> tuple[str, str] | None:
    """A signed LogoutRequest for Single Logout, or None when the IdP offers none."""
    destination = slo_location(idp)
    if not destination:
        return None
    pair = sp_keys()
    ident = new_id()
    root = etree.Element(q(SAMLP, "LogoutRequest"), nsmap={"samlp": SAMLP, "saml": SAML},
                         ID=ident, Version="2.0", IssueInstant=instant(),
                         Destination=destination)
    etree.SubElement(root, q(SAML, "Issuer"), Format=NAMEID_ENTITY,
                     NameQualifier=entity_id(scheme)).text = entity_id(scheme)
    etree.SubElement(root, q(SAML, "NameID"), Format=NAMEID_TRANSIENT,
                     NameQualifier=idp.entity_id).text = name_id
    etree.SubElement(root, q(SAMLP, "SessionIndex")).text = session_index
    insert_signature(root, pair, 1)
    signed = sign(to_string(root), f"{SAMLP}:LogoutRequest", ident, pair)
    return destination, base64.b64encode(signed.encode("utf-8")).decode("ascii")


# --- Response ---------------------------------------------------------------------------

def in_response_to(saml_response: str) -> str:
    """The InResponseTo of a posted response, read before anything is trusted."""
    try:
        root = parse_untrusted(base64.b64decode(saml_response, validate=True))
    except (ValueError, etree.XMLSyntaxError) as exc:
        raise SamlError(f"unreadable response: {exc}") from exc
    if root.tag != q(SAMLP, "Response"):
        raise SamlError(f"not a Response: {root.tag}")
    value = root.get("InResponseTo") or ""
    if not value:
        raise SamlError("unsolicited response (no InResponseTo)")
    return value


def _client(scheme: str, idp: IdentityProvider) -> Saml2Client:
    pair = sp_keys()
    config = SPConfig()
    config.load({
        "entityid": entity_id(scheme),
        "xmlsec_binary": xmlsec_binary(),
        "key_file": str(pair.key_file),
        "cert_file": str(pair.cert_file),
        # Only the IdP the request went to: a response signed by anyone else fails.
        "metadata": {"inline": [idp.metadata_xml()]},
        "only_use_keys_in_metadata": True,
        "allow_unknown_attributes": True,
        "accepted_time_diff": settings.IDENTITY_CLOCK_SKEW_SECONDS,
        "service": {"sp": {
            "endpoints": {"assertion_consumer_service": [(acs_url(scheme),
                                                          BINDING_HTTP_POST)]},
            "want_assertions_signed": True,
            "want_response_signed": False,
            "allow_unsolicited": False,
            "authn_requests_signed": True,
        }},
    })
    return Saml2Client(config)


def _attribute(ava: dict, name: str) -> str:
    values = ava.get(name) or []
    return str(values[0]).strip() if values else ""


def _time(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    try:
        return datetime.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None


def _spid_rules(saml_response: str, scheme: str, requested_at: datetime.datetime) -> None:
    """What the SPID rules require of a response beyond SAML (the checks of AgID's
    spid-sp-test). Read from the raw XML: these only ever refuse more."""
    root = parse_untrusted(base64.b64decode(saml_response))
    ns = {"samlp": SAMLP, "saml": SAML}
    issuer = root.find("saml:Issuer", ns)
    if issuer is not None and issuer.get("Format") not in (None, NAMEID_ENTITY):
        raise SamlError("Response Issuer Format is not entity")
    assertions = root.findall("saml:Assertion", ns)
    if len(assertions) != 1:
        raise SamlError(f"{len(assertions)} assertions")
    assertion = assertions[0]
    if assertion.get("Version") != "2.0":
        raise SamlError("Assertion Version is not 2.0")
    skew = datetime.timedelta(seconds=settings.IDENTITY_CLOCK_SKEW_SECONDS)
    issued = _time(assertion.get("IssueInstant"))
    if issued is None or issued < requested_at - skew or issued > now() + skew:
        raise SamlError("Assertion IssueInstant outside the request's lifetime")
    assertion_issuer = assertion.find("saml:Issuer", ns)
    if assertion_issuer is None or assertion_issuer.get("Format") != NAMEID_ENTITY:
        raise SamlError("Assertion Issuer Format is not entity")
    name_id = assertion.find("saml:Subject/saml:NameID", ns)
    if (name_id is None or not (name_id.text or "").strip()
            or name_id.get("Format") != NAMEID_TRANSIENT or not name_id.get("NameQualifier")):
        raise SamlError("NameID missing, empty, not transient or without NameQualifier")
    data = assertion.find("saml:Subject/saml:SubjectConfirmation/"
                          "saml:SubjectConfirmationData", ns)
    if data is None or data.get("Recipient") != acs_url(scheme) or not data.get("NotOnOrAfter"):
        raise SamlError("SubjectConfirmationData without our Recipient or NotOnOrAfter")
    conditions = assertion.find("saml:Conditions", ns)
    if (conditions is None or not conditions.get("NotBefore")
            or not conditions.get("NotOnOrAfter") or len(conditions) == 0):
        raise SamlError("Conditions missing, empty or without NotBefore/NotOnOrAfter")


def validate_response(scheme: str, idp: IdentityProvider, request_id: str, level: str,
                      saml_response: str, requested_at: datetime.datetime) -> Identity:
    """The person a response names, or SamlError. Every check is strict."""
    try:
        parsed = _client(scheme, idp).parse_authn_request_response(
            saml_response, BINDING_HTTP_POST, outstanding={request_id: acs_url(scheme)})
    except Exception as exc:  # pysaml2 raises many types; all mean "refused"
        status = _status_message(exc)
        raise SamlError(f"{type(exc).__name__}: {exc}", status) from exc
    if parsed is None:
        raise SamlError("response not accepted")
    _spid_rules(saml_response, scheme, requested_at)
    response = parsed.response
    if response.destination != acs_url(scheme):
        raise SamlError(f"wrong Destination {response.destination!r}")
    if response.in_response_to != request_id:
        raise SamlError("InResponseTo mismatch")
    issuer = response.issuer.text.strip() if response.issuer is not None else ""
    if issuer != idp.entity_id or parsed.issuer() != idp.entity_id:
        raise SamlError(f"wrong Issuer {issuer!r}")
    assertion = parsed.assertion
    if assertion is None or not assertion.signature and not response.signature:
        raise SamlError("unsigned assertion")
    got = _authn_level(parsed)
    if scheme == "spid" and (got not in LEVELS or LEVELS.index(got) < LEVELS.index(level)):
        raise SamlError(f"authentication level {got!r} below {level!r}", _(
            "Il livello di autenticazione SPID usato non basta per questo servizio."))
    ava = parsed.ava or {}
    fiscal_number = _attribute(ava, "fiscalNumber").upper()
    if fiscal_number.startswith("TINIT-"):
        fiscal_number = fiscal_number[len("TINIT-"):]
    if not CF_RE.match(fiscal_number):
        raise SamlError("missing or malformed fiscalNumber", _(
            "Il gestore dell'identità non ha comunicato un codice fiscale valido: l'accesso "
            "non è avvenuto."))
    name_id = parsed.name_id.text if parsed.name_id is not None else ""
    session_index = ""
    if assertion.authn_statement:
        session_index = assertion.authn_statement[0].session_index or ""
    return Identity(
        fiscal_code=fiscal_number, first_name=_attribute(ava, "name")[:150],
        last_name=_attribute(ava, "familyName")[:150],
        email=_attribute(ava, "email").lower()[:254], level=got, idp=idp.entity_id,
        name_id=name_id or "", session_index=session_index)


def _authn_level(parsed) -> str:
    try:
        statement = parsed.assertion.authn_statement[0]
        return statement.authn_context.authn_context_class_ref.text.strip()
    except (AttributeError, IndexError, TypeError):
        return ""


def _status_message(exc: Exception):
    """AgID's error codes 22 (cancelled by the user) and 25 (consent refused)."""
    text = str(exc)
    if "ErrorCode nr22" in text or "ErrorCode nr25" in text:
        return _("Hai annullato l'accesso presso il gestore dell'identità.")
    return None


def now() -> datetime.datetime:
    return datetime.datetime.now(datetime.UTC)
