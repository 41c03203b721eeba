"""Import a treasurer's statement of N credits (default 2,000) against N flows, and write
the accounting export of M receipts (default 10,000); print the times.

Run from the repository root against a scratch database it may fill (it migrates it,
then adds an Ente of its own each run):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench_treasury \\
        python bench/bench_treasury.py [N] [M]
No assertions: figures only. A real Ente gets a handful of pagoPA credits a day (one per
PSP); N is far above that on purpose. Of the credits 98% match their flow, 1% have another
amount and 1% name a flow never received, so the issues' inserts are measured too.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
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
from django.utils import timezone  # noqa: E402

from catalog.models import Service  # noqa: E402
from organizations.models import Organization  # noqa: E402
from pagopa.camt_writer import Account, Credit, build_statement  # noqa: E402
from payments.models import Receipt  # noqa: E402
from positions.models import Debtor, PaymentOption, PaymentPosition  # noqa: E402
from reconciliation.credits import import_statement  # noqa: E402
from reconciliation.exports import accounting_rows  # noqa: E402
from reconciliation.models import Flow, FlowPayment, ReconciliationIssue  # noqa: E402
from reconciliation.treasury import parse_camt053  # noqa: E402

IBAN = "IT60X0542811101000000123456"


def make_ente() -> Organization:
    tag = uuid.uuid4().int % 10**9
    return Organization.objects.create(
        slug=f"bench-treasury-{tag}", fiscal_code=f"{tag:011d}", name="Bench",
        segregation_code="01", broker_id=f"{tag:011d}", station_id=f"{tag:011d}_01",
        iban=IBAN)


def statement_of(organization: Organization, n: int) -> bytes:
    today = timezone.localdate()
    Flow.objects.bulk_create(
        [Flow(organization=organization, fdr=f"F{organization.pk}-{i}", revision=1,
              psp_id="BENCHPSP", regulation_date=today, declared_amount_cents=10_000 + i,
              payments_amount_cents=10_000 + i) for i in range(n) if i % 100 != 1],
        batch_size=2000)
    credits = [Credit(amount_cents=10_000 + i + (1 if i % 100 == 2 else 0), booking_date=today,
                      remittance=f"/PUR/LGPE-RIVERSAMENTO/URI/F{organization.pk}-{i}",
                      end_to_end_id=f"SEPA{organization.pk}X{i}", debtor_name="Bench PSP")
               for i in range(n)]
    account = Account(iban=IBAN, owner_name="Bench", day=today, opening_cents=0,
                      credits=credits, statement_id="BENCH-1")
    return build_statement([account], f"BENCH-{organization.pk}", timezone.now())


def receipts_of(organization: Organization, m: int) -> None:
    service = Service.objects.create(organization=organization, code="b", name="Bench",
                                     taxonomy_code="9/0106104SP/", accounting_chapter="3050",
                                     accounting_assessment="2026/1")
    debtor = Debtor.objects.create(organization=organization, fiscal_code="RSSMRA80E12H501I",
                                   full_name="Mario Rossi")
    positions = PaymentPosition.objects.bulk_create(
        [PaymentPosition(organization=organization, debtor=debtor, service=service,
                         causale=f"Bench {i}") for i in range(m)], batch_size=2000)
    options = PaymentOption.objects.bulk_create(
        [PaymentOption(position=p, organization=organization, iuv=f"01{i:015d}",
                       notice_number=f"301{i:015d}", amount_cents=1000)
         for i, p in enumerate(positions)], batch_size=2000)
    now = timezone.now()
    receipts = Receipt.objects.bulk_create(
        [Receipt(organization=organization, option=o, receipt_id=f"IUR{o.iuv}",
                 notice_number=o.notice_number, fiscal_code=organization.fiscal_code,
                 creditor_reference_id=o.iuv, outcome="OK", amount_cents=1000,
                 description="Bench", company_name="Bench", id_psp="BENCHPSP",
                 psp_company_name="Bench PSP", id_channel="BENCHPSP_01",
                 channel_description="app", raw_xml="<bench/>", applied=True,
                 payment_date_time=now, debtor={"id_value": "RSSMRA80E12H501I",
                                                "full_name": "Mario Rossi"})
         for o in options], batch_size=2000)
    flow = Flow.objects.filter(organization=organization).first()
    FlowPayment.objects.bulk_create(
        [FlowPayment(flow=flow, index=i + 1, iuv=r.creditor_reference_id, iur=r.receipt_id,
                     id_transfer=1, amount_cents=1000, pay_status="EXECUTED", receipt=r,
                     match_state="riconciliato") for i, r in enumerate(receipts)],
        batch_size=2000)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 2_000
    m = int(sys.argv[2]) if len(sys.argv) > 2 else 10_000
    call_command("migrate", verbosity=0)
    organization = make_ente()
    data = statement_of(organization, n)
    started = time.perf_counter()
    parsed = parse_camt053(data)
    parsing = time.perf_counter() - started
    started = time.perf_counter()
    stored = import_statement(organization, "bench.xml", data, None)
    importing = time.perf_counter() - started
    issues = ReconciliationIssue.objects.filter(organization=organization).count()
    receipts_of(organization, m)
    started = time.perf_counter()
    rows = sum(1 for _row in accounting_rows(organization, date_from=dt.date.min))
    exporting = time.perf_counter() - started
    load = os.getloadavg()
    print(f"{platform.node()} {platform.processor() or platform.machine()} "
          f"{os.cpu_count()} CPUs, {connection.vendor}, load {load[0]:.1f}")
    print(f"parse {len(parsed.credits)} credits ({len(data) / 1e6:.1f} MB): {parsing:.2f} s")
    print(f"import and match {stored.credits_count} credits: {importing:.2f} s, {issues} issues")
    print(f"accounting rows of {rows} receipts: {exporting:.2f} s")


if __name__ == "__main__":
    main()
