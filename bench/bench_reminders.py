"""Time a reminders run and the pay-link page, on a scratch database.

Run from the repository root:
    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_reach_bench \\
        .venv/bin/python bench/bench_reminders.py [N]
(without BENCH_DATABASE_URL: a throw-away SQLite file). The database is **emptied**
first (``flush``): give it one of its own. It creates N positions due in
three days for a service with reminders on (each debtor with an email), then measures
``send_reminders --dry-run`` (the plan), the real run (rows, signal, pay link, one email
queued per position) with SQL statements per position, a second run that finds nothing
left, and GET /<ente>/paga/<token>/ through Django's test client. No assertions.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
os.environ.setdefault("SPORTELLO_VAR_DIR", tempfile.mkdtemp(prefix="sportello-bench-"))
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def main(n: int) -> None:
    settings.ALLOWED_HOSTS = ["*"]
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    call_command("migrate", verbosity=0)
    call_command("flush", interactive=False, verbosity=0)
    from catalog.models import Service
    from organizations.models import Organization
    from positions.models import Debtor
    from positions.services import OptionSpec, create_position
    from reminders import paylinks, sending
    from reminders.models import Reminder, ReminderPolicy

    slug = f"bench-reminders-{int(time.time())}"
    org = Organization.objects.create(
        slug=slug, fiscal_code="80000120016", name="Comune del Bench", segregation_code="01",
        broker_id="80000120016", station_id="80000120016_01",
        iban="IT60X0542811101000000123456")
    service = Service.objects.create(organization=org, code="tari", name="TARI",
                                     taxonomy_code="9/0106104SP/")
    ReminderPolicy.objects.create(service=service, enabled=True)
    due = timezone.localdate() + timedelta(days=3)
    started = time.perf_counter()
    for i in range(n):
        debtor = Debtor.objects.create(organization=org, fiscal_code=f"RSSMRA80E12H{i:03d}I"[:16],
                                       full_name=f"Debitore {i}", email=f"d{i}@example.it")
        create_position(organization=org, debtor=debtor, service=service,
                        causale=f"TARI rata {i}", options=[OptionSpec(12000, due)])
    print(f"{n} positions created in {time.perf_counter() - started:.1f} s")
    on = timezone.localdate()

    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        planned = sending.plan(on)
        plan_took = time.perf_counter() - started
        plan_statements = statements[0]
    print(f"dry run (plan): {len(planned)} reminders in {plan_took:.2f} s, "
          f"{plan_statements} SQL statements")
    statements[0] = 0
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        counts = sending.send(on)
        took = time.perf_counter() - started
    print(f"run: {counts} in {took:.2f} s, {took / max(n, 1) * 1000:.1f} ms and "
          f"{statements[0] / max(n, 1):.1f} SQL statements per position (plan included)")
    started = time.perf_counter()
    again = sending.send(on)
    print(f"second run: {again} in {time.perf_counter() - started:.2f} s")
    assert Reminder.objects.filter(organization=org).count() == n

    position = org.positions.first()
    path = "/" + paylinks.pay_link_url(position).split("://", 1)[1].split("/", 1)[1]
    client = Client()
    settings.REMINDERS_PAY_LINK_RATE = "100000/m"
    times = []
    for _ in range(50):
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    print(f"pay-link page: p50 {statistics.median(times):.1f} ms, "
          f"max {max(times):.1f} ms, {len(queries)} SQL statements")
    print(f"machine: {platform.node()} {platform.machine()}, load {os.getloadavg()}, "
          f"database {connection.vendor}, {timezone.now():%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)
