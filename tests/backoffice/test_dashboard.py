"""Issue 13 item 6: the dashboard's figures, aggregated by the database and correct:
collected by month, by service and by channel (each chart with its table), unpaid and
overdue totals counting one plan per position, flagged receipts and refused ACA pushes,
what was paid today; the charts are CSP-safe (json_script and a static file)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from backoffice import dashboard
from catalog.models import Service
from payments.models import AcaPush, PaymentAttempt
from positions.models import PaymentOption
from positions.services import OptionSpec
from tests.payments.test_pages import make_receipt
from tests.payments.test_receipt_review import deliver, info_for

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 3, 15)


def at(day: dt.date, hour: int = 10):
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def mensa(organization):
    return Service.objects.create(organization=organization, code="mensa", name="Mensa",
                                  taxonomy_code="9/0101002IM/")


def paid_option(make_position, cents, when, reference, **receipt_values):
    option = make_position(reference=reference, amount_cents=cents,
                           **receipt_values.pop("position", {})).options.get()
    option.mark_paid(when)
    return make_receipt(option, reference.ljust(32, "x"), amount_cents=cents,
                        payment_date_time=when, **receipt_values)


@pytest.fixture
def history(make_position, mensa, organization):
    attempt = PaymentAttempt.objects.create(organization=organization, amount_cents=1)
    return [
        paid_option(make_position, 1000, at(dt.date(2026, 1, 31), 23), "jan",
                    attempt=attempt),
        paid_option(make_position, 2500, at(dt.date(2026, 3, 1)), "mar1"),
        paid_option(make_position, 700, at(TODAY, 9), "today", stand_in=True,
                    position={"service": mensa}),
        # A year and more ago: outside the twelve months.
        paid_option(make_position, 9999, at(dt.date(2025, 3, 31)), "old"),
        # KO: no money moved.
        paid_option(make_position, 5000, at(TODAY), "ko", outcome="KO", applied=False),
    ]


def test_collected_by_month(organization, history):
    rows = dashboard.collected_by_month(organization, TODAY)
    assert len(rows) == 12
    assert rows[0].label == "Aprile 2025" and rows[-1].label == "Marzo 2026"
    by_label = {row.label: (row.cents, row.count) for row in rows}
    # 31 January 23:00 in Rome is still January (22:00 UTC).
    assert by_label["Gennaio 2026"] == (1000, 1)
    assert by_label["Febbraio 2026"] == (0, 0)
    assert by_label["Marzo 2026"] == (3200, 2)
    assert sum(row.cents for row in rows) == 4200


def test_collected_by_service_and_by_channel(organization, history):
    services = {r.label: (r.cents, r.count)
                for r in dashboard.collected_by_service(organization, TODAY)}
    assert services == {"Trasporto scolastico": (3500, 2), "Mensa": (700, 1)}
    channels = [(r.label, r.cents, r.count)
                for r in dashboard.collected_by_channel(organization, TODAY)]
    assert channels == [("Online (dal portale)", 1000, 1),
                        ("Presso un PSP (sportello, app, home banking)", 2500, 1),
                        ("Stand-In", 700, 1)]


def test_due_totals_count_one_plan_per_position(organization, make_position):
    # Single payment 300 or three installments of 100: 300 is due, not 600.
    make_position(reference="plans", installments=[
        OptionSpec(300, TODAY + dt.timedelta(days=30)),
        OptionSpec(100, TODAY - dt.timedelta(days=5), installment_number=1, plan=1),
        OptionSpec(100, TODAY + dt.timedelta(days=25), installment_number=2, plan=1),
        OptionSpec(100, TODAY + dt.timedelta(days=55), installment_number=3, plan=1)])
    # Overdue single payment.
    make_position(reference="late", amount_cents=2000,
                  installments=[OptionSpec(2000, TODAY - dt.timedelta(days=1))])
    # Cancelled: not due.
    make_position(reference="gone").options.get().cancel()
    assert dashboard.due_totals(organization, TODAY) == {
        "unpaid_cents": 2300, "unpaid_count": 2, "overdue_cents": 2000, "overdue_count": 1}


def test_once_an_installment_is_paid_the_rest_of_its_plan_is_due(organization, make_position):
    position = make_position(reference="plans", installments=[
        OptionSpec(300, TODAY + dt.timedelta(days=30)),
        OptionSpec(100, TODAY - dt.timedelta(days=5), installment_number=1, plan=1),
        OptionSpec(100, TODAY + dt.timedelta(days=25), installment_number=2, plan=1),
        OptionSpec(100, TODAY + dt.timedelta(days=55), installment_number=3, plan=1)])
    position.options.get(plan=1, installment_number=1).mark_paid()
    assert dashboard.due_totals(organization, TODAY) == {
        "unpaid_cents": 200, "unpaid_count": 2, "overdue_cents": 0, "overdue_count": 0}


def test_the_page(operator_client, organization, history, make_position, settings):
    option = make_position(reference="aca").options.get()
    AcaPush.objects.update_or_create(option=option, defaults={
        "status": AcaPush.Status.FAILED, "last_error": "PPT_SINTASSI"})
    flagged = deliver(option, info_for(option, amount_cents=1), wrong_station=True).receipt
    response = operator_client.get(reverse("backoffice:home", args=[organization.slug]))
    assert response.status_code == 200
    page = response.content.decode()
    context = response.context
    assert context["flagged_count"] == 1 and list(context["flagged"]) == [flagged]
    assert context["aca_failed_count"] == 1 and "PPT_SINTASSI" in page
    assert reverse("backoffice:receipt", args=[organization.slug, flagged.pk]) in page
    # Data for the charts in a json_script element, drawn by a static script.
    assert '<script id="dashboard-data" type="application/json">' in page
    assert "vendor/chart.js/4.5.1/chart.umd.min.js" in page
    assert 'id="table-month"' in page and 'id="table-channel"' in page


def test_paid_today(operator_client, organization, history):
    today = timezone.localdate()
    receipt = history[1]
    receipt.payment_date_time = at(today, 8)
    receipt.save()
    response = operator_client.get(reverse("backoffice:home", args=[organization.slug]))
    assert [r.pk for r in response.context["paid_today"]] == [receipt.pk]
    assert "25,00 €" in response.content.decode()


def test_queries_do_not_grow_with_the_rows(operator_client, organization, history,
                                           django_assert_max_num_queries, make_position):
    for index in range(10):
        make_position(reference=f"more{index}")
    with django_assert_max_num_queries(25):
        operator_client.get(reverse("backoffice:home", args=[organization.slug]))
    assert PaymentOption.objects.count() > 10


def test_no_inline_code(operator_client, organization, history):
    import re

    page = operator_client.get(reverse("backoffice:home", args=[organization.slug]))
    html = page.content.decode()
    inline = re.findall(r"<script(?![^>]*\bsrc=)[^>]*>", html)
    assert inline == ['<script id="dashboard-data" type="application/json">']  # data only
    assert " style=" not in html and "unsafe-inline" not in page["Content-Security-Policy"]
