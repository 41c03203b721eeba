"""Time the avviso of the demo position built from the database, as the view does it.

Run from the repository root (a throw-away SQLite database under a temp dir, whatever
DATABASE_URL says):
    python bench/bench_documents_django.py [N]
Reports three figures per document: loading from the DB (queries + NoticeInfo), rendering
the PDF, and the whole GET /<ente>/pratiche/<pk>/avviso.pdf through Django's test client;
each as CPU time of this process (``time.process_time()``) and wall time, with the load.
No assertions: figures only, to compare before and after a change.
"""

from __future__ import annotations

import io
import os
import platform
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
os.environ.setdefault("SPORTELLO_VAR_DIR", tempfile.mkdtemp(prefix="sportello-bench-"))
# Always a scratch SQLite file: the bench migrates and seeds, never touch a real database.
os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import reverse  # noqa: E402

from documents.avviso import render_notice  # noqa: E402
from documents.builders import for_notices, notice_info_for  # noqa: E402
from positions.models import PaymentPosition  # noqa: E402


def timed(label: str, n: int, run) -> None:
    run()  # warm-up
    start, cpu_start = time.perf_counter(), time.process_time()
    for _ in range(n):
        run()
    cpu = time.process_time() - cpu_start
    elapsed = time.perf_counter() - start
    print(f"{label:<34} n={n:<4} CPU {cpu / n * 1000:7.2f} ms   wall {elapsed / n * 1000:7.2f} ms"
          f"   {n / elapsed:7.1f} /s   load {os.getloadavg()[0]:.2f}")


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 50
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {cpu}; "
          f"database {connection.vendor}; single process")
    warnings.filterwarnings("ignore", message="No directory at")  # no collectstatic here
    call_command("migrate", verbosity=0)
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    single = PaymentPosition.objects.get(external_reference="TS-2026-09")
    rates = PaymentPosition.objects.get(external_reference="MS-2026-RATE")
    slug = single.organization.slug

    def load(position):
        return lambda: notice_info_for(for_notices(PaymentPosition.objects.filter(
            pk=position.pk)).get())

    info = load(single)()
    rates_info = load(rates)()
    timed("load from DB (single payment)", n, load(single))
    timed("load from DB (2 open installments)", n, load(rates))
    timed("render PDF (single payment)", n, lambda: render_notice(info))
    timed("render PDF (2 open installments)", n, lambda: render_notice(rates_info))

    client = Client()
    client.post(reverse("positions:search", args=[slug]),
                {"fiscal_code": "RSSMRA80E12H501I", "reference": "TS-2026-09"})
    url = reverse("documents:notice", args=[slug, single.pk])
    with CaptureQueriesContext(connection) as queries:
        size = len(client.get(url).content)
    print(f"GET avviso.pdf: {len(queries.captured_queries)} queries, {size / 1024:.1f} KiB")
    timed("GET avviso.pdf (search session)", n, lambda: client.get(url))


if __name__ == "__main__":
    main()
