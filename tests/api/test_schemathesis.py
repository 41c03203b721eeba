"""schemathesis against the live schema (/api/v1/openapi.json) of a live server with the
demo data and the demo token: every operation, valid and invalid data, all of
schemathesis's checks (the CLI's ``--checks all``: no 500, status codes, content types,
headers and bodies as documented, invalid data refused, auth enforced). Bounded
(``MAX_EXAMPLES`` per operation and mode) so CI stays fast.

Driven through schemathesis's Python API (one Hypothesis run per operation and mode):
its pytest plugin does not run under pytest 9 yet."""

from __future__ import annotations

import pytest
import schemathesis
from django.core.management import call_command
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.config import SchemathesisConfig
from schemathesis.generation.modes import GenerationMode

from demo.management.commands.seed_demo import DEMO_API_TOKEN

pytestmark = pytest.mark.django_db(transaction=True)
MAX_EXAMPLES = 25
# Schema-valid data may still break a pagoPA rule no JSON Schema can state (an IBAN's or a
# codice fiscale's check characters, transfers that must add up, an Ente's own service
# codes): the API answers those with a documented 422 problem, which is right; and a
# ``cursor`` is opaque (signed by the server), so one made up is a documented 400.
CONFIG = SchemathesisConfig.from_dict({"checks": {"positive_data_acceptance": {
    "expected-statuses": ["2xx", "400", "401", "403", "404", "409", "422", "429"]}}})


def test_the_api_keeps_its_schema(live_server, settings):
    settings.API_RATE = "100000/m"
    settings.API_AUTH_FAILURE_RATE = "100000/m"
    call_command("seed_demo", "--demo-api-token", verbosity=0)
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/v1/openapi.json",
                                           config=CONFIG)
    load_all_checks()
    checks = CHECKS.get_all()
    headers = {"Authorization": f"Bearer {DEMO_API_TOKEN}"}
    failures: list[str] = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for operation in operations:
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):

            @given(case=operation.as_strategy(generation_mode=mode))
            @hypothesis_settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True,
                      suppress_health_check=list(HealthCheck), database=None)
            def run(case):
                case.call_and_validate(headers=headers, checks=checks)

            try:
                run()
            except (Exception, BaseExceptionGroup) as exc:  # all operations, all failures
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)
