"""The figures of the staff's home (*Cruscotto*), every one aggregated by the database.

Money collected means receipts with outcome OK (what the PSPs moved to the Ente, the same
rule as the receipts list's total), by payment date in the Ente's time zone. What is still
due counts, for each position, only one plan: the installments being paid, or, while no
option is paid, the single payment (plan 0) — plans are alternatives, adding them would
count the same debt twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Min, OuterRef, Q, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from appio.models import IoConfig
from organizations.models import Organization
from payments.models import AcaPush, Channel, Receipt
from positions.models import PaymentOption
from reconciliation import sync
from reconciliation.models import ReconciliationIssue

MONTHS = 12
DUE = (PaymentOption.Status.UNPAID,)


@dataclass(frozen=True)
class Row:
    label: str
    cents: int
    count: int


def _month_starts(today: dt.date, months: int = MONTHS) -> list[dt.date]:
    first = today.replace(day=1)
    starts = []
    for _i in range(months):
        starts.append(first)
        first = (first - dt.timedelta(days=1)).replace(day=1)
    return starts[::-1]


def _since(start: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(start, dt.time()))


def collected_by_month(organization: Organization, today: dt.date) -> list[Row]:
    """The last twelve months, the current one included, each with its total (0 too)."""
    starts = _month_starts(today)
    found = {
        timezone.localtime(row["month"]).date() if isinstance(row["month"], dt.datetime)
        else row["month"]: row
        for row in (Receipt.objects.collected().filter(organization=organization,
                                                       payment_date_time__gte=_since(starts[0]))
                    .annotate(month=TruncMonth("payment_date_time")).values("month")
                    .annotate(cents=Sum("amount_cents"), count=Count("pk")).order_by("month"))}
    return [Row(date_format(start, "F Y"), found.get(start, {}).get("cents") or 0,
                found.get(start, {}).get("count") or 0) for start in starts]


def collected_by_service(organization: Organization, today: dt.date) -> list[Row]:
    since = _since(_month_starts(today)[0])
    rows = (Receipt.objects.collected()
            .filter(organization=organization, payment_date_time__gte=since)
            .values("option__position__service__name")
            .annotate(cents=Sum("amount_cents"), count=Count("pk")).order_by("-cents"))
    return [Row(row["option__position__service__name"] or _("Avviso sconosciuto"),
                row["cents"], row["count"]) for row in rows]


def collected_by_channel(organization: Organization, today: dt.date) -> list[Row]:
    since = _since(_month_starts(today)[0])
    found = {row["channel"]: row for row in (
        Receipt.objects.collected().filter(organization=organization,
                                           payment_date_time__gte=since)
        .with_channel().values("channel").annotate(cents=Sum("amount_cents"), count=Count("pk"))
        .order_by())}
    return [Row(str(label), found.get(value, {}).get("cents") or 0,
                found.get(value, {}).get("count") or 0) for value, label in Channel.choices]


def due_totals(organization: Organization, today: dt.date) -> dict:
    """Unpaid and overdue (due date passed, still payable): amount and count, one plan per
    position (see the module's docstring)."""
    open_plan = (PaymentOption.objects.filter(position=OuterRef("position"), status__in=DUE)
                 .values("position").annotate(plan=Min("plan")).values("plan"))
    options = (PaymentOption.objects.filter(organization=organization, status__in=DUE)
               .filter(plan=Subquery(open_plan)))
    overdue = Q(due_date__lt=today)
    return options.aggregate(
        unpaid_cents=Sum("amount_cents", default=0), unpaid_count=Count("pk"),
        overdue_cents=Sum("amount_cents", filter=overdue, default=0),
        overdue_count=Count("pk", filter=overdue))


def paid_today(organization: Organization, today: dt.date, limit: int = 50):
    """Receipts that closed a position today (by payment date), newest first."""
    return (Receipt.objects.filter(organization=organization, applied=True,
                                   payment_date_time__date=today)
            .with_channel().select_related("option__position__service",
                                           "option__position__debtor")
            .order_by("-payment_date_time", "-pk")[:limit])


def needing_action(organization: Organization, limit: int = 10) -> dict:
    flagged = Receipt.objects.filter(organization=organization).needing_attention()
    failed = (AcaPush.objects.filter(option__organization=organization,
                                     status=AcaPush.Status.FAILED)
              .select_related("option__position").order_by("pending_since"))
    io_config = IoConfig.objects.filter(organization=organization).first()
    return {"io_suspended": io_config if io_config and io_config.suspended_at else None,
            "flagged_count": flagged.count(),
            "flagged": flagged.order_by("received_at")[:limit],
            "aca_failed_count": failed.count(), "aca_failed": failed[:limit]}


def reconciliation_status(organization: Organization) -> dict:
    """The last FdR sync that finished (when flows were last fetched) and the open items
    of the reconciliation work queue."""
    last = sync.last_sync(organization)
    open_issues = ReconciliationIssue.objects.filter(
        organization=organization, state=ReconciliationIssue.State.OPEN).count()
    return {"last_sync": last, "reconciliation_open": open_issues}


def chart_data(by_month: list[Row], by_service: list[Row], by_channel: list[Row]) -> dict:
    """What static/js/dashboard-charts.js draws (euro, not cents), read from json_script."""
    def series(rows):
        return {"labels": [r.label for r in rows], "values": [r.cents / 100 for r in rows]}

    return {"month": series(by_month), "service": series(by_service),
            "channel": {"labels": [r.label for r in by_channel],
                        "values": [r.count for r in by_channel]},
            "labels": {"euro": _("Incassato (€)"), "count": _("Pagamenti")}}


def home_context(organization: Organization, today: dt.date | None = None) -> dict:
    today = today or timezone.localdate()
    by_month = collected_by_month(organization, today)
    by_service = collected_by_service(organization, today)
    by_channel = collected_by_channel(organization, today)
    return {"today": today, "by_month": by_month, "by_service": by_service,
            "by_channel": by_channel, "due": due_totals(organization, today),
            "paid_today": paid_today(organization, today),
            "charts": chart_data(by_month, by_service, by_channel),
            **needing_action(organization), **reconciliation_status(organization)}
