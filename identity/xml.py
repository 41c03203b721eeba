"""SAML XML plumbing shared by the Service Provider and the demo identity provider:
namespaces, ids and times, the enveloped-signature template and signing with xmlsec1
(through pysaml2's maintained wrapper around the xmlsec1 command)."""

from __future__ import annotations

import datetime
import secrets
import shutil

from lxml import etree
from saml2.sigver import CryptoBackendXmlSec1

from identity.keys import KeyPair

SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
NS = {"samlp": SAMLP, "saml": SAML, "md": MD, "ds": DS}

BINDING_POST = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST"
BINDING_REDIRECT = "urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect"
NAMEID_TRANSIENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:transient"
NAMEID_ENTITY = "urn:oasis:names:tc:SAML:2.0:nameid-format:entity"
ATTRNAME_BASIC = "urn:oasis:names:tc:SAML:2.0:attrname-format:basic"
STATUS_SUCCESS = "urn:oasis:names:tc:SAML:2.0:status:Success"
CM_BEARER = "urn:oasis:names:tc:SAML:2.0:cm:bearer"
SIG_RSA_SHA256 = "http://www.w3.org/2001/04/xmldsig-more#rsa-sha256"
DIGEST_SHA256 = "http://www.w3.org/2001/04/xmlenc#sha256"
C14N_EXC = "http://www.w3.org/2001/10/xml-exc-c14n#"
ENVELOPED = "http://www.w3.org/2000/09/xmldsig#enveloped-signature"


def q(ns: str, tag: str) -> str:
    return f"{{{ns}}}{tag}"


def new_id() -> str:
    """A SAML ID: an NCName, unguessable."""
    return "_" + secrets.token_hex(20)


def instant(moment: datetime.datetime | None = None) -> str:
    moment = moment or datetime.datetime.now(datetime.UTC)
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def signature_template(ref_id: str, pair: KeyPair) -> etree._Element:
    """An empty enveloped RSA-SHA256 signature over the element whose ID is ``ref_id``."""
    sig = etree.Element(q(DS, "Signature"), nsmap={"ds": DS})
    info = etree.SubElement(sig, q(DS, "SignedInfo"))
    etree.SubElement(info, q(DS, "CanonicalizationMethod"), Algorithm=C14N_EXC)
    etree.SubElement(info, q(DS, "SignatureMethod"), Algorithm=SIG_RSA_SHA256)
    ref = etree.SubElement(info, q(DS, "Reference"), URI=f"#{ref_id}")
    transforms = etree.SubElement(ref, q(DS, "Transforms"))
    etree.SubElement(transforms, q(DS, "Transform"), Algorithm=ENVELOPED)
    etree.SubElement(transforms, q(DS, "Transform"), Algorithm=C14N_EXC)
    etree.SubElement(ref, q(DS, "DigestMethod"), Algorithm=DIGEST_SHA256)
    etree.SubElement(ref, q(DS, "DigestValue"))
    etree.SubElement(sig, q(DS, "SignatureValue"))
    key_info = etree.SubElement(sig, q(DS, "KeyInfo"))
    data = etree.SubElement(key_info, q(DS, "X509Data"))
    etree.SubElement(data, q(DS, "X509Certificate")).text = pair.cert_base64()
    return sig


def insert_signature(element: etree._Element, pair: KeyPair, position: int) -> None:
    """Put the signature template of ``element`` at child ``position`` (after Issuer)."""
    element.insert(position, signature_template(element.get("ID"), pair))


def xmlsec_binary() -> str:
    found = shutil.which("xmlsec1")
    if not found:
        raise RuntimeError("xmlsec1 is missing: apt-get install xmlsec1")
    return found


def sign(xml: bytes | str, node: str, node_id: str, pair: KeyPair) -> str:
    """Fill the signature template inside the element ``node`` with ID ``node_id``."""
    if isinstance(xml, bytes):
        xml = xml.decode("utf-8")
    backend = CryptoBackendXmlSec1(xmlsec_binary())
    return backend.sign_statement(xml, node, str(pair.key_file), node_id)


def to_string(element: etree._Element) -> str:
    return etree.tostring(element, xml_declaration=False, encoding="unicode")


def parse_untrusted(data: bytes) -> etree._Element:
    """Parse XML from outside: no entities, no DTD, no network."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                             huge_tree=False, remove_comments=True)
    return etree.fromstring(data, parser=parser)
