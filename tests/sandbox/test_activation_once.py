"""The sandbox activates a notice as the Node does: not while a payment token for it is
live, not once it is paid, and not twice when two carts that passed checkPosition together
are paid together (the deadline-day benchmark had two citizens pay one notice so: two
receipts, the second flagged ``already_paid``, where pagoPA refuses the second payment).

The Ente's answer is not what these tests are about: ``node.get_payment`` answers OK for
any notice here, so each test is only the sandbox's own record of the activation."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.db import connection
from django.utils import timezone

from sandbox import node, views
from sandbox.models import Payment
from tests.concurrency import waits_for_holder

EC, NUMBER = "01234567890", "301000000000000123"
NOTICE = {"fiscalCode": EC, "noticeNumber": NUMBER}
DATA = {"psp": "SNDBXIT1", "scenario": "ok", "delay_seconds": 0}


@pytest.fixture(autouse=True)
def the_ente_says_ok(monkeypatch):
    def get_payment(ec_fiscal_code, notice_number, *args, **kwargs):
        response = SimpleNamespace(ok=True, data=SimpleNamespace(amount_cents=5000))
        return response, b"<paGetPaymentV2Response/>", node.station_for(ec_fiscal_code)

    monkeypatch.setattr(node, "get_payment", get_payment)


def activate():
    return views._activate(NOTICE, DATA, "", None, "sportello", 0)


def record(status=Payment.Status.ACTIVATED) -> Payment:
    return Payment.objects.create(
        token=node.new_token(), channel="sportello", ec_fiscal_code=EC, notice_number=NUMBER,
        amount_cents=5000, psp="SNDBXIT1", method="CASH", status=status)


@pytest.mark.django_db
def test_a_notice_is_activated_once_while_its_token_lives():
    first = activate()
    assert isinstance(first, Payment)
    assert activate().startswith("PPT_PAGAMENTO_IN_CORSO")
    assert Payment.objects.filter(notice_number=NUMBER).count() == 1


@pytest.mark.django_db
def test_a_paid_notice_is_not_activated_again():
    record(Payment.Status.PAID)
    assert activate().startswith("PPT_PAGAMENTO_DUPLICATO")
    assert Payment.objects.filter(notice_number=NUMBER).count() == 1


@pytest.mark.django_db
def test_an_expired_token_does_not_stop_a_new_payment():
    old = record()
    Payment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - node.TOKEN_LIFETIME - timezone.timedelta(seconds=1))
    assert isinstance(activate(), Payment)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_activations_together_make_one_payment():
    """Arranged on PostgreSQL's real locks: another activation of the notice holds its
    lock; ours, past checkPosition and the Ente's answer, must wait for it and then be
    refused, leaving one payment."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: run with DATABASE_URL=postgres://… (CI does)")
    outcome = waits_for_holder(lambda: node.lock_notice(EC, NUMBER), activate,
                               "the second activation", then=record)
    assert outcome.startswith("PPT_PAGAMENTO_IN_CORSO"), outcome
    assert Payment.objects.filter(notice_number=NUMBER).count() == 1
