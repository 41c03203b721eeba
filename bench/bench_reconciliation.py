"""Match one flow of N payments (default 10,000) against N receipts and print the time:
a new flow as the sync stores it (matched in memory, then inserted with its issues:
``reconciliation.sync._store``), and the same payments matched again as each sync does
for those that did not agree (``matching.match_flow``: one UPDATE).

Run from the repository root against a scratch database it may fill (it migrates it,
then adds an Ente of its own, N positions, receipts and one flow; run it again and it
starts from a new Ente):
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/sportello_bench_recon \\
        python bench/bench_reconciliation.py [N]
The target (issue 15): 10,000 flow payments matched in under 10 s. No assertions:
figures only. Of the payments 97% agree, 1% have another amount, 1% no receipt and 1%
an IUV the Ente never issued, so every branch and the issues' inserts are measured.
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
from pagopa import fdr as api  # noqa: E402
from payments.models import Receipt  # noqa: E402
from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer  # noqa: E402
from reconciliation import matching, sync  # noqa: E402
from reconciliation.models import FlowPayment, ReconciliationIssue  # noqa: E402


def make_data(n: int) -> tuple[Organization, list[api.Payment]]:
    tag = uuid.uuid4().int % 10**9
    organization = Organization.objects.create(
        slug=f"bench-recon-{tag}", fiscal_code=f"{tag:011d}", name="Bench",
        segregation_code="01", broker_id=f"{tag:011d}", station_id=f"{tag:011d}_01",
        iban="IT60X0542811101000000123456")
    service = Service.objects.create(organization=organization, code="b", name="Bench",
                                     taxonomy_code="9/0106104SP/")
    debtor = Debtor.objects.create(organization=organization,
                                   fiscal_code="RSSMRA80E12H501I", full_name="Mario Rossi")
    positions = PaymentPosition.objects.bulk_create(
        [PaymentPosition(organization=organization, debtor=debtor, service=service,
                         causale=f"Bench {i}") for i in range(n)], batch_size=2000)
    options = PaymentOption.objects.bulk_create(
        [PaymentOption(position=p, organization=organization, iuv=f"01{i:015d}",
                       notice_number=f"301{i:015d}", amount_cents=1000 + i % 500)
         for i, p in enumerate(positions)], batch_size=2000)
    Transfer.objects.bulk_create(
        [Transfer(option=o, index=1, beneficiary_fiscal_code=organization.fiscal_code,
                  iban=organization.iban, amount_cents=o.amount_cents,
                  remittance_information="Bench", taxonomy_code="9/0106104SP/")
         for o in options], batch_size=2000)
    with_receipt = [o for i, o in enumerate(options) if i % 100 != 1]
    Receipt.objects.bulk_create(
        [Receipt(organization=organization, option=o, receipt_id=f"IUR{o.iuv}",
                 notice_number=o.notice_number, fiscal_code=organization.fiscal_code,
                 creditor_reference_id=o.iuv, outcome="OK", amount_cents=o.amount_cents,
                 description="Bench", company_name="Bench", id_psp="BENCHPSP",
                 psp_company_name="Bench PSP", id_channel="BENCHPSP_01",
                 channel_description="app", raw_xml="<bench/>", applied=True,
                 transfers=[{"id_transfer": 1, "amount_cents": o.amount_cents}])
         for o in with_receipt], batch_size=2000)
    now = timezone.now()
    payments = []
    for i, o in enumerate(options):
        amount = o.amount_cents + (1 if i % 100 == 2 else 0)
        iuv = o.iuv if i % 100 != 3 else f"09{i:015d}"
        payments.append(api.Payment(index=i + 1, iuv=iuv, iur=f"IUR{o.iuv}", id_transfer=1,
                                    amount_cents=amount, pay_status="EXECUTED",
                                    pay_date=now))
    return organization, payments


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    call_command("migrate", verbosity=0)
    started = time.perf_counter()
    organization, payments = make_data(n)
    print(f"data: {n} positions, options, transfers, receipts in "
          f"{time.perf_counter() - started:.1f} s")
    header = api.Flow(
        fdr=f"BENCH-{organization.pk}", revision=1, status="PUBLISHED", fdr_date=None,
        regulation="SEPA BENCH", regulation_date=dt.date.today(), bic="",
        sender=api.Sender("LEGAL_PERSON", "X", "BENCHPSP", "Bench PSP", "B", "B_01"),
        receiver=api.Receiver("X", organization.fiscal_code, "Bench"), published=None,
        computed_count=n, computed_amount_cents=None, declared_count=n,
        declared_amount_cents=sum(p.amount_cents for p in payments))
    ref = api.FlowRef(header.fdr, "BENCHPSP", 1, None, None)
    started = time.perf_counter()
    flow, count = sync._store(organization, ref, header, api.Payments(payments))
    stored = time.perf_counter() - started
    started = time.perf_counter()
    counts = matching.match_flow(flow)
    matched = time.perf_counter() - started
    issues = ReconciliationIssue.objects.filter(organization=organization).count()
    assert FlowPayment.objects.filter(flow=flow).count() == n
    load = os.getloadavg()
    print(f"{platform.node()} {platform.processor() or platform.machine()} "
          f"{os.cpu_count()} CPUs, {connection.vendor}, load {load[0]:.1f}")
    print(f"new flow, {count} payments matched and stored: {stored:.2f} s "
          f"({n / stored:,.0f}/s), {issues} issues")
    print(f"the same {n} matched again (UPDATE): {matched:.2f} s  ({n / matched:,.0f}/s) "
          f"{dict(counts)}")


if __name__ == "__main__":
    main()
