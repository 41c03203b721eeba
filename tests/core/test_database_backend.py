"""PostgreSQL stops planning the statements a connection runs again and again (issue 17):
psycopg binds parameters server-side and prepares a statement once the connection has run
it ``DATABASE_PREPARE_THRESHOLD`` times; 0 turns it off (a pooler in transaction mode).
And a persistent connection is checked before reuse without a round trip
(``sportello.dbbackend``)."""

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from unittest import mock

import psycopg
import pytest
from django.db import connection

from organizations.models import Organization

ROOT = Path(__file__).resolve().parents[2]


def _database(**env) -> dict:
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL",
               "DATABASE_PREPARE_THRESHOLD"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped} | env
    code = ("import json; from django.conf import settings; "
            "print(json.dumps(settings.DATABASES['default'], default=str))")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
                            env=full_env, capture_output=True, text=True, timeout=120,
                            check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_binds_server_side_and_prepares_by_default_and_zero_turns_it_off():
    url = "postgres://user@db.example:5432/sportello"
    database = _database(DATABASE_URL=url)
    assert database["ENGINE"] == "sportello.dbbackend"
    assert database["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 2}
    assert _database(DATABASE_URL=url, DATABASE_PREPARE_THRESHOLD="0").get("OPTIONS",
                                                                           {}) == {}


@pytest.mark.django_db
def test_a_statement_run_again_is_prepared_on_postgresql(organization):
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL only")
    for _ in range(3):
        assert Organization.objects.filter(fiscal_code=organization.fiscal_code).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any('COUNT(*)' in sql and '"organizations_organization"' in sql
               for sql in prepared), prepared


def _terminated_by_the_server(pid: int) -> None:
    """``pg_terminate_backend`` from a connection of its own, as a restart would end it."""
    settings = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in settings.items()
                            if k not in ("cursor_factory", "prepare_threshold",
                                         "server_side_binding", "context")},
                         autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))


@pytest.mark.django_db(transaction=True)
def test_a_healthy_connection_is_checked_without_a_round_trip():
    if connection.vendor != "postgresql":
        pytest.skip("sportello.dbbackend: PostgreSQL only")
    connection.ensure_connection()
    with mock.patch.object(connection.connection, "execute",
                           side_effect=AssertionError("a round trip")), \
            mock.patch.object(connection.connection, "cursor",
                              side_effect=AssertionError("a round trip")):
        assert connection.is_usable()


@pytest.mark.django_db(transaction=True)
def test_a_connection_the_server_ended_is_replaced_before_the_request_uses_it(organization):
    if connection.vendor != "postgresql":
        pytest.skip("sportello.dbbackend: PostgreSQL only")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    old = connection.connection
    _terminated_by_the_server(pid)
    # The server's FATAL message reaches the socket (bounded wait, not a sleep).
    readable, _, _ = select.select([old.pgconn.socket], [], [], 10)
    assert readable
    connection.health_check_done = False  # as at the start of a request
    connection.close_if_health_check_failed()
    assert connection.connection is None
    assert Organization.objects.filter(pk=organization.pk).count() == 1  # reconnected
    assert connection.connection is not old
