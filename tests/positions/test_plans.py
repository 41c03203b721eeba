"""Plans of a position are alternatives: paying one supersedes the others (SANP)."""

from datetime import date, timedelta

import pytest

from positions.models import InvalidTransition, PaymentOption, PaymentPosition
from positions.services import OptionSpec, installment_description

DUE = date.today() + timedelta(days=30)


@pytest.fixture
def tari(make_position):
    """A single payment of 120 € or three installments of 40 €."""
    return make_position(causale="TARI 2026", amount_cents=12000, installments=[
        OptionSpec(12000, DUE),
        *(OptionSpec(4000, DUE + timedelta(days=30 * n), installment_number=n)
          for n in (1, 2, 3)),
    ])


def options(position):
    return {(o.plan, o.installment_number): o for o in position.options.all()}


def test_single_payment_is_plan_zero_and_installments_plan_one(tari):
    plans = sorted((o.plan, o.installment_number) for o in tari.options.all())
    assert plans == [(0, None), (1, 1), (1, 2), (1, 3)]


def test_installments_get_distinct_descriptions(tari):
    by_key = options(tari)
    assert by_key[(1, 2)].payment_description == "TARI 2026 – rata 2 di 3"
    assert by_key[(0, None)].payment_description == "TARI 2026"
    assert len({o.payment_description for o in tari.options.all()}) == 4


def test_long_causale_keeps_the_installment_suffix():
    text = installment_description("x" * 140, 12, 12)
    assert len(text) == 140 and text.endswith(" – rata 12 di 12")


def test_paying_an_installment_supersedes_the_single_payment(tari):
    by_key = options(tari)
    by_key[(1, 1)].mark_paid()
    by_key = options(tari)
    assert by_key[(0, None)].status == PaymentOption.Status.SUPERSEDED
    assert not by_key[(0, None)].is_payable
    assert by_key[(1, 2)].is_payable and by_key[(1, 3)].is_payable
    tari.refresh_from_db()
    assert tari.status == PaymentPosition.Status.PARTIALLY_PAID
    with pytest.raises(InvalidTransition):
        by_key[(0, None)].mark_paid()


def test_paying_the_single_payment_supersedes_every_installment(tari):
    options(tari)[(0, None)].mark_paid()
    statuses = {key: o.status for key, o in options(tari).items()}
    assert statuses[(0, None)] == PaymentOption.Status.PAID
    assert {statuses[(1, n)] for n in (1, 2, 3)} == {PaymentOption.Status.SUPERSEDED}
    tari.refresh_from_db()
    assert tari.status == PaymentPosition.Status.PAID
