import pytest

from positions.models import InvalidTransition, PaymentOption, PaymentPosition
from positions.services import OptionSpec


def test_paying_the_only_option_pays_the_position(make_position):
    position = make_position()
    option = position.options.get()
    option.mark_paid()
    position.refresh_from_db()
    assert option.status == PaymentOption.Status.PAID and option.paid_at is not None
    assert position.status == PaymentPosition.Status.PAID


def test_installments_make_a_partially_paid_position(make_position):
    position = make_position(installments=[
        OptionSpec(1000, installment_number=1), OptionSpec(1000, installment_number=2)])
    first, second = position.options.all()
    first.mark_paid()
    position.refresh_from_db()
    assert position.status == PaymentPosition.Status.PARTIALLY_PAID
    second.mark_paid()
    position.refresh_from_db()
    assert position.status == PaymentPosition.Status.PAID


def test_cancel_and_expire(make_position):
    cancelled = make_position(reference="A")
    cancelled.options.get().cancel()
    cancelled.refresh_from_db()
    assert cancelled.status == PaymentPosition.Status.CANCELLED
    expired = make_position(reference="B")
    option = expired.options.get()
    option.expire()
    expired.refresh_from_db()
    assert expired.status == PaymentPosition.Status.EXPIRED
    option.reopen()
    expired.refresh_from_db()
    assert expired.status == PaymentPosition.Status.VALID


@pytest.mark.parametrize("first,then", [("mark_paid", "cancel"), ("mark_paid", "mark_paid"),
                                        ("cancel", "mark_paid"), ("cancel", "expire")])
def test_forbidden_transitions_raise_and_change_nothing(make_position, first, then):
    option = make_position().options.get()
    getattr(option, first)()
    status = option.status
    with pytest.raises(InvalidTransition):
        getattr(option, then)()
    option.refresh_from_db()
    assert option.status == status
