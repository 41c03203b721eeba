"""Issue 17: paSendRTV2's own work (lock, judge, store, apply) in five hand-written
statements, each storing and reading exactly what the ORM would."""

from __future__ import annotations

import dataclasses
import datetime as dt
from datetime import date, timedelta

import pytest
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from pagopa.messages import DebtorInfo
from payments import receipts
from payments.models import AcaPush, Activation, Receipt
from positions.models import PaymentOption, PaymentPosition
from positions.services import OptionSpec
from sportello.sqlrows import insert_instance
from tests.payments.test_receipt_review import info_for

#: The tables of the receipt's own work; the side effects (ACA push, jobs, email,
#: webhooks, audit) write elsewhere.
CORE = ('"positions_paymentoption"', '"positions_paymentposition"', '"payments_receipt"',
        '"payments_activation"')


def core_statements(captured) -> list[str]:
    return [query["sql"] for query in captured
            if any(table in query["sql"] for table in CORE)]


@pytest.fixture
def plans(make_position):
    """A single payment (plan 0) or three installments (plan 1)."""
    due = date.today() + timedelta(days=30)
    return make_position(installments=[
        OptionSpec(12000, due),
        *(OptionSpec(4000, due + timedelta(days=30 * n), installment_number=n)
          for n in (1, 2, 3))])


@pytest.mark.django_db(transaction=True)  # the receipt's atomic() is the transaction
def test_a_receipts_core_is_five_statements(make_position):
    """Lock (position, option, debtor, service), the facts under the lock, the INSERT,
    the option's UPDATE, the position's UPDATE: ten statements before."""
    option = make_position().options.get()
    with CaptureQueriesContext(connection) as captured:
        received = receipts.receive(option.organization, info_for(option), "<rt/>", 2)
    assert received.receipt.applied
    sql = core_statements(captured.captured_queries)
    assert len(sql) == 5, "\n".join(sql)
    assert PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.PAID
    assert PaymentPosition.objects.get(pk=option.position_id).status == "paid"


@pytest.mark.django_db(transaction=True)
def test_paying_one_plan_supersedes_the_other_without_reading_again(plans):
    single = plans.options.get(plan=0)
    saved = []

    def on_save(sender, instance, update_fields, **kwargs):
        saved.append((instance.pk, instance.status, update_fields))

    post_save.connect(on_save, sender=PaymentOption)
    try:
        with CaptureQueriesContext(connection) as captured:
            receipts.receive(single.organization, info_for(single), "<rt/>", 2)
    finally:
        post_save.disconnect(on_save, sender=PaymentOption)
    sql = core_statements(captured.captured_queries)
    assert len(sql) == 5 + 3, "\n".join(sql)  # one UPDATE per superseded installment
    statuses = dict(plans.options.values_list("plan", "status").distinct())
    assert statuses == {0: "paid", 1: "superseded"}
    assert PaymentPosition.objects.get(pk=plans.pk).status == "paid"
    # payments' receiver (the ACA push) sees every option whose status changed.
    assert sorted(saved) == sorted(
        [(single.pk, "paid", frozenset({"status", "status_changed_at", "paid_at"}))]
        + [(o.pk, "superseded", frozenset({"status", "status_changed_at"}))
           for o in plans.options.filter(plan=1)])
    assert AcaPush.objects.filter(option__position=plans).count() == 4


@pytest.mark.django_db(transaction=True)
def test_an_installment_leaves_the_position_partially_paid(plans):
    first = plans.options.get(plan=1, installment_number=1)
    receipts.receive(first.organization, info_for(first), "<rt/>", 2)
    assert PaymentPosition.objects.get(pk=plans.pk).status == "partially_paid"
    assert plans.options.get(plan=0).status == "superseded"


def _columns(pk: int) -> dict:
    """The row as stored (the database's own values, not the ORM's conversions)."""
    table = connection.ops.quote_name(Receipt._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table} WHERE id = %s", [pk])  # noqa: S608
        names = [column[0] for column in cursor.description]
        return dict(zip(names, cursor.fetchone(), strict=True))


@pytest.mark.django_db
def test_the_hand_written_insert_stores_what_the_orm_stores(make_position):
    option = make_position().options.get()
    organization = option.organization
    info = info_for(option, payment_date_time=dt.datetime(2026, 9, 1, 10, 30),  # noqa: DTZ001
                    payer=DebtorInfo("F", "VRDLGU80A01H501X", "Luigi Verdi",
                                     email="luigi@example.it"),
                    metadata=(("chiave", "valore"),), stand_in=True,
                    application_date=date(2026, 9, 1), fee_cents=150)
    by_orm = receipts._new_receipt(organization, option, info, "<rt>è</rt>", 2)
    by_orm.flags, by_orm.needs_attention, by_orm.applied = ["expired"], True, True
    by_orm.save()
    by_hand = receipts._new_receipt(organization, option,
                                    dataclasses.replace(info, receipt_id="d" * 32),
                                    "<rt>è</rt>", 2)
    by_hand.flags, by_hand.needs_attention, by_hand.applied = ["expired"], True, True
    insert_instance(by_hand)
    assert by_hand.pk and by_hand.pk != by_orm.pk and not by_hand._state.adding
    assert by_hand.received_at is not None  # auto_now_add, as save() sets it
    orm_row, hand_row = _columns(by_orm.pk), _columns(by_hand.pk)
    for row in (orm_row, hand_row):
        del row["id"], row["receipt_id"], row["received_at"]
    assert hand_row == orm_row
    assert (Receipt.objects.filter(pk=by_hand.pk).values("debtor", "payer", "transfers",
                                                         "metadata").get()
            == Receipt.objects.filter(pk=by_orm.pk).values("debtor", "payer", "transfers",
                                                           "metadata").get())


@pytest.mark.django_db
@pytest.mark.parametrize("note", ["", "idcart-1"])
def test_the_facts_read_at_once_equal_the_orms(make_position, note):
    option = make_position().options.get()
    organization = option.organization
    now = timezone.now()
    for amount, option_amount, payment_note, minutes in [
            (2200, 2000, "", 3), (2300, 2200, "idcart-1", 2), (None, None, "", 1),
            (2500, None, "", 0)]:
        activation = Activation.objects.create(
            organization=organization, option=option, amount_cents=amount,
            option_amount_cents=option_amount, payment_note=payment_note)
        Activation.objects.filter(pk=activation.pk).update(
            created_at=now - timedelta(minutes=minutes))
    AcaPush.objects.filter(option=option).update(pushed_at=now, pushed_amount_cents=2100)
    locked = receipts._lock_option(organization, option.notice_number)
    for amount in (2200, 2300, 2400):
        info = info_for(option, amount_cents=amount, payment_note=note, stand_in=True)
        facts = receipts._read_facts(locked, info)
        assert receipts._amount_flags(locked, info, facts) == receipts._amount_flags(
            locked, info)
        assert facts.activated and facts.aca_amount == receipts._aca_amount(locked) == 2100
        assert not facts.receipt_stored and facts.siblings == []
    receipts.receive(organization, info_for(option), "<rt/>", 2)
    assert receipts._read_facts(locked, info_for(option)).receipt_stored
