"""CPU time per EC call, in one process, beside the framework floor (issue 17).

Drives ``/pagopa/paForNode`` and ``/bench/floor`` through Django's full handler and every
middleware of the bench settings (production plus a query counter), with no server and no
network, and prints the CPU time (``time.process_time``) per call, its ratio to the floor
and the SQL statements per call. CPU time is what a busy machine cannot inflate as much as
wall time; the load average is printed next to the wall figures anyway.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench \\
        .venv/bin/python bench/ec_inprocess.py --calls 300 [--profile verify]

``--receipt-endpoint`` prints instead what paSendRTV2 costs the endpoint around
``payments.receipts.receive`` (the Ente read, parsing and validating the receipt, the
answer), each step alone, with the ORM's Ente read of before beside ours.

The PostgreSQL backend's own CPU per call (from /proc, 10 ms ticks over all the calls)
is printed too: on a 2-core machine the database's planning and execution compete with
the app for the same cores.

Needs the bench data (``manage.py generate_bench_data``). paGetPaymentV2 inserts
Activation rows (as the Node's calls do); nothing else is written.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.inprocess import configure  # noqa: E402

SECRET = configure()
os.environ.setdefault("SPORTELLO_VAR_DIR", "/tmp/sportello-bench-inprocess")

import django  # noqa: E402

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from demo import bench_data  # noqa: E402
from organizations.models import Organization  # noqa: E402
from pagopa import soap  # noqa: E402
from pagopa.messages import GetPaymentRequest, RequestHeader, VerifyRequest  # noqa: E402
from payments import ec  # noqa: E402
from positions.models import PaymentOption  # noqa: E402


def bodies(calls: int) -> dict[str, list[bytes]]:
    ente = bench_data.organization()
    header = RequestHeader(ente.fiscal_code, ente.broker_id, ente.station_id)
    notices = list(PaymentOption.objects.filter(organization=ente, status="unpaid")
                   .order_by("?").values_list("notice_number", flat=True)[:calls])
    return {
        "paVerifyPaymentNotice": [soap.build_verify_request(VerifyRequest(
            header, ente.fiscal_code, n)) for n in notices],
        "paGetPaymentV2": [soap.build_get_payment_request(GetPaymentRequest(
            header, ente.fiscal_code, n)) for n in notices],
    }


def backend_cpu() -> float:
    """CPU seconds the PostgreSQL backend of our connection has used (planning and running
    our statements: on a 2-core machine it competes with the app for the same cores)."""
    if connection.vendor != "postgresql":
        return 0.0
    if not hasattr(backend_cpu, "pid"):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend_cpu.pid = cursor.fetchone()[0]
    fields = Path(f"/proc/{backend_cpu.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(client: Client, name: str, items: list) -> dict:
    cpu, wall, queries = [], [], []
    db0 = backend_cpu()
    for item in items:
        c0, w0 = time.process_time(), time.perf_counter()
        if name == "floor":
            response = client.get("/bench/floor")
        else:
            response = client.post("/pagopa/paForNode", data=item, content_type="text/xml",
                                   headers={"SOAPAction": name,
                                            "X-Pagopa-Node-Secret": SECRET})
        cpu.append(time.process_time() - c0)
        wall.append(time.perf_counter() - w0)
        if response.status_code != 200 or (
                name != "floor" and b"<outcome>OK</outcome>" not in response.content):
            raise RuntimeError(f"{name}: {response.status_code} {response.content[:300]!r}")
        queries.append(int(response["X-Bench-Queries"]))
    db_ms = (backend_cpu() - db0) / len(cpu) * 1000
    return {"cpu_ms": statistics.mean(cpu) * 1000, "db_cpu_ms": db_ms,
            "cpu_p50_ms": statistics.median(cpu) * 1000,
            "wall_p50_ms": statistics.median(wall) * 1000,
            "queries": sorted(set(queries))}


def receipt_endpoint(calls: int) -> None:
    """CPU per call of each step paSendRTV2 takes in the endpoint outside the receipt's
    transaction (nothing is written: the receipt itself is not delivered)."""
    from bench.run import receipt_body

    option = PaymentOption.objects.filter(organization=bench_data.organization(),
                                          status="unpaid").select_related(
        "position__debtor").first()
    body = receipt_body(option, option.position.debtor.fiscal_code)
    fiscal_code = option.organization.fiscal_code
    steps = {
        "Ente read, ORM (before)":
            lambda: Organization.objects.filter(fiscal_code=fiscal_code).first(),
        "Ente read, ec.ente": lambda: ec.ente(fiscal_code),
        "parse + XSD-validate": lambda: soap.parse_request(body, "paSendRTV2"),
        "build the answer": lambda: soap.build_send_rt_response(2),
    }
    print(f"paSendRTV2's endpoint steps, {calls} calls each (best of 3 rounds)")
    for name, step in steps.items():
        for _ in range(50):
            step()
        best = None
        for _ in range(3):
            db0, c0 = backend_cpu(), time.process_time()
            for _ in range(calls):
                step()
            cpu, db = time.process_time() - c0, backend_cpu() - db0
            best = min(best or (cpu, db), (cpu, db))
        print(f"{name:26} CPU {best[0] / calls * 1000:.3f} ms/call;"
              f" + PostgreSQL backend {best[1] / calls * 1000:.3f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", choices=["verify", "get"], default=None)
    parser.add_argument("--receipt-endpoint", action="store_true")
    args = parser.parse_args()
    if args.receipt_endpoint:
        receipt_endpoint(args.calls)
        return
    client = Client()
    work = bodies(args.calls)
    run(client, "floor", range(50))  # warm-up: imports, connection, schemas
    run(client, "paVerifyPaymentNotice", work["paVerifyPaymentNotice"][:50])
    if args.profile:
        name = {"verify": "paVerifyPaymentNotice", "get": "paGetPaymentV2"}[args.profile]
        profiler = cProfile.Profile(time.process_time)  # CPU, as the figures
        profiler.enable()
        run(client, name, work[name])
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return
    best: dict[str, dict] = {}
    for _ in range(args.rounds):  # the best round of each: the least disturbed by others
        for name, items in (("floor", range(args.calls)), *work.items()):
            result = run(client, name, items)
            if name not in best or result["cpu_ms"] < best[name]["cpu_ms"]:
                best[name] = result
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, "
          f"{args.calls} calls x {args.rounds} rounds (best round)")
    floor = best["floor"]["cpu_ms"]
    for name, result in best.items():
        print(f"{name:22} CPU {result['cpu_ms']:.3f} ms/call"
              f" = {result['cpu_ms'] / floor:.2f}x floor ({floor / result['cpu_ms']:.0%});"
              f" + PostgreSQL backend {result['db_cpu_ms']:.3f} ms;"
              f" wall p50 {result['wall_p50_ms']:.2f} ms; SQL {result['queries']}")


if __name__ == "__main__":
    main()
