"""Issue 11 items 4 and 6: the amount at verify time (*attualizzazione*) and SEND's
notification fee. verify and paGetPayment(V2) answer the amount as it is today, with the
transfers adjusted to match (the charge on the Ente's first transfer); the activation
records what was answered, and the receipt is judged against it."""

from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from catalog.models import LateRule, LegalInterestRate, legal_interest_cents
from payments import receipts
from payments.flow import cart_for
from payments.models import Activation, PaymentAttempt, Receipt
from positions.amounts import set_notification_fee
from positions.models import PaymentOption, PositionClaim
from positions.services import OptionSpec, TransferSpec
from tests.payments.test_receipt_review import info_for

zeep = pytest.importorskip("zeep")
pytestmark = pytest.mark.django_db(transaction=True)
Flag = Receipt.Flag
TODAY = timezone.localdate()
OTHER_EC = "09876540023"
OTHER_IBAN = "IT66A0306909606100000012345"


@pytest.fixture(autouse=True)
def _live_server_first(site):
    """The live server starts before any test touches the database (SQLite in memory)."""


@pytest.fixture
def rates(db):
    LegalInterestRate.objects.all().delete()
    for day, percent in (("2023-01-01", "5"), ("2024-01-01", "2.5"), ("2025-01-01", "2")):
        LegalInterestRate.objects.create(valid_from=day, rate_percent=Decimal(percent))


@pytest.fixture
def penalty_service(service):
    service.late_rule, service.late_penalty_cents = LateRule.PENALTY, 500
    service.save()
    return service


def overdue_option(make_position, days=2, **kwargs) -> PaymentOption:
    position = make_position(installments=[
        OptionSpec(2200, TODAY - dt.timedelta(days=days), **kwargs)])
    return position.options.get()


def _amounts(result) -> list[str]:
    return [str(t.transferAmount) for t in result.data.transferList.transfer]


# --- the rule --------------------------------------------------------------------------

def test_legal_interest_day_by_day_at_the_rate_of_each_day(rates):
    # 10 days at 2 %: 1000 € × 0.02 × 10 / 365 = 0.5479 € → 55 cents.
    assert legal_interest_cents(100000, dt.date(2024, 12, 31), dt.date(2025, 1, 10)) == 55
    # 5 days at 5 % (2023) and 5 at 2.5 % (2024): 1000 € × 0.375 / 365 → 103 cents.
    assert legal_interest_cents(100000, dt.date(2023, 12, 26), dt.date(2024, 1, 5)) == 103
    assert legal_interest_cents(100000, dt.date(2025, 1, 10), dt.date(2025, 1, 10)) == 0


def test_a_penalty_service_needs_its_amount(service):
    from django.core.exceptions import ValidationError

    service.late_rule = LateRule.PENALTY
    with pytest.raises(ValidationError, match="sanzione"):
        service.full_clean()


# --- verify and activation --------------------------------------------------------------

def test_before_the_due_date_the_amount_is_the_stored_one(node, penalty_service,
                                                          make_position):
    option = make_position().options.get()  # due in 30 days
    result = node.verify(option.notice_number)
    assert str(result.paymentList.paymentOptionDescription.amount) == "22.00"


def test_verify_and_activation_answer_the_penalty(node, penalty_service, make_position):
    option = overdue_option(make_position)
    verify = node.verify(option.notice_number)
    assert str(verify.paymentList.paymentOptionDescription.amount) == "27.00"
    for operation in ("paGetPayment", "paGetPaymentV2"):
        result = node.get_payment(option.notice_number, operation)
        assert str(result.data.paymentAmount) == "27.00"
        assert _amounts(result) == ["27.00"]
    activation = Activation.objects.filter(option=option).latest("created_at")
    assert (activation.amount_cents, activation.option_amount_cents) == (2700, 2200)
    option.refresh_from_db()
    assert option.amount_cents == 2200  # a read: the stored amount never changes


def test_legal_interest_at_verify(node, service, rates, make_position):
    service.late_rule = LateRule.LEGAL_INTEREST
    service.save()
    position = make_position(installments=[OptionSpec(1_000_000, dt.date(2025, 1, 1))])
    option = position.options.get()
    expected = 1_000_000 + legal_interest_cents(1_000_000, dt.date(2025, 1, 1), TODAY)
    assert expected > 1_000_000
    result = node.verify(option.notice_number)
    amount = result.paymentList.paymentOptionDescription.amount
    assert int(amount * 100) == expected


