"""PostgreSQL stops planning the statements a connection runs again and again (issue 17):
psycopg binds parameters server-side and prepares a statement once the connection has run
it ``DATABASE_PREPARE_THRESHOLD`` times; 0 turns it off (a pooler in transaction mode)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from organizations.models import Organization

ROOT = Path(__file__).resolve().parents[2]


def _database_options(**env) -> dict:
    dropped = {"DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL",
               "DATABASE_PREPARE_THRESHOLD"}
    full_env = {k: v for k, v in os.environ.items() if k not in dropped} | env
    code = ("import json; from django.conf import settings; "
            "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))")
    result = subprocess.run([sys.executable, "manage.py", "shell", "-c", code], cwd=ROOT,
                            env=full_env, capture_output=True, text=True, timeout=120,
                            check=True)
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_postgresql_binds_server_side_and_prepares_by_default_and_zero_turns_it_off():
    url = "postgres://user@db.example:5432/sportello"
    assert _database_options(DATABASE_URL=url) == {"server_side_binding": True,
                                                   "prepare_threshold": 2}
    assert _database_options(DATABASE_URL=url, DATABASE_PREPARE_THRESHOLD="0") == {}


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
