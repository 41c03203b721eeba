"""A demo identity provider for development (``DEMO_IDP_ENABLED``; production refuses it).

It lists the demo citizens (the natural-person debtors of the database, as ``seed_demo``
loads them) and answers the portal's AuthnRequest with a real SAML Response signed by a
local TEST key generated under ``var/identity/`` (not a secret: it only ever vouches for
demo people, and only where this setting is on). The tests use ``build_response`` as
their test IdP, including to forge the bad responses the SP must refuse.
"""

from __future__ import annotations

import base64
import datetime
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from lxml import etree

from identity import keys
from identity.xml import (
    ATTRNAME_BASIC,
    BINDING_POST,
    CM_BEARER,
    DS,
    MD,
    NAMEID_ENTITY,
    NAMEID_TRANSIENT,
    SAML,
    SAMLP,
    STATUS_SUCCESS,
    insert_signature,
    instant,
    new_id,
    q,
    sign,
    to_string,
)

NAME = _("IdP demo (solo sviluppo)")
XS = "http://www.w3.org/2001/XMLSchema"
XSI = "http://www.w3.org/2001/XMLSchema-instance"


@dataclass(frozen=True)
class Citizen:
    fiscal_code: str
    first_name: str
    last_name: str
    email: str = ""


def _site() -> str:
    return settings.SITE_URL.rstrip("/")


def entity_id() -> str:
    return f"{_site()}/demo-idp/metadata/"


def sso_url() -> str:
    return f"{_site()}/demo-idp/sso/"


def slo_url() -> str:
    return f"{_site()}/demo-idp/slo/"


def key_pair() -> keys.KeyPair:
    folder = Path(settings.VAR_DIR) / "identity"
    return keys.ensure_pair(folder / "demo-idp-TEST.key", folder / "demo-idp-TEST.crt",
                            "IdP demo - chiave di TEST", "Sportello demo (TEST)")


def metadata_xml(pair: keys.KeyPair | None = None, entity: str | None = None) -> str:
    """The IdP's metadata: its TEST signing certificate and its endpoints."""
    pair = pair or key_pair()
    root = etree.Element(q(MD, "EntityDescriptor"), nsmap={"md": MD, "ds": DS},
                         entityID=entity or entity_id())
    idp = etree.SubElement(root, q(MD, "IDPSSODescriptor"), WantAuthnRequestsSigned="true",
                           protocolSupportEnumeration=SAMLP)
    descriptor = etree.SubElement(idp, q(MD, "KeyDescriptor"), use="signing")
    info = etree.SubElement(descriptor, q(DS, "KeyInfo"))
    data = etree.SubElement(info, q(DS, "X509Data"))
    etree.SubElement(data, q(DS, "X509Certificate")).text = pair.cert_base64()
    etree.SubElement(idp, q(MD, "SingleLogoutService"), Binding=BINDING_POST,
                     Location=slo_url())
    etree.SubElement(idp, q(MD, "NameIDFormat")).text = NAMEID_TRANSIENT
    etree.SubElement(idp, q(MD, "SingleSignOnService"), Binding=BINDING_POST,
                     Location=sso_url())
    return to_string(root)


def citizens() -> list[Citizen]:
    """The natural persons among the debtors (one per codice fiscale)."""
    from positions.models import Debtor

    found: dict[str, Citizen] = {}
    for debtor in Debtor.ente_records.order_by("full_name", "pk"):
        if len(debtor.fiscal_code) != 16 or debtor.fiscal_code in found:
            continue
        first, _sep, last = debtor.full_name.partition(" ")
        found[debtor.fiscal_code] = Citizen(debtor.fiscal_code, first, last or first,
                                            debtor.email)
    return list(found.values())


