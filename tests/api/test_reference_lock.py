"""The API's single create and the bulk writer (file import, bulk API) serialise on the
same lock per (Ente, reference): with a lock each of their own, a create and an import of
one reference could both find no position and both make one.

Arranged on PostgreSQL's real locks: a transaction holds the bulk writer's lock on the
reference; the API's create of that reference must wait for it."""

from __future__ import annotations

import pytest
from django.db import connection

from positions import bulk
from positions.models import PaymentPosition
from tests.api.conftest import position_body
from tests.concurrency import waits_for_holder

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_api_create_waits_for_an_import_of_the_same_reference(api, organization, service):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    status = waits_for_holder(
        lambda: bulk.lock_references(organization, ["TARI-2026-0001"]),
        lambda: api.post("/positions", position_body()).status_code, "the API's create")
    assert status == 201
    assert PaymentPosition.objects.filter(external_reference="TARI-2026-0001").count() == 1
