"""Flows and statements of the test Ente, made the way sync and upload store them; and
fixtures borrowed from the folders that define them: a real local HTTP server, the live
server as the site (sandbox included) and the sandbox's PSP-side FdR API."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.pagopa.conftest import http_server  # noqa: F401 - the fixture, over real HTTP
from tests.payments.conftest import site  # noqa: F401
from tests.reconciliation.camt import Entry
from tests.sandbox.conftest import psp_api  # noqa: F401


def flow_factory(default_organization):
    """``make(fdr, amount_cents, ...)``: a flow as the sync stores it (totals agreeing)."""
    from reconciliation.models import Flow

    def make(fdr="2026-11-27PSPTESTXXX-S0001", amount_cents=12340, *, revision=1,
             organization=default_organization, regulation_date=dt.date(2026, 11, 27), **fields):
        fields.setdefault("declared_amount_cents", amount_cents)
        fields.setdefault("payments_amount_cents", amount_cents)
        return Flow.objects.create(organization=organization, fdr=fdr, revision=revision,
                                   psp_id="PSPTESTXXX", psp_name="Banca di Prova",
                                   regulation=f"IUR-{fdr}", regulation_date=regulation_date,
                                   **fields)

    return make


@pytest.fixture
def make_flow(organization):
    return flow_factory(organization)


def riversamento(fdr: str, amount: str, reference: str = "") -> Entry:
    return Entry(amount, f"/PUR/LGPE-RIVERSAMENTO/URI/{fdr}", reference or f"B-{fdr}")
