"""The pagoPA Node's side, for tests: a zeep client built from the official WSDL that
talks to our endpoint on the live server, with every message checked against the XSD."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from lxml import etree

from tests.pagopa.conftest import NS_SOAP, SPEC_API

zeep = pytest.importorskip("zeep")

BINDING = "{http://pagopa-api.pagopa.gov.it/paForNode}paForNodeBinding"


@pytest.fixture(scope="session")
def official_schemas():
    def load(path):
        return etree.XMLSchema(etree.parse(str(path)))

    return (load(SPEC_API / "xsd-common" / "envelope.xsd"),
            load(SPEC_API / "wsdl" / "xsd" / "paForNode.xsd"))


@pytest.fixture(scope="session")
def validate(official_schemas):
    """Envelope valid against envelope.xsd, payload against the official paForNode.xsd."""
    envelope_schema, payload_schema = official_schemas

    def check(message) -> etree._Element:
        root = etree.fromstring(message) if isinstance(message, bytes) else message
        envelope_schema.assertValid(root)
        (payload,) = list(root.find(f"{{{NS_SOAP}}}Body"))
        payload_schema.assertValid(etree.ElementTree(payload))
        return payload

    return check


@pytest.fixture
def site(live_server, settings):
    """The live server is the site (return URLs, WSDL address, sandbox, ACA)."""
    settings.SITE_URL = live_server.url
    settings.PAGOPA_ACA_URL = ""  # the sandbox's ACA on the live server
    return live_server.url


@dataclass
class Node:
    """Calls paForNode like the Node, and validates what went and what came back."""

    service: object
    history: object
    validate: object
    organization: object

    def header(self, **overrides) -> dict:
        values = {"idPA": self.organization.fiscal_code,
                  "idBrokerPA": self.organization.broker_id,
                  "idStation": self.organization.station_id}
        values.update(overrides)
        return values

    def qr(self, notice_number: str, fiscal_code: str | None = None) -> dict:
        return {"fiscalCode": fiscal_code or self.organization.fiscal_code,
                "noticeNumber": notice_number}

    def call(self, operation: str, **values):
        result = getattr(self.service, operation)(**values)
        self.validate(self.history.last_sent["envelope"])
        self.validate(self.history.last_received["envelope"])
        return result

    def verify(self, notice_number: str, **header):
        return self.call("paVerifyPaymentNotice", **self.header(**header),
                         qrCode=self.qr(notice_number))

    def get_payment(self, notice_number: str, operation: str = "paGetPaymentV2", **values):
        return self.call(operation, **self.header(), qrCode=self.qr(notice_number), **values)

    def send_rt(self, receipt: dict, operation: str = "paSendRTV2", **header):
        return self.call(operation, **self.header(**header), receipt=receipt)


@pytest.fixture
def node(site, organization, validate):
    history = zeep.plugins.HistoryPlugin()
    client = zeep.Client(str(SPEC_API / "wsdl" / "paForNode.wsdl"), plugins=[history])
    service = client.create_service(BINDING, f"{site}/pagopa/paForNode")
    return Node(service, history, validate, organization)


def receipt_for(option, receipt_id: str = "a" * 32, **overrides) -> dict:
    """A plausible paSendRTV2 receipt for ``option`` (as zeep values)."""
    organization = option.organization
    amount = f"{option.amount_cents // 100}.{option.amount_cents % 100:02d}"
    values = {
        "receiptId": receipt_id, "noticeNumber": option.notice_number,
        "fiscalCode": organization.fiscal_code, "outcome": "OK",
        "creditorReferenceId": option.iuv, "paymentAmount": amount,
        "description": option.position.causale, "companyName": organization.name,
        "debtor": {"uniqueIdentifier": {"entityUniqueIdentifierType": "F",
                                        "entityUniqueIdentifierValue":
                                            option.position.debtor.fiscal_code},
                   "fullName": option.position.debtor.full_name},
        "transferList": {"transfer": [{
            "idTransfer": 1, "transferAmount": amount, "fiscalCodePA": organization.fiscal_code,
            "IBAN": organization.iban, "remittanceInformation": option.position.causale,
            "transferCategory": "9/0106104SP/"}]},
        "idPSP": "BCITITMM", "PSPCompanyName": "Banca Sandbox", "idChannel": "BCITITMM_01",
        "channelDescription": "app", "paymentMethod": "creditCard", "fee": "1.00",
        "paymentDateTime": dt.datetime(2026, 3, 1, 17, 48, 22),
    }
    values.update(overrides)
    return values
