"""Time the file import of issue 14: N rows (100,000 by default) checked and written on
PostgreSQL, with the peak memory of the process.

Run from the repository root against a scratch PostgreSQL database (it is migrated and
filled; the positions of its bench Ente are deleted first):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_import_bench \\
        python bench/bench_import.py [--rows N] [--xlsx]
It writes the file (the template's columns: 80% single payments, 20% plans of two
installments; 20,000 debtors) to a temporary directory, then times, as the back office
does them: the check (read, parse, dry run: nothing written) and the write (read, parse,
check again, write in batches of 1,000). Peak memory is the process's maximum resident
set (``ru_maxrss``), printed after each phase: it must not grow with N (streaming).
No assertions: figures for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import random
import resource
import string
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")
os.environ.setdefault("SPORTELLO_VAR_DIR", tempfile.mkdtemp(prefix="sportello-bench-"))

import django  # noqa: E402

django.setup()

from codicefiscale import codicefiscale as cf_lib  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from backoffice import imports  # noqa: E402
from backoffice.import_file import COLUMNS, count_rows  # noqa: E402
from catalog.models import Service  # noqa: E402
from organizations.models import Organization  # noqa: E402
from positions.models import Debtor, PaymentPosition  # noqa: E402


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fiscal_codes(count: int, rng: random.Random) -> list[str]:
    codes = set()
    months = "ABCDEHLMPRST"
    while len(codes) < count:
        body = ("".join(rng.choices(string.ascii_uppercase, k=6))
                + f"{rng.randint(40, 99)}{rng.choice(months)}{rng.randint(1, 28):02d}H501")
        codes.add(body + cf_lib.encode_cin(body))
    return sorted(codes)


def write_file(path: Path, rows: int, service: str) -> int:
    rng = random.Random(14)
    codes = fiscal_codes(20_000, rng)
    due = dt.date.today() + dt.timedelta(days=60)
    written = positions = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle, delimiter=";")
        out.writerow(COLUMNS)
        while written < rows:
            code = codes[positions % len(codes)]
            reference = f"BENCH-{positions:07d}"
            base = [reference, code, "F", "Mario", f"Rossi {positions % 97}", "Via Roma 1",
                    "00100", "Roma", "RM", "IT", "", service, "TARI 2026"]
            if positions % 5 == 4 and written + 2 <= rows:
                out.writerow([*base, "60,25", f"{due:%d/%m/%Y}", "1", "", ""])
                out.writerow([*base, "60,25", f"{due + dt.timedelta(days=60):%d/%m/%Y}",
                              "2", "", ""])
                written += 2
            else:
                out.writerow([*base, f"{rng.randint(1000, 99999) / 100:.2f}".replace(".", ","),
                              f"{due:%d/%m/%Y}", "", "", ""])
                written += 1
            positions += 1
    return positions


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a scratch PostgreSQL database.")
    call_command("migrate", verbosity=0)
    ente, _ = Organization.objects.get_or_create(
        fiscal_code="80000120016", defaults=dict(
            slug="bench-import", name="Comune del Bench", segregation_code="01",
            broker_id="80000120016", station_id="80000120016_01",
            iban="IT60X0542811101000000123456"))
    service, _ = Service.objects.get_or_create(
        organization=ente, code="tari", defaults=dict(name="TARI",
                                                      taxonomy_code="9/0101108TS/"))
    from audit.models import AuditEntry  # noqa: F401 - append-only: left as it is
    from payments.models import AcaPush

    AcaPush.objects.filter(option__organization=ente).delete()
    PaymentPosition.objects.filter(organization=ente).delete()
    Debtor.objects.filter(organization=ente).delete()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.csv"
        positions = write_file(path, args.rows, service.code)
        size = path.stat().st_size / 1024 / 1024
        print(f"{platform.node()} {platform.processor() or platform.machine()}, "
              f"{os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}; {dt.datetime.now():%F %H:%M}")
        print(f"file: {args.rows} rows, {positions} positions, {size:.1f} MB; "
              f"peak RSS before {peak_mb():.0f} MB")
        with path.open("rb") as stream:
            start = time.perf_counter()
            counted = count_rows(stream, "csv")
            check = imports.import_stream(stream, "csv", ente, dry_run=True)
            checked = time.perf_counter() - start
        print(f"check (count + read + dry run): {checked:6.1f} s  {counted / checked:8.0f} rows/s"
              f"  {dict(check.counts)}  peak RSS {peak_mb():.0f} MB")
        with path.open("rb") as stream:
            start = time.perf_counter()
            done = imports.import_stream(stream, "csv", ente, dry_run=False)
            wrote = time.perf_counter() - start
        print(f"write (read + check + write): {wrote:6.1f} s  {counted / wrote:8.0f} rows/s"
              f"  {dict(done.counts)}  peak RSS {peak_mb():.0f} MB")
        print(f"check + write: {checked + wrote:.1f} s")
        with path.open("rb") as stream:
            start = time.perf_counter()
            again = imports.import_stream(stream, "csv", ente, dry_run=False)
            twice = time.perf_counter() - start
        print(f"same file again: {twice:6.1f} s  {dict(again.counts)}  "
              f"peak RSS {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
