"""Shared fixtures: the official spec folder, its schemas, sample data, a local HTTP server."""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from lxml import etree

from pagopa.messages import DebtorInfo, PaymentInfo, ReceiptInfo, TransferInfo

REPO_ROOT = Path(__file__).resolve().parents[2]
SPEC = REPO_ROOT.parent / "shared" / "pagopa-spec"
SPEC_API = SPEC / "pagopa-api"
EXAMPLES = SPEC / "examples"
NS_PA = "http://pagopa-api.pagopa.gov.it/pa/paForNode.xsd"
NS_SOAP = "http://schemas.xmlsoap.org/soap/envelope/"


def _load_schema(path: Path) -> etree.XMLSchema:
    assert path.is_file(), f"spec folder missing: {path} (expected next to the repository)"
    return etree.XMLSchema(etree.parse(str(path)))


@pytest.fixture(scope="session")
def official_schema() -> etree.XMLSchema:
    """paForNode.xsd from ../shared/pagopa-spec, not the shipped copy."""
    return _load_schema(SPEC_API / "wsdl" / "xsd" / "paForNode.xsd")


@pytest.fixture(scope="session")
def envelope_schema() -> etree.XMLSchema:
    return _load_schema(SPEC_API / "xsd-common" / "envelope.xsd")


@pytest.fixture(scope="session")
def assert_valid(official_schema, envelope_schema) -> Callable[[bytes], etree._Element]:
    """Check an envelope against envelope.xsd and its payload against the official XSD."""

    def check(message: bytes) -> etree._Element:
        root = etree.fromstring(message)
        envelope_schema.assertValid(root)
        body = root.find(f"{{{NS_SOAP}}}Body")
        (payload,) = list(body)
        official_schema.assertValid(etree.ElementTree(payload))
        return payload

    return check


def make_debtor(**overrides) -> DebtorInfo:
    values = dict(
        id_type="F", id_value="RSSMRA80A01H501U", full_name="Mario Rossi",
        street_name="Via Roma", civic_number="1", postal_code="00100", city="Roma",
        state_province_region="RM", country="IT", email="mario.rossi@example.it",
    )
    values.update(overrides)
    return DebtorInfo(**values)


def make_transfer(id_transfer: int = 1, amount_cents: int = 2000, **overrides) -> TransferInfo:
    values = dict(
        id_transfer=id_transfer, amount_cents=amount_cents, fiscal_code_pa="77777777777",
        remittance_information=f"Rata {id_transfer}", transfer_category="0101100IM",
        iban="IT60X0542811101000000123456",
    )
    values.update(overrides)
    return TransferInfo(**values)


def make_payment(**overrides) -> PaymentInfo:
    values = dict(
        creditor_reference_id="01234567890123456", amount_cents=3050,
        due_date=dt.date(2026, 12, 31), description="TARI 2026 rata unica",
        debtor=make_debtor(),
        transfers=(make_transfer(1, 2000), make_transfer(2, 1050, fiscal_code_pa="77777777778")),
        company_name="Comune di Prova", office_name="Ufficio Tributi",
    )
    values.update(overrides)
    return PaymentInfo(**values)


def make_receipt(**overrides) -> ReceiptInfo:
    values = dict(
        receipt_id="c110729d258c4ab1b765fe902aae41d6", notice_number="301234567890123456",
        fiscal_code="77777777777", outcome="OK", creditor_reference_id="01234567890123456",
        amount_cents=3050, description="TARI 2026 rata unica", company_name="Comune di Prova",
        debtor=make_debtor(),
        transfers=(make_transfer(1, 2000), make_transfer(2, 1050, fiscal_code_pa="77777777778")),
        id_psp="88888888888", psp_company_name="PSP S.p.A.", id_channel="88888888888_01",
        channel_description="app", office_name="Ufficio Tributi",
        psp_fiscal_code="88888888888", psp_partita_iva="88888888888",
        payer=make_debtor(full_name="Anna Bianchi", id_value="BNCNNA85B41H501X"),
        payment_method="creditCard", fee_cents=150,
        payment_date_time=dt.datetime(2026, 3, 1, 17, 48, 22),
        application_date=dt.date(2026, 3, 1), transfer_date=dt.date(2026, 3, 2),
        metadata=(("k", "v"),), stand_in=False,
    )
    values.update(overrides)
    return ReceiptInfo(**values)


# --- local HTTP server ---------------------------------------------------------------------


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self):
        return json.loads(self.body)


@dataclass
class Reply:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes = b""


@dataclass
class LocalServer:
    """Real HTTP on 127.0.0.1; ``reply`` decides the answer, ``requests`` records calls."""

    url: str
    requests: list[Recorded] = field(default_factory=list)
    reply: Callable[[Recorded], Reply] = lambda request: Reply(204)


@pytest.fixture
def http_server() -> Iterator[LocalServer]:
    state = LocalServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            recorded = Recorded("POST", self.path, dict(self.headers), self.rfile.read(length))
            state.requests.append(recorded)
            reply = state.reply(recorded)
            self.send_response(reply.status)
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(reply.body)))
            self.end_headers()
            self.wfile.write(reply.body)

        do_GET = do_POST  # a followed redirect would show up as a recorded GET

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
