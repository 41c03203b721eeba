"""Issue 17, item 2: the benchmarks' generator writes consistent positions in bulk, on
SQLite and on PostgreSQL (COPY), and grows the same database when run again."""

from __future__ import annotations

from collections import Counter

import pytest
from django.core.management import call_command
from django.db.models import Count

from accounts.models import User
from demo import bench_data
from organizations.models import Organization
from pagopa.identifiers import make_iuv, notice_number_for_iuv
from positions.access import account_positions
from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer
from sportello.validators import validate_fiscal_code

pytestmark = pytest.mark.django_db(transaction=True)


def test_generates_consistent_positions_and_grows_them():
    call_command("generate_bench_data", positions=600, debtors=20, verbosity=0)
    ente = Organization.objects.get(slug=bench_data.SLUG)
    assert PaymentPosition.objects.filter(organization=ente).count() == 600
    debtors = Debtor.ente_records.filter(organization=ente)
    assert debtors.count() == 20
    assert not debtors.filter(email="").exists()
    for code in debtors.values_list("fiscal_code", flat=True):
        validate_fiscal_code(code)  # the search form accepts them

    options = PaymentOption.objects.filter(organization=ente)
    assert options.count() == 600 and Transfer.objects.count() == 600
    # one single payment per position, its transfer adding up, IUV from the counter
    assert not PaymentPosition.objects.annotate(n=Count("options")).exclude(n=1).exists()
    for option in options.select_related("position").prefetch_related("transfers"):
        assert option.notice_number == notice_number_for_iuv(option.iuv)
        assert option.iuv == make_iuv(ente.segregation_code, int(option.iuv[2:15]))
        assert [t.amount_cents for t in option.transfers.all()] == [option.amount_cents]
        assert (option.status == "paid") == (option.position.status == "paid")
        assert (option.paid_at is not None) == (option.status == "paid")
    ente.refresh_from_db()
    bases = sorted(int(iuv[2:15]) for iuv in options.values_list("iuv", flat=True))
    assert bases[-1] < ente.next_iuv_base and len(set(bases)) == 600

    per_debtor = Counter(PaymentPosition.objects.values_list("debtor__fiscal_code", flat=True))
    for known in (bench_data.SMALL, bench_data.BIG):
        user = User.objects.get(email=known.email)
        assert per_debtor[user.fiscal_code] == known.positions
        assert account_positions(user, ente).count() == known.positions

    call_command("generate_bench_data", positions=700, debtors=20, verbosity=0)
    assert PaymentPosition.objects.filter(organization=ente).count() == 700
    assert options.count() == 700 and len(set(options.values_list("iuv", flat=True))) == 700
    assert Debtor.ente_records.filter(organization=ente).count() == 20
