"""App IO over HTTP: the portal's sends go to the sandbox's IO on the live server."""

from __future__ import annotations

import pytest

from tests.backoffice.conftest import (  # noqa: F401 - fixtures
    manager,
    manager_client,
    operator,
    operator_client,
)
from tests.payments.conftest import site  # noqa: F401 - fixture

KEY = "io-key-comune-di-prova-0001"


@pytest.fixture
def io_site(site, settings):  # noqa: F811
    settings.APPIO_URL = ""  # the sandbox's IO at SITE_URL/sandbox/io/api/v1
    return site


@pytest.fixture
def io_service(organization):
    from sandbox.models import IoService

    return IoService.objects.create(name="Comune di Prova - Tributi", key=KEY,
                                    organization_fiscal_code=organization.fiscal_code)


@pytest.fixture
def io_config(organization, io_service):
    from appio.models import IoConfig

    config = IoConfig(organization=organization, enabled=True)
    config.set_api_key(KEY)
    config.save()
    return config


@pytest.fixture
def citizen(debtor):
    from sandbox.models import IoProfile

    return IoProfile.objects.create(fiscal_code=debtor.fiscal_code, full_name="Mario Rossi")
