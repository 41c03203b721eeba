"""What App IO costs: inside the writer's transaction, when building, and per send.

Run from the repository root (a throw-away SQLite database under a temp dir, whatever
DATABASE_URL says):
    python bench/bench_appio.py [N]
Figures:
- the receiver's share of a bulk load of N positions (``positions_created`` for one
  batch): time and SQL statements with App IO on, against the same load with it off;
- building one message (markdown, subject, payment data), pure Python;
- sending (profile + message) to the sandbox's IO served over loopback HTTP by Django's
  threaded WSGI server in this process, one worker, as the job queue does it.
No assertions: figures only, to compare before and after a change.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
os.environ.setdefault("SPORTELLO_VAR_DIR", tempfile.mkdtemp(prefix="sportello-bench-"))
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from appio import content, sending  # noqa: E402
from appio.models import IoConfig, IoMessage  # noqa: E402
from catalog.models import Service  # noqa: E402
from organizations.models import Organization  # noqa: E402
from positions import events  # noqa: E402
from positions.models import Debtor, PaymentPosition  # noqa: E402
from positions.services import OptionSpec, create_position  # noqa: E402
from sandbox.models import IoProfile, IoService  # noqa: E402

KEY = "bench-io-key-000000000001"


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve() -> str:
    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.set_app(get_wsgi_application())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def setup(n: int) -> tuple[Organization, list[int]]:
    org = Organization.objects.create(
        slug="bench-io", fiscal_code="80000120016", name="Comune di Bench",
        segregation_code="01", broker_id="80000120016", station_id="80000120016_01",
        iban="IT60X0542811101000000123456")
    service = Service.objects.create(organization=org, code="tari", name="TARI",
                                     taxonomy_code="9/0101002IM/")
    ids = []
    for i in range(n):
        debtor = Debtor.objects.create(organization=org, fiscal_code=f"RSSMRA80E12H{i:03d}I"[:16],
                                       full_name=f"Debitore {i}")
        IoProfile.objects.get_or_create(fiscal_code=debtor.fiscal_code)
        ids.append(create_position(organization=org, debtor=debtor, service=service,
                                   causale=f"TARI 2026 n. {i}",
                                   options=[OptionSpec(12000, date.today() + timedelta(30))]).pk)
    return org, ids


def timed_signal(org, ids) -> tuple[float, int]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        with transaction.atomic():
            events.positions_created.send(PaymentPosition, organization=org,
                                          position_ids=ids, origin="ente")
            elapsed = time.perf_counter() - start
            transaction.set_rollback(True)  # measure again from the same state
    return elapsed, len(queries)


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend",
                                  "QUEUES": ["default", "bulk"]}}
    settings.SITE_URL = serve()
    settings.APPIO_URL = ""
    org, ids = setup(n)
    off = min(timed_signal(org, ids) for _ in range(3))
    IoService.objects.create(name="Bench", key=KEY, organization_fiscal_code=org.fiscal_code)
    config = IoConfig(organization=org, enabled=True)
    config.set_api_key(KEY)
    config.save()
    on = min(timed_signal(org, ids) for _ in range(3))
    positions = list(PaymentPosition.objects.filter(pk__in=ids).select_related(
        "organization", "debtor").prefetch_related("options"))
    start = time.perf_counter()
    for position in positions:
        content.build("created", position, content.option_to_pay(position),
                      "https://example.it/bench/paga/token/")
    build_us = (time.perf_counter() - start) / len(positions) * 1e6
    with transaction.atomic():
        sending.queue(positions, IoMessage.Kind.CREATED)
    sends = []
    for message_id in IoMessage.objects.values_list("pk", flat=True):
        start = time.perf_counter()
        sending.send(message_id)
        sends.append((time.perf_counter() - start) * 1000)
    states = set(IoMessage.objects.values_list("state", flat=True))
    load = os.getloadavg()[0]
    print(f"App IO bench, {n} positions, {platform.node()} ({os.cpu_count()} CPUs), "
          f"load {load:.1f}, SQLite")
    print(f"positions_created for {n}: IO off {off[0] * 1000:.1f} ms / {off[1]} statements; "
          f"IO on {on[0] * 1000:.1f} ms / {on[1]} statements")
    print(f"build one message: {build_us:.0f} µs")
    print(f"send one (profile + message over loopback HTTP, sandbox in-process): "
          f"p50 {statistics.median(sends):.1f} ms, "
          f"p95 {statistics.quantiles(sends, n=20)[18]:.1f} ms; states {sorted(states)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 200)
