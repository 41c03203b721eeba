"""Shipped schema copies and the ?wsdl text."""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree

from pagopa import soap
from tests.pagopa.conftest import SPEC_API

SHIPPED = sorted(p for p in soap.SCHEMAS_DIR.rglob("*") if p.is_file())


def test_schema_folder_ships_the_needed_files() -> None:
    names = {p.relative_to(soap.SCHEMAS_DIR).as_posix() for p in SHIPPED}
    assert names == {
        "wsdl/paForNode.wsdl",
        "wsdl/xsd/paForNode.xsd",
        "xsd-common/sac-common-types-1.0.xsd",
        "xsd-common/envelope.xsd",
    }


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_copy_is_byte_identical_to_spec(path: Path) -> None:
    official = SPEC_API / path.relative_to(soap.SCHEMAS_DIR)
    assert path.read_bytes() == official.read_bytes()


def test_shipped_xsd_compiles_with_relative_import() -> None:
    etree.XMLSchema(etree.parse(str(soap.PA_FOR_NODE_XSD)))


def test_wsdl_text_rewrites_only_the_address() -> None:
    text = soap.wsdl_text("https://ente.example/pagopa/paForNode?x=1&y=2", not_served=())
    assert 'location="https://ente.example/pagopa/paForNode?x=1&amp;y=2"' in text
    original = soap.PA_FOR_NODE_WSDL.read_text(encoding="utf-8")
    assert text.replace("https://ente.example/pagopa/paForNode?x=1&amp;y=2",
                        "http://pagopa-api.pagopa.gov.it/service/pa/paForNode") == original
    root = etree.fromstring(text.encode())
    address = root.find(".//{http://schemas.xmlsoap.org/wsdl/soap/}address")
    assert address.get("location") == "https://ente.example/pagopa/paForNode?x=1&y=2"


def test_wsdl_text_leaves_out_what_is_not_served() -> None:
    """paDemandPaymentNotice is not offered: its messages, portType and binding entries go,
    the rest is the official text."""
    text = soap.wsdl_text("https://ente.example/ws")
    assert "paDemandPaymentNotice" not in text
    root = etree.fromstring(text.encode())
    wsdl = "{http://schemas.xmlsoap.org/wsdl/}"
    operations = {o.get("name") for o in root.iter(f"{wsdl}operation")}
    assert operations == {"paVerifyPaymentNotice", "paGetPayment", "paGetPaymentV2",
                          "paSendRT", "paSendRTV2"}
    assert len(root.findall(f"{wsdl}message")) == 10


def test_wsdl_text_can_point_the_schema_import_elsewhere() -> None:
    text = soap.wsdl_text("https://e.example/ws", xsd_location="https://e.example/ws/paForNode.xsd")
    assert 'schemaLocation="https://e.example/ws/paForNode.xsd"' in text
