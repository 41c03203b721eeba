"""Time the REST API's bulk create of 1,000 positions (target: under 3 s).

Run from the repository root, on a scratch database (it is migrated and seeded):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_api_bench \
        python bench/bench_api.py [RUNS]
Without DATABASE_URL a scratch SQLite file under a temp dir. Each run POSTs 1,000 new
positions (2 installments each, so 2,000 options and IUVs) to /api/v1/positions/bulk with
the demo token, through Django's whole request stack (middleware, auth, validation, the
domain's bulk writer, the JSON answer), then the same 1,000 again (all ``unchanged``).
No assertions: figures for bench/RESULTS.md.
"""

from __future__ import annotations

import json
import os
import platform
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
os.environ.setdefault("SPORTELLO_VAR_DIR", tempfile.mkdtemp(prefix="sportello-bench-"))
os.environ.setdefault("API_RATE", "100000/m")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

from demo.management.commands.seed_demo import DEMO_API_TOKEN  # noqa: E402
from positions.models import PaymentPosition  # noqa: E402

PLACES = ["H501", "F205", "L219", "A662", "G273", "D612", "C351", "L736"]
MONTHS = "ABCDEHLMPRST"


def fiscal_codes(n: int) -> list[str]:
    """``n`` distinct valid codici fiscali (check character computed), births spread over
    decades and a few comuni, as a real run of an Ente's debtors."""
    from codicefiscale.codicefiscale import encode_cin

    codes = []
    for i in range(n):
        root = (f"RSS{'MRALGUAND'[i % 3 * 3:i % 3 * 3 + 3]}{40 + i % 60:02d}"
                f"{MONTHS[i % 12]}{1 + i % 28:02d}{PLACES[i % len(PLACES)]}")
        codes.append(root + encode_cin(root))
    return codes


CODES = fiscal_codes(1000)


def batch(run: int, n: int = 1000) -> dict:
    due = date.today() + timedelta(days=30)
    return {"positions": [{
        "reference": f"BENCH-{run}-{i:05d}", "service": "trasporto-scolastico",
        "causale": f"Trasporto scolastico rata {i}",
        "debtor": {"fiscal_code": CODES[i], "full_name": f"Debitore {i}"},
        "options": [{"amount_cents": 2000, "due_date": due.isoformat(), "installment_number": 1},
                    {"amount_cents": 2000, "due_date": (due + timedelta(days=30)).isoformat(),
                     "installment_number": 2}],
    } for i in range(n)]}


def post(client: Client, body: str) -> tuple[float, int, int, dict]:
    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.post("/api/v1/positions/bulk", body, content_type="application/json",
                               HTTP_AUTHORIZATION=f"Bearer {DEMO_API_TOKEN}")
        elapsed = time.perf_counter() - start
    return elapsed, response.status_code, len(queries), response.json().get("counts", {})


def main() -> None:
    runs = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    cpu = next((line.split(":", 1)[1].strip() for line in
                Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    call_command("migrate", verbosity=0)
    call_command("seed_demo", "--demo-api-token", verbosity=0)
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {cpu}; database "
          f"{connection.vendor}; load average {os.getloadavg()[0]:.1f}")
    client = Client()
    post(client, json.dumps(batch("warm-up", 1)))  # first request builds ninja's models
    for run in range(runs):
        body = json.dumps(batch(f"{time.time_ns()}-{run}"))
        first = post(client, body)
        again = post(client, body)
        print(f"run {run + 1}: create 1,000 {first[0]:6.2f} s (HTTP {first[1]}, "
              f"{first[2]} statements, {first[3]}); the same again {again[0]:6.2f} s "
              f"(HTTP {again[1]}, {again[2]} statements, {again[3]})")
    print(f"positions now: {PaymentPosition.objects.count()}")


if __name__ == "__main__":
    main()
