"""Shared fixtures: an Ente with its services, debtors and a position factory."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.cache import cache

SPEC_DIR = Path(__file__).resolve().parents[1].parent / "shared" / "pagopa-spec"


@pytest.fixture(autouse=True)
def _italian():
    """Every test starts in Italian: a request in English (the language switcher tests)
    leaves English active in its thread, as Django does between requests."""
    from django.utils import translation

    translation.activate("it")
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _clear_cache():
    """Rate-limit counters live in the cache: each test starts from zero."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def organization(db):
    from organizations.models import Organization

    return Organization.objects.create(
        slug="comune-di-prova", fiscal_code="80000120016", name="Comune di Prova",
        segregation_code="01", broker_id="80000120016", station_id="80000120016_01",
        iban="IT60X0542811101000000123456", email="info@comune.example",
    )


@pytest.fixture
def other_organization(db):
    from organizations.models import Organization

    return Organization.objects.create(
        slug="altro-comune", fiscal_code="09876540023", name="Altro Comune",
        segregation_code="02", broker_id="09876540023", station_id="09876540023_01",
        iban="IT60X0542811101000000123456",
    )


@pytest.fixture
def service(organization):
    from catalog.models import Service

    return Service.objects.create(
        organization=organization, code="trasporto-scolastico", name="Trasporto scolastico",
        taxonomy_code="9/0106104SP/",
    )


@pytest.fixture
def debtor(organization):
    from positions.models import Debtor

    return Debtor.objects.create(
        organization=organization, fiscal_code="RSSMRA80E12H501I", full_name="Mario Rossi",
    )


@pytest.fixture
def make_position(organization, service, debtor):
    """Create a position through the domain service (the way the product does)."""
    from positions.services import OptionSpec, create_position

    def make(causale="Trasporto scolastico mese di Settembre", amount_cents=2200,
             reference="TS-2026-09", installments=None, **kwargs):
        options = installments or [OptionSpec(amount_cents, date.today() + timedelta(days=30))]
        return create_position(
            organization=kwargs.pop("organization", organization),
            debtor=kwargs.pop("debtor", debtor), service=kwargs.pop("service", service),
            causale=causale, options=options, external_reference=reference, **kwargs,
        )

    return make


@pytest.fixture
def payer(db):
    from accounts.models import User

    return User.objects.create_user("mario.rossi@example.it", "Password-lunga-123",
                                    first_name="Mario", last_name="Rossi",
                                    fiscal_code="RSSMRA80E12H501I")
