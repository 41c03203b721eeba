"""Webhook deliveries and expiry, measured on a real database.

Run from the repository root with a PostgreSQL database of its own (it is migrated and
filled; never point it at a real one):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench_webhooks \\
        python bench/bench_webhooks.py [DELIVERIES] [POSITIONS]
Figures:
- the cost inside the payment's transaction when one endpoint listens (the receiver
  writes an Event and a Delivery): option.mark_paid with and without an endpoint;
- deliveries per second to a loopback receiver (http.server, 200), one worker, each with
  its claim, POST, attempt row and update;
- expire_due over POSITIONS positions past due (one transaction per position).
No assertions: figures only.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
os.environ["WEBHOOKS_ALLOW_PRIVATE_TARGETS"] = "true"
os.environ["PAGOPA_ACA_URL"] = "http://127.0.0.1:9/aca/v1"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from catalog.models import Service  # noqa: E402
from organizations.models import Organization  # noqa: E402
from positions.expiry import expire_due  # noqa: E402
from positions.models import Debtor, PaymentOption  # noqa: E402
from positions.services import OptionSpec, create_position  # noqa: E402
from webhooks import delivery  # noqa: E402
from webhooks.models import Delivery, Endpoint  # noqa: E402

# No job queue here: the bench calls the delivery itself.
settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                              "QUEUES": ["default", "bulk"]}}


class Ok(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802
        self.rfile.read(int(self.headers["Content-Length"]))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *args):
        pass


def setup() -> tuple[Organization, Service, Debtor]:
    call_command("migrate", verbosity=0)
    organization, _ = Organization.objects.get_or_create(
        slug="bench-webhooks", defaults=dict(
            fiscal_code="80000120016", name="Comune Bench", segregation_code="01",
            broker_id="80000120016", station_id="80000120016_01",
            iban="IT60X0542811101000000123456"))
    service, _ = Service.objects.get_or_create(organization=organization, code="bench",
                                               defaults=dict(name="Bench",
                                                             taxonomy_code="9/0106104SP/"))
    debtor, _ = Debtor.objects.get_or_create(organization=organization,
                                             fiscal_code="RSSMRA80E12H501I",
                                             defaults=dict(full_name="Mario Rossi"))
    return organization, service, debtor


def positions(organization, service, debtor, n: int, switch: bool = False) -> list[int]:
    due = dt.date.today() + dt.timedelta(days=1)
    return [create_position(organization=organization, debtor=debtor, service=service,
                            causale="Bench", options=[OptionSpec(1000, due)],
                            external_reference=f"B-{time.time_ns()}",
                            switch_to_expired=switch).options.get().pk for _ in range(n)]


def pay_all(option_ids: list[int]) -> float:
    start = time.perf_counter()
    for pk in option_ids:
        with transaction.atomic():
            option = PaymentOption.objects.select_related("position").get(pk=pk)
            option.mark_paid()
    return (time.perf_counter() - start) / len(option_ids) * 1000


def main() -> None:
    n_deliveries = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    n_positions = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    organization, service, debtor = setup()
    Endpoint.objects.filter(organization=organization).delete()
    now = dt.datetime.now(dt.UTC)
    print(f"{platform.node()} {platform.processor() or platform.machine()} "
          f"{os.cpu_count()} cores, {connection.vendor}, {now:%Y-%m-%d %H:%M} UTC")

    without = pay_all(positions(organization, service, debtor, n_deliveries))
    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Endpoint.objects.create(organization=organization, secret="x" * 40,
                            url=f"http://127.0.0.1:{server.server_address[1]}/hook",
                            events=["position.paid", "position.expired"])
    with_endpoint = pay_all(positions(organization, service, debtor, n_deliveries))
    print(f"mark_paid transaction, no endpoint      {without:7.2f} ms")
    print(f"mark_paid transaction, one endpoint     {with_endpoint:7.2f} ms")

    pending = list(Delivery.objects.filter(status="pending").values_list("pk", flat=True))
    start = time.perf_counter()
    for pk in pending:
        delivery.deliver(pk)
    elapsed = time.perf_counter() - start
    delivered = Delivery.objects.filter(pk__in=pending, status="delivered").count()
    print(f"deliveries to loopback, one worker      {len(pending) / elapsed:7.1f} /s "
          f"({delivered}/{len(pending)} delivered, {elapsed / len(pending) * 1000:.1f} ms each)")

    positions(organization, service, debtor, n_positions, switch=True)
    start = time.perf_counter()
    run = expire_due(dt.date.today() + dt.timedelta(days=2))
    elapsed = time.perf_counter() - start
    print(f"expire_due, one endpoint listening      {run.expired / elapsed:7.1f} options/s "
          f"({run.expired} expired in {elapsed:.1f} s)")
    server.shutdown()


if __name__ == "__main__":
    main()
