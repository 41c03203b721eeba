"""The sandbox's PSPs report a day of N payments (default 10,000) and an Ente reads them.

Run from the repository root against a scratch database it may fill (it migrates it,
then adds N sandbox payments for an Ente of its own on a day of its own):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench_sandbox_fdr \\
        python bench/bench_sandbox_fdr.py [N]
Prints the time to publish the day's flow through the PSP API's operations (batches of
1,000), to write the treasurer's camt.053 of the day, and to read the flow back through
the organisations' API (list, flow, payments in pages of 1,000) with Django's test
client. No assertions: figures only.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import random
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sportello.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from pagopa import soap  # noqa: E402
from pagopa.messages import DebtorInfo, PaymentInfo, TransferInfo  # noqa: E402
from sandbox import fdr_publish, treasury  # noqa: E402
from sandbox.models import Payment  # noqa: E402

IBAN = "IT60X0542811101000000123456"


def make_payments(n: int) -> tuple[str, dt.date]:
    """N payments the sandbox collected for a new Ente on a day nobody else uses."""
    tag = uuid.uuid4().int % 10**9
    ente = f"{tag:011d}"
    day = dt.date(2000, 1, 1) + dt.timedelta(days=random.randrange(9000))  # noqa: S311
    paid_at = timezone.make_aware(dt.datetime.combine(day, dt.time(10)))
    rows = []
    for i in range(n):
        iuv = f"{tag % 10**7:07d}{i:010d}"
        info = PaymentInfo(
            creditor_reference_id=iuv, amount_cents=1000 + i % 5000,
            due_date=day, description="Bench", company_name="Bench",
            debtor=DebtorInfo("F", "RSSMRA80E12H501I", "Mario Rossi"),
            transfers=(TransferInfo(1, 1000 + i % 5000, ente, "Bench", "9/0101108TS/",
                                    iban=IBAN),))
        rows.append(Payment(
            token=uuid.uuid4().hex, channel="checkout", ec_fiscal_code=ente,
            notice_number="3" + iuv, amount_cents=info.amount_cents, psp="SNDBXIT1",
            method="CP", status=Payment.Status.PAID, paid_at=paid_at,
            get_payment_xml=soap.build_get_payment_response(info).decode()))
    Payment.objects.bulk_create(rows, batch_size=1000)
    return ente, day


def main(n: int) -> None:
    call_command("migrate", verbosity=0)
    ente, day = make_payments(n)
    started = time.perf_counter()
    report = fdr_publish.publish_day(day, ente)
    published = time.perf_counter() - started
    (flow,) = report.flows
    started = time.perf_counter()
    statement = treasury.statement(day, ente)
    camt = time.perf_counter() - started
    client = Client()
    base = f"/sandbox/fdr-org/service/v1/organizations/{ente}/fdrs"
    started = time.perf_counter()
    listed = client.get(base).json()["data"]
    assert listed[0]["fdr"] == flow.fdr
    client.get(f"{base}/{flow.fdr}/revisions/1/psps/SNDBXIT1").json()
    read, page = 0, 1
    while True:
        body = client.get(f"{base}/{flow.fdr}/revisions/1/psps/SNDBXIT1/payments",
                          {"page": page, "size": 1000}).json()
        read += len(body["data"])
        if page >= body["metadata"]["totPage"]:
            break
        page += 1
    served = time.perf_counter() - started
    load = os.getloadavg()
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {platform.processor() or 'cpu'} "
          f"({os.cpu_count()} CPUs), {connection.vendor}, load {load[0]:.1f}")
    print(f"publish one flow of {flow.tot_payments} payments: {published:.2f} s")
    print(f"camt.053 of the day ({len(statement) // 1024} KiB): {camt * 1000:.0f} ms")
    print(f"read back {read} payments through the organisations' API "
          f"({page} pages): {served:.2f} s")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
