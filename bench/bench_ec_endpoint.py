"""Latency and throughput of /pagopa/paForNode with many positions in the database.

Two steps, from the repository root, with the same DATABASE_URL (PostgreSQL):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench python bench/bench_ec_endpoint.py load
    DATABASE_URL=... python manage.py serve --no-worker --port 8765 &   # the server under test
    DATABASE_URL=... python bench/bench_ec_endpoint.py run --url http://127.0.0.1:8765

``load`` creates a bench Ente with 100,000 positions (bulk inserts, no signals) once.
``run`` sends a bounded number of paVerifyPaymentNotice, paGetPaymentV2 and paSendRTV2
calls over HTTP on loopback only, and prints p50/p99 and throughput per operation.
No assertions: figures go to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import statistics
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")

import django  # noqa: E402

django.setup()

import requests  # noqa: E402
from django.db import connection, transaction  # noqa: E402

from catalog.models import Service  # noqa: E402
from organizations.models import Organization  # noqa: E402
from pagopa import soap  # noqa: E402
from pagopa.identifiers import make_iuv, notice_number_for_iuv  # noqa: E402
from pagopa.messages import (  # noqa: E402
    DebtorInfo,
    GetPaymentRequest,
    ReceiptInfo,
    RequestHeader,
    SendRTRequest,
    TransferInfo,
    VerifyRequest,
)
from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer  # noqa: E402

FISCAL_CODE = "01234567891"
IBAN = "IT60X0542811101000000123456"
BATCH = 5000


def bench_organization() -> Organization:
    organization, _ = Organization.objects.get_or_create(
        fiscal_code=FISCAL_CODE,
        defaults=dict(slug="bench", name="Comune del Benchmark", segregation_code="07",
                      broker_id=FISCAL_CODE, station_id=f"{FISCAL_CODE}_01", iban=IBAN))
    return organization


def load(count: int) -> None:
    organization = bench_organization()
    existing = PaymentOption.objects.filter(organization=organization).count()
    if existing >= count:
        print(f"{existing} positions already loaded")
        return
    service, _ = Service.objects.get_or_create(organization=organization, code="bench",
                                               defaults={"name": "Tributo di prova",
                                                         "taxonomy_code": "9/0101100IM/"})
    debtors = Debtor.objects.bulk_create(
        [Debtor(organization=organization, fiscal_code=f"{90000000000 + i}", entity_type="G",
                full_name=f"Impresa {i} S.r.l.") for i in range(1000)],
        ignore_conflicts=True)
    debtors = list(Debtor.objects.filter(organization=organization))
    started = time.perf_counter()
    base = organization.reserve_iuv_bases(count - existing)[0]
    for start in range(0, count - existing, BATCH):
        size = min(BATCH, count - existing - start)
        with transaction.atomic():
            positions = PaymentPosition.objects.bulk_create([
                PaymentPosition(organization=organization, debtor=debtors[i % len(debtors)],
                                service=service, causale=f"Tributo 2026 n. {base + start + i}")
                for i in range(size)])
            options = []
            for i, position in enumerate(positions):
                iuv = make_iuv(organization.segregation_code, base + start + i)
                options.append(PaymentOption(
                    position=position, organization=organization, iuv=iuv,
                    notice_number=notice_number_for_iuv(iuv), amount_cents=1000 + i % 9000))
            options = PaymentOption.objects.bulk_create(options)
            Transfer.objects.bulk_create([
                Transfer(option=o, index=1, beneficiary_fiscal_code=FISCAL_CODE,
                         beneficiary_name=organization.name, iban=IBAN,
                         amount_cents=o.amount_cents, remittance_information="Tributo 2026",
                         taxonomy_code="9/0101100IM/") for o in options])
        print(f"  {start + size} / {count - existing}", end="\r", flush=True)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    print(f"\nloaded {count - existing} positions in {time.perf_counter() - started:.1f} s")


def _header(organization: Organization) -> RequestHeader:
    return RequestHeader(organization.fiscal_code, organization.broker_id,
                         organization.station_id)


def _receipt(header: RequestHeader, option: PaymentOption) -> bytes:
    receipt = ReceiptInfo(
        receipt_id=uuid.uuid4().hex, notice_number=option.notice_number,
        fiscal_code=FISCAL_CODE, outcome="OK", creditor_reference_id=option.iuv,
        amount_cents=option.amount_cents, description="Tributo 2026",
        company_name="Comune del Benchmark", debtor=DebtorInfo("G", "90000000001", "Impresa"),
        transfers=(TransferInfo(1, option.amount_cents, FISCAL_CODE, "Tributo 2026",
                                "9/0101100IM/", iban=IBAN),),
        id_psp="BENCHPSP", psp_company_name="PSP", id_channel="BENCHPSP_01",
        channel_description="bench")
    return soap.build_send_rt_request(SendRTRequest(header, receipt))


def _measure(url: str, bodies: list[tuple[str, bytes]], concurrency: int) -> list[float]:
    sessions: dict[int, requests.Session] = {}

    def one(item: tuple[str, bytes]) -> float:
        session = sessions.setdefault(threading.get_ident(), requests.Session())
        action, body = item
        started = time.perf_counter()
        response = session.post(url, data=body, timeout=30, headers={
            "Content-Type": "text/xml; charset=utf-8", "SOAPAction": action})
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or b"<outcome>OK</outcome>" not in response.content:
            raise RuntimeError(f"{action}: {response.status_code} {response.content[:300]!r}")
        return elapsed

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        return list(pool.map(one, bodies))


def run(base_url: str, requests_per_operation: int, concurrency: int) -> None:
    host = urlsplit(base_url).hostname
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("the benchmark only talks to a server on loopback")
    organization = bench_organization()
    header = _header(organization)
    open_options = list(PaymentOption.objects.filter(
        organization=organization, status=PaymentOption.Status.UNPAID).order_by("?")
        .only("notice_number", "iuv", "amount_cents")[:requests_per_operation * 2])
    if len(open_options) < requests_per_operation * 2:
        raise SystemExit("not enough unpaid positions: run `load` with a larger count")
    total = PaymentOption.objects.filter(organization=organization).count()
    reads, pays = open_options[:requests_per_operation], open_options[requests_per_operation:]
    plans = {
        "paVerifyPaymentNotice": [("paVerifyPaymentNotice", soap.build_verify_request(
            VerifyRequest(header, FISCAL_CODE, o.notice_number))) for o in reads],
        "paGetPaymentV2": [("paGetPaymentV2", soap.build_get_payment_request(
            GetPaymentRequest(header, FISCAL_CODE, o.notice_number))) for o in reads],
        "paSendRTV2": [("paSendRTV2", _receipt(header, o)) for o in pays],
    }
    url = base_url.rstrip("/") + "/pagopa/paForNode"
    machine = platform.processor() or platform.machine()
    print(f"{total} positions in {connection.vendor}; {requests_per_operation} calls per "
          f"operation, {concurrency} concurrent clients; {machine}, {os.cpu_count()} CPUs, "
          f"Python {platform.python_version()}")
    _measure(url, random.sample(plans["paVerifyPaymentNotice"], min(50, len(reads))),
             concurrency)  # warm-up
    for name, bodies in plans.items():
        started = time.perf_counter()
        times = sorted(_measure(url, bodies, concurrency))
        wall = time.perf_counter() - started
        p50 = statistics.median(times) * 1000
        p99 = times[min(len(times) - 1, int(len(times) * 0.99))] * 1000
        print(f"| {name} | {p50:.1f} ms | {p99:.1f} ms | {times[-1] * 1000:.1f} ms | "
              f"{len(times) / wall:.0f} req/s |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    loading = sub.add_parser("load")
    loading.add_argument("--positions", type=int, default=100_000)
    running = sub.add_parser("run")
    running.add_argument("--url", default="http://127.0.0.1:8765")
    running.add_argument("--requests", type=int, default=2000,
                         help="calls per operation (bounded; sendRT pays that many)")
    running.add_argument("--concurrency", type=int, default=8)
    args = parser.parse_args()
    if args.command == "load":
        load(args.positions)
    else:
        run(args.url, args.requests, args.concurrency)


if __name__ == "__main__":
    main()
