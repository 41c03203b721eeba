"""Sandbox fixtures: the Node side (official XSDs), the two FdR APIs checked against
their OpenAPI files, and the sandbox's own record of a collected payment."""

import datetime as dt
import json
import uuid
from dataclasses import dataclass

import pytest
import requests
from django.utils import timezone

from tests.conftest import SPEC_DIR
from tests.payments.conftest import official_schemas, site, validate  # noqa: F401

FDR_SPEC = SPEC_DIR / "pagopa-fdr"


@dataclass
class FdrApi:
    """One of the two FdR APIs on the live server: every exchange checked against its
    official OpenAPI file (request and response) with openapi-core."""

    base: str
    openapi: object

    def call(self, method: str, path: str, body=None, valid: bool = True, **params):
        from openapi_core.contrib.requests import (
            RequestsOpenAPIRequest,
            RequestsOpenAPIResponse,
        )

        request = requests.Request(method, self.base + path, params=params or None,
                                   json=body, headers={"Ocp-Apim-Subscription-Key": "k"})
        prepared = request.prepare()
        response = requests.Session().send(prepared, timeout=10)
        if valid:
            self.openapi.validate_request(RequestsOpenAPIRequest(prepared))
            self.openapi.validate_response(RequestsOpenAPIRequest(prepared),
                                           RequestsOpenAPIResponse(response))
        return response


def _api(live_server, name: str, prefix: str) -> FdrApi:
    from openapi_core import OpenAPI

    spec = json.loads((FDR_SPEC / name).read_text())
    base = live_server.url + prefix
    spec["servers"] = [{"url": base}]
    return FdrApi(base, OpenAPI.from_dict(spec))


@pytest.fixture
def psp_api(live_server):
    return _api(live_server, "openapi-psp.json", "/sandbox/fdr-psp/service/v1")


@pytest.fixture
def org_api(live_server):
    return _api(live_server, "openapi-organizations.json", "/sandbox/fdr-org/service/v1")


EC = "80000120016"
OTHER_EC = "09876540023"
IBAN = "IT60X0542811101000000123456"
OTHER_IBAN = "IT02L1234512345123456789012"


@pytest.fixture
def sandbox_payment(db):
    """What the sandbox's Node remembers of a payment it collected: its Payment with the
    activation answer it got (``get_payment_xml``), as ``sandbox.node`` records it."""
    from pagopa import soap
    from pagopa.messages import DebtorInfo, PaymentInfo, TransferInfo
    from sandbox.models import Payment

    def make(iuv: str, transfers=((EC, 2200, IBAN),), psp="SNDBXIT1", ec=EC,
             paid_at=None, stand_in=False, status=Payment.Status.PAID):
        info = PaymentInfo(
            creditor_reference_id=iuv, amount_cents=sum(t[1] for t in transfers),
            due_date=dt.date(2026, 12, 31), description="Trasporto scolastico",
            debtor=DebtorInfo("F", "RSSMRA80E12H501I", "Mario Rossi"),
            transfers=tuple(TransferInfo(id_transfer=n, amount_cents=amount,
                                         fiscal_code_pa=cf, remittance_information="TS",
                                         transfer_category="9/0106104SP/", iban=iban,
                                         company_name=f"Ente {cf}")
                            for n, (cf, amount, iban) in enumerate(transfers, start=1)),
            company_name="Comune di Prova")
        return Payment.objects.create(
            token=uuid.uuid4().hex, channel="checkout", ec_fiscal_code=ec,
            notice_number="3" + iuv, amount_cents=info.amount_cents, fee_cents=100, psp=psp,
            method="CP", stand_in=stand_in, status=status,
            paid_at=paid_at or timezone.now(),
            get_payment_xml=soap.build_get_payment_response(info).decode())

    return make
