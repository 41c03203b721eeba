"""The Ente's treasurer in the sandbox: its statement of a day in camt.053, written from
its own book of credits (``TreasuryCredit``), never from the flows."""

from __future__ import annotations

import datetime as dt
from itertools import groupby

from django.db.models import Sum
from django.utils import timezone

from pagopa.camt_writer import Account, Credit, build_statement
from sandbox.fdr_publish import FALLBACK_IBAN
from sandbox.models import TreasuryCredit

TREASURER_BIC = "TSRYITRRXXX"


def statement(day: dt.date, organization_id: str, owner_name: str = "",
              now: dt.datetime | None = None) -> bytes:
    """One ``Stmt`` per account of the Ente that was credited on ``day`` (an empty
    statement when none was), with the balance carried from the earlier credits."""
    now = timezone.localtime(now or timezone.now())
    book = TreasuryCredit.objects.filter(organization_id=organization_id)
    credits = list(book.filter(booking_date=day).order_by("iban", "pk"))
    by_account = [(iban, list(entries))
                  for iban, entries in groupby(credits, key=lambda credit: credit.iban)]
    if not by_account:  # camt.053 has at least one Stmt: the balances, no entries
        known = book.filter(booking_date__lt=day).order_by("-booking_date", "-pk").first()
        by_account = [(known.iban if known else FALLBACK_IBAN, [])]
    accounts = []
    for iban, entries in by_account:
        opening = (book.filter(iban=iban, booking_date__lt=day)
                   .aggregate(total=Sum("amount_cents"))["total"] or 0)
        accounts.append(Account(
            iban=iban, owner_name=owner_name or f"Ente {organization_id}", day=day,
            opening_cents=opening, servicer_bic=TREASURER_BIC,
            statement_id=f"{organization_id}-{day:%Y%m%d}-{len(accounts) + 1}",
            credits=[Credit(amount_cents=c.amount_cents, booking_date=c.booking_date,
                            remittance=c.remittance, end_to_end_id=c.regulation,
                            debtor_name=c.psp_name, debtor_bic=c.bic) for c in entries]))
    return build_statement(accounts, f"CAMT053-{organization_id}-{day:%Y%m%d}", now)


def filename(day: dt.date, organization_id: str) -> str:
    return f"camt053_{organization_id}_{day:%Y%m%d}.xml"