def build_response(*, request_id: str, acs: str, audience: str, citizen: Citizen,
                   level: str, issuer: str | None = None, pair: keys.KeyPair | None = None,
                   not_on_or_after: datetime.datetime | None = None,
                   destination: str | None = None, attributes: dict | None = None,
                   sign_assertion: bool = True, sign_response: bool = True) -> str:
    """A SPID-style Response (base64) for ``citizen``, signed with the TEST key."""
    pair = pair or key_pair()
    issuer = issuer or entity_id()
    now = datetime.datetime.now(datetime.UTC)
    until = not_on_or_after or now + datetime.timedelta(minutes=5)
    response_id, assertion_id = new_id(), new_id()
    response = etree.Element(
        q(SAMLP, "Response"), nsmap={"samlp": SAMLP, "saml": SAML, "xs": XS, "xsi": XSI},
        ID=response_id, Version="2.0", IssueInstant=instant(now),
        Destination=acs if destination is None else destination, InResponseTo=request_id)
    etree.SubElement(response, q(SAML, "Issuer"), Format=NAMEID_ENTITY).text = issuer
    status = etree.SubElement(response, q(SAMLP, "Status"))
    etree.SubElement(status, q(SAMLP, "StatusCode"), Value=STATUS_SUCCESS)
    assertion = etree.SubElement(response, q(SAML, "Assertion"), ID=assertion_id,
                                 Version="2.0", IssueInstant=instant(now))
    etree.SubElement(assertion, q(SAML, "Issuer"), Format=NAMEID_ENTITY).text = issuer
    subject = etree.SubElement(assertion, q(SAML, "Subject"))
    etree.SubElement(subject, q(SAML, "NameID"), Format=NAMEID_TRANSIENT,
                     NameQualifier=issuer).text = new_id()
    confirmation = etree.SubElement(subject, q(SAML, "SubjectConfirmation"), Method=CM_BEARER)
    etree.SubElement(confirmation, q(SAML, "SubjectConfirmationData"), Recipient=acs,
                     InResponseTo=request_id, NotOnOrAfter=instant(until))
    conditions = etree.SubElement(assertion, q(SAML, "Conditions"),
                                  NotBefore=instant(now - datetime.timedelta(seconds=30)),
                                  NotOnOrAfter=instant(until))
    restriction = etree.SubElement(conditions, q(SAML, "AudienceRestriction"))
    etree.SubElement(restriction, q(SAML, "Audience")).text = audience
    statement = etree.SubElement(assertion, q(SAML, "AuthnStatement"),
                                 AuthnInstant=instant(now), SessionIndex=new_id())
    context = etree.SubElement(statement, q(SAML, "AuthnContext"))
    etree.SubElement(context, q(SAML, "AuthnContextClassRef")).text = level
    values = {"fiscalNumber": f"TINIT-{citizen.fiscal_code}", "name": citizen.first_name,
              "familyName": citizen.last_name}
    if citizen.email:
        values["email"] = citizen.email
    if attributes is not None:
        values = attributes
    attribute_statement = etree.SubElement(assertion, q(SAML, "AttributeStatement"))
    for name, value in values.items():
        attribute = etree.SubElement(attribute_statement, q(SAML, "Attribute"), Name=name,
                                     NameFormat=ATTRNAME_BASIC)
        node = etree.SubElement(attribute, q(SAML, "AttributeValue"))
        node.set(q(XSI, "type"), "xs:string")
        node.text = value
    if sign_response:
        insert_signature(response, pair, 1)
    if sign_assertion:
        insert_signature(assertion, pair, 1)
    xml = to_string(response)
    if sign_assertion:
        xml = sign(xml, f"{SAML}:Assertion", assertion_id, pair)
    if sign_response:
        xml = sign(xml, f"{SAMLP}:Response", response_id, pair)
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")


def logout_response(request_id: str, destination: str) -> str:
    """A signed LogoutResponse (Success) to the SP's SingleLogoutService."""
    pair = key_pair()
    ident = new_id()
    root = etree.Element(q(SAMLP, "LogoutResponse"), nsmap={"samlp": SAMLP, "saml": SAML},
                         ID=ident, Version="2.0", IssueInstant=instant(),
                         Destination=destination, InResponseTo=request_id)
    etree.SubElement(root, q(SAML, "Issuer"), Format=NAMEID_ENTITY).text = entity_id()
    status = etree.SubElement(root, q(SAMLP, "Status"))
    etree.SubElement(status, q(SAMLP, "StatusCode"), Value=STATUS_SUCCESS)
    insert_signature(root, pair, 1)
    xml = sign(to_string(root), f"{SAMLP}:LogoutResponse", ident, pair)
    return base64.b64encode(xml.encode("utf-8")).decode("ascii")
