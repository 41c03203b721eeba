"""Run the deadline day (bench/locustfile.py) against the production server, then check the
database: no lost and no doubled receipt. Writes its section of RESULTS.md.

    DATABASE_URL=postgres://…/bench CACHE_URL=redis://127.0.0.1:6379/7 \\
        .venv/bin/python bench/deadline_day.py --minutes 10 --users 60

The bench Ente must exist (``generate_bench_data``, e.g. through ``bench/run.py``). The
server is ``manage.py serve`` with the bench settings and the built-in sandbox switched on
(citizens pay through it), on a loopback port; locust runs headless for the given time.
Afterwards the runner waits for the job queue to drain (receipts of online payments,
emails), then counts: receipts the portal acknowledged to the locust Node that are not
stored (lost), options with more than one applied receipt (doubled), sandbox payments
whose receipt never reached us (lost), and 5xx answers.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from django.db.models import Count  # noqa: E402

from bench import run  # noqa: E402  (sets Django up)
from demo import bench_data  # noqa: E402
from payments.models import Receipt  # noqa: E402
from positions.models import PaymentOption, PaymentPosition  # noqa: E402

BEGIN, END = "<!-- bench/deadline_day.py: begin -->", "<!-- bench/deadline_day.py: end -->"
EC_OPERATIONS = ("paVerifyPaymentNotice", "paGetPaymentV2", "paSendRTV2")


def prepare(path: Path, notices: int) -> None:
    ente = bench_data.organization()
    known = [bench_data.partita_iva(k.index + 1) for k in (bench_data.SMALL, bench_data.BIG)]
    options = run.open_options(notices, known)
    refs = list(PaymentPosition.objects.filter(organization=ente)
                .exclude(debtor__fiscal_code__in=known).order_by("-pk")
                .values_list("debtor__fiscal_code", "external_reference")[:2000])
    path.write_text(json.dumps({
        "slug": ente.slug, "fiscal_code": ente.fiscal_code, "broker_id": ente.broker_id,
        "station_id": ente.station_id, "iban": bench_data.IBAN,
        "secret_header": run.SECRET_HEADER, "secret": run.NODE_SECRET,
        "password": bench_data.PASSWORD,
        "accounts": [bench_data.SMALL.email, bench_data.BIG.email],
        "notices": [[o.notice_number, o.iuv, o.amount_cents, o.position.debtor.fiscal_code]
                    for o in options],
        "references": random.sample(refs, min(len(refs), 500)),
    }))


def stats(csv_path: Path) -> list[dict]:
    with csv_path.open() as f:
        return list(csv.DictReader(f))


def last_delivery_id() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT coalesce(max(id), 0) FROM sandbox_receiptdelivery")
        return cursor.fetchone()[0]


def check(acked: list[str], started: dt.datetime, first_delivery: int) -> dict:
    """What the database says after the run."""
    from django.db import connection

    stored = set(Receipt.objects.filter(receipt_id__in=acked).values_list("receipt_id",
                                                                          flat=True))
    doubled = (Receipt.objects.filter(applied=True, option__isnull=False)
               .values("option").annotate(n=Count("pk")).filter(n__gt=1).count())
    with connection.cursor() as cursor:
        # The sandbox's own records (another party: read as its tables, not its code).
        cursor.execute("SELECT count(*) FROM sandbox_receiptdelivery WHERE id > %s",
                       [first_delivery])
        (deliveries,) = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM sandbox_receiptdelivery d WHERE d.id > %s AND NOT "
            "EXISTS (SELECT 1 FROM payments_receipt r WHERE r.receipt_id = d.receipt_id)",
            [first_delivery])
        (undelivered,) = cursor.fetchone()
    since = Receipt.objects.filter(received_at__gte=started)
    return {"acked_by_portal": len(acked), "acked_not_stored": len(set(acked) - stored),
            "options_with_two_applied_receipts": doubled,
            "sandbox_receipts": deliveries, "sandbox_receipts_not_stored": undelivered,
            "receipts_stored": since.count(), "receipts_applied": since.filter(
                applied=True).count(),
            "receipts_flagged": since.filter(needs_attention=True).count(),
            "options_paid": PaymentOption.objects.filter(paid_at__gte=started).count()}


def report(result: dict) -> str:
    lines = [BEGIN, "", "## A deadline day (bench/deadline_day.py, locust)", "",
             f"{result['date']}, {result['machine']}; `manage.py serve` with the production "
             f"settings and the sandbox on, gunicorn {result['gunicorn']} threads, cache "
             f"{result['cache']}, {result['positions']:,} positions; locust {result['users']} "
             f"users (Node 3 : citizens 7) for {result['minutes']} min, load average "
             f"{result['load_before']:.1f} before, {result['load_after']:.1f} after. "
             "Regenerate: `bench/deadline_day.py --minutes 10 --users 60`.", "",
             "| request | count | failures | p50 | p98 | max | per s |",
             "|---|---|---|---|---|---|---|"]
    for row in result["stats"]:
        lines.append(f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                     f"{row['50%']} ms | {row['98%']} ms | {float(row['Max Response Time']):.0f}"
                     f" ms | {float(row['Requests/s']):.1f} |")
    checks = result["checks"]
    lines += ["", f"5xx answers: {result['server_errors']}. Database after the job queue "
              f"drained ({result['drained_s']:.0f} s): " + ", ".join(
                  f"{key.replace('_', ' ')} {value}" for key, value in checks.items()) + ".",
              "", END]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--users", type=int, default=60)
    parser.add_argument("--spawn-rate", type=float, default=5)
    parser.add_argument("--notices", type=int, default=20000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--var-dir", default="/tmp/sportello-deadline")
    args = parser.parse_args()
    var_dir = Path(args.var_dir)
    var_dir.mkdir(parents=True, exist_ok=True)
    data, acked_path = var_dir / "data.json", var_dir / "acked.json"
    prepare(data, args.notices)
    started = dt.datetime.now(dt.UTC)
    first_delivery = last_delivery_id()
    load_before = os.getloadavg()[0]
    server = run.Server(var_dir, args.workers, sandbox=True)
    try:
        env = {**os.environ, "BENCH_DATA": str(data), "BENCH_ACKED": str(acked_path)}
        subprocess.run([sys.executable, "-m", "locust", "-f", str(run.ROOT / "bench" /
                        "locustfile.py"), "--headless", "--host", server.url, "--users",
                        str(args.users), "--spawn-rate", str(args.spawn_rate), "--run-time",
                        f"{int(args.minutes * 60)}s", "--stop-timeout", "30", "--csv",
                        str(var_dir / "locust"), "--only-summary"],
                       env=env, check=False)
        drained = server.wait_for_jobs(timeout=600)
    finally:
        server.stop()
    log = (var_dir / "server.log").read_text(errors="replace")
    server_errors = sum(1 for line in log.splitlines()
                        if '" 5' in line and "HTTP/1.1" in line)  # gunicorn's access log
    result = {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": run.machine(), "users": args.users, "minutes": args.minutes,
        "gunicorn": f"{args.workers or 'auto'}×8", "cache": os.environ.get("CACHE_URL",
                                                                        "local memory"),
        "positions": PaymentPosition.objects.count(), "load_before": load_before,
        "load_after": os.getloadavg()[0], "drained_s": drained,
        "stats": stats(var_dir / "locust_stats.csv"), "server_errors": server_errors,
        "checks": check(json.loads(acked_path.read_text()), started, first_delivery),
    }
    run.RESULTS.mkdir(exist_ok=True)
    (run.RESULTS / "deadline_day.json").write_text(json.dumps(result, indent=1))
    print(json.dumps(result["checks"], indent=1))
    run.write_section(report(result), BEGIN, END)


if __name__ == "__main__":
    main()