def test_the_charge_goes_on_the_entes_own_transfer(node, penalty_service, make_position):
    option = overdue_option(make_position, transfers=[
        TransferSpec(1000, iban=OTHER_IBAN, beneficiary_fiscal_code=OTHER_EC,
                     beneficiary_name="Altro Comune"),
        TransferSpec(1200)])
    result = node.get_payment(option.notice_number)
    assert str(result.data.paymentAmount) == "27.00"
    assert _amounts(result) == ["10.00", "17.00"]  # 12 € + 5 € penalty to the Ente


# --- the receipt against the activation ----------------------------------------------------

def test_receipt_for_the_amount_answered_at_activation_is_clean(node, penalty_service,
                                                                 make_position):
    option = overdue_option(make_position)
    node.get_payment(option.notice_number)
    result = receipts.receive(option.organization,
                              info_for(option, amount_cents=2700), "<rt/>", 2)
    assert result.receipt.flags == [] and result.receipt.applied


def test_receipt_for_another_amount_than_answered_is_flagged(node, penalty_service,
                                                             make_position):
    option = overdue_option(make_position)
    node.get_payment(option.notice_number)
    result = receipts.receive(option.organization,
                              info_for(option, amount_cents=2200), "<rt/>", 2)
    assert result.receipt.flags == [Flag.AMOUNT_MISMATCH]
    assert result.receipt.needs_attention and result.receipt.raw_xml == "<rt/>"


def test_receipt_after_the_position_changed_is_flagged(node, make_position):
    option = make_position().options.get()
    node.get_payment(option.notice_number)  # answered 22 €
    PaymentOption.objects.filter(pk=option.pk).update(amount_cents=2500)  # the Ente changed it
    result = receipts.receive(option.organization,
                              info_for(option, amount_cents=2200), "<rt/>", 2)
    assert result.receipt.flags == [Flag.CHANGED_AFTER_ACTIVATION]
    assert result.receipt.applied  # the money agreed at activation is in
    assert "dopo l'attivazione" in result.receipt.flag_labels()[0]


def test_receipt_judged_by_its_own_activation(node, make_position):
    """Two activations (the amount changed in between): the receipt's idCart picks its own."""
    option = make_position().options.get()
    node.get_payment(option.notice_number, paymentNote="a" * 32)
    PaymentOption.objects.filter(pk=option.pk).update(amount_cents=2500)
    node.get_payment(option.notice_number, paymentNote="b" * 32)
    info = dataclasses.replace(info_for(option, amount_cents=2500), payment_note="b" * 32)
    assert receipts.receive(option.organization, info, "<rt/>", 2).receipt.flags == []


# --- SEND's notification fee ----------------------------------------------------------------

def test_notification_fee_added_with_its_metadata(node, make_position):
    position = make_position()
    set_notification_fee(position, 300)
    option = position.options.get()
    assert str(node.verify(option.notice_number)
               .paymentList.paymentOptionDescription.amount) == "25.00"
    result = node.get_payment(option.notice_number)
    assert str(result.data.paymentAmount) == "25.00" and _amounts(result) == ["25.00"]
    metadata = [(e.key, e.value) for e in result.data.metadata.mapEntry]
    assert metadata == [("NOTIFICATION_FEE", "300")]
    node.get_payment(option.notice_number, "paGetPayment")
    info = dataclasses.replace(info_for(option, amount_cents=2500),
                               metadata=(("NOTIFICATION_FEE", "300"),))
    receipt = receipts.receive(option.organization, info, "<rt/>", 2).receipt
    assert receipt.flags == [] and receipt.applied
    assert receipt.metadata == [["NOTIFICATION_FEE", "300"]]


def test_notification_fee_charged_once_per_plan(node, make_position):
    due = TODAY + dt.timedelta(days=30)
    position = make_position(installments=[
        OptionSpec(2200, due),
        OptionSpec(1100, due, installment_number=1), OptionSpec(1100, due, installment_number=2)])
    set_notification_fee(position, 300)
    amounts = {o.installment_number: str(node.verify(o.notice_number)
                                         .paymentList.paymentOptionDescription.amount)
               for o in position.options.all()}
    assert amounts == {None: "25.00", 1: "14.00", 2: "11.00"}


# --- the payer sees and pays the amount of today ------------------------------------------

def test_portal_and_cart_show_the_amount_of_today(client, payer, penalty_service,
                                                  make_position):
    option = overdue_option(make_position)
    PositionClaim.objects.create(user=payer, position=option.position, source="created")
    client.force_login(payer)
    page = client.get(reverse("positions:home", args=[option.organization.slug]))
    text = page.content.decode()
    assert "27,00 €" in text and "importo aggiornato a oggi" in text
    attempt = PaymentAttempt.objects.create(organization=option.organization, amount_cents=0)
    (notice,) = cart_for(attempt, [option]).payment_notices
    assert notice.amount_cents == 2700
