"""Time the file import of issue 14: N rows (100,000 by default) checked and written on
PostgreSQL, with the peak memory of the process.

Run from the repository root against a scratch PostgreSQL database (it is migrated and
filled; the positions of its bench Ente are deleted first):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_import_bench \\
        python bench/bench_import.py [--rows N]
It writes the file (the template's columns: 80% single payments, 20% plans of two
installments; 20,000 debtors, each with one anagrafica on every row) to a temporary
directory, then times the back office's own jobs on a run of it: the check
(``imports.check``: count, read, parse, dry run: nothing written) and, confirmed, the
write (``imports.write``: read, parse, write in batches of 1,000, trusting the same
day's check: see ``imports.Checked``); then the same file again (all unchanged).
The write job analyzes the tables after a big write (``positions.bulk.refresh_statistics``:
the benchmark machine's PostgreSQL runs with autovacuum off), so the second pass plans on
figures for full tables. The tables the bench empties are deliberately not vacuumed: on
a table vacuumed empty, PostgreSQL plans (and keeps for the session) the foreign-key
checks of the first write as sequential scans, and each commit grew to seconds.
Peak memory is the process's maximum resident
set (``ru_maxrss``), printed after each phase: it must not grow with N (streaming).
No assertions: figures for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
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
from backoffice.models import ImportRun  # noqa: E402
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
            index = positions % len(codes)
            code = codes[index]
            reference = f"BENCH-{positions:07d}"
            base = [reference, code, "F", "Mario", f"Rossi {index % 97}", "Via Roma 1",
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

    ImportRun.objects.filter(organization=ente).delete()
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
        content = path.read_bytes()
        counted = count_rows(io.BytesIO(content), "csv")
        checked, check = check_run(ente, content)
        print(f"check (count + read + dry run): {checked:6.1f} s  {counted / checked:8.0f} rows/s"
              f"  {counts(check, 'check')}  peak RSS {peak_mb():.0f} MB  "
              f"load {os.getloadavg()[0]:.1f}")
        wrote, done = write_run(check)
        print(f"write (read + write, the check trusted): {wrote:6.1f} s  "
              f"{counted / wrote:8.0f} rows/s  {counts(done, 'write')}  "
              f"peak RSS {peak_mb():.0f} MB  load {os.getloadavg()[0]:.1f}")
        print(f"check + write: {checked + wrote:.1f} s")
        again_check, again = check_run(ente, content)
        again_write, again = write_run(again)
        print(f"same file again: check {again_check:6.1f} s + write {again_write:6.1f} s  "
              f"{counts(again, 'write')}  peak RSS {peak_mb():.0f} MB")


def counts(run: ImportRun, phase: str) -> dict:
    if phase == "check":
        return {"create": run.to_create, "update": run.to_update, "unchanged": run.unchanged,
                "invalid": run.invalid, "conflicts": run.conflicts}
    return {"created": run.created, "updated": run.updated, "kept": run.kept,
            "refused": run.refused}


def check_run(ente: Organization, content: bytes) -> tuple[float, ImportRun]:
    """The back office's check job (``imports.check``) on a run of the file."""
    run = ImportRun.objects.create(organization=ente, kind="csv", filename="bench.csv",
                                   content=content)
    start = time.perf_counter()
    imports.check(run.pk)
    elapsed = time.perf_counter() - start
    run.refresh_from_db()
    return elapsed, run


def write_run(run: ImportRun) -> tuple[float, ImportRun]:
    """Confirmed (as ``imports.confirm`` does), then the write job (``imports.write``)."""
    ImportRun.objects.filter(pk=run.pk, status=ImportRun.Status.CHECKED).update(
        status=ImportRun.Status.WRITING, processed=0)
    start = time.perf_counter()
    imports.write(run.pk)
    elapsed = time.perf_counter() - start
    run.refresh_from_db()
    return elapsed, run

if __name__ == "__main__":
    main()
