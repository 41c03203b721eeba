"""The API's single create and the bulk writer (file import, bulk API) serialise on the
same lock per (Ente, reference): with a lock each of their own, a create and an import of
one reference could both find no position and both make one.

Arranged on PostgreSQL's real locks: a transaction holds the bulk writer's lock on the
reference; the API's create of that reference must wait for it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections, transaction

from positions import bulk
from positions.models import PaymentPosition
from tests.api.conftest import position_body
from tests.concurrency import PATIENCE, wait_until_blocked_or_done

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_the_api_create_waits_for_an_import_of_the_same_reference(api, organization, service):
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    holding, release, done = threading.Event(), threading.Event(), threading.Event()
    api_pid: list[int] = []
    statuses: list[int] = []
    errors: list[BaseException] = []

    def an_import_holding_the_reference() -> None:
        try:
            with transaction.atomic():
                bulk.lock_references(organization, ["TARI-2026-0001"])
                holding.set()
                release.wait(PATIENCE)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()

    def an_api_create() -> None:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_backend_pid()")
                api_pid.append(cursor.fetchone()[0])
            statuses.append(api.post("/positions", position_body()).status_code)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connections.close_all()
            done.set()

    holder = threading.Thread(target=an_import_holding_the_reference)
    holder.start()
    assert holding.wait(PATIENCE)
    creator = threading.Thread(target=an_api_create)
    creator.start()
    wait_until_blocked_or_done(api_pid, done, "the API's create")
    try:
        assert not done.is_set(), "the API's create did not wait for the import's lock"
    finally:
        release.set()
        holder.join(PATIENCE)
        creator.join(PATIENCE)
    assert not errors, errors
    assert statuses == [201]
    assert PaymentPosition.objects.filter(external_reference="TARI-2026-0001").count() == 1
