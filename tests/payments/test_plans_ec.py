"""Issue 11 item 1, the Ente's side: a single payment and an installment plan are
alternatives (SANP, "Opzione totale e piano rateale"). Once an option of one plan is paid,
the Node hears PAA_PAGAMENTO_DUPLICATO for the other plans (as GPD answers), a receipt for
them is stored and flagged, never applied, and a cart never mixes plans of one debt."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from payments import receipts
from payments.models import Activation, Receipt
from positions.models import PaymentOption, PaymentPosition, PositionClaim
from positions.services import OptionSpec
from tests.payments.conftest import receipt_for
from tests.payments.test_receipt_review import info_for

zeep = pytest.importorskip("zeep")
DUE = date.today() + timedelta(days=30)
Status = PaymentOption.Status


@pytest.fixture(autouse=True)
def _live_server_first(site):
    """Every test starts the live server before touching the database (SQLite in memory
    shares its connection with the server's threads only when the server came first)."""


@pytest.fixture
def tari(make_position):
    """TARI: 120 € in one payment, or three installments of 40 €."""
    return make_position(causale="TARI 2026", reference="TARI-2026", installments=[
        OptionSpec(12000, DUE),
        *(OptionSpec(4000, DUE + timedelta(days=30 * n), installment_number=n)
          for n in (1, 2, 3)),
    ])


def single(position) -> PaymentOption:
    return position.options.get(plan=PaymentOption.SINGLE_PLAN)


def installment(position, number: int) -> PaymentOption:
    return position.options.get(installment_number=number)


def _fault(result) -> str:
    assert result.outcome == "KO"
    return result.fault.faultCode


# --- the double collection of the issue, end to end --------------------------------------

@pytest.mark.django_db(transaction=True)
def test_installment_paid_at_the_counter_then_the_single_notice_cannot_collect_twice(
        client, node, tari, organization, site):
    """Installment 1 paid at the sandbox's PSP counter (the sandbox Node calls our endpoint
    over HTTP); then the single notice: verify KO, and a receipt for it stored, flagged and
    not applied, so 160 € cannot be collected on a 120 € debt."""
    first, whole = installment(tari, 1), single(tari)
    paid = client.post("/sandbox/psp/paga/", {
        "notice_number": first.notice_number, "fiscal_code": organization.fiscal_code,
        "psp": "SNDBXTB1", "scenario": "ok"})
    assert paid.status_code == 302
    assert PaymentOption.objects.get(pk=first.pk).status == Status.PAID
    assert PaymentOption.objects.get(pk=whole.pk).status == Status.SUPERSEDED

    # The PSP at the counter asks for the single notice: the Ente says it is concluded.
    assert _fault(node.verify(whole.notice_number)) == "PAA_PAGAMENTO_DUPLICATO"
    page = client.post("/sandbox/psp/", {"notice_number": whole.notice_number,
                                         "fiscal_code": organization.fiscal_code})
    assert "PAA_PAGAMENTO_DUPLICATO" in page.content.decode()
    for operation in ("paGetPayment", "paGetPaymentV2"):
        assert _fault(node.get_payment(whole.notice_number, operation)) == \
            "PAA_PAGAMENTO_DUPLICATO"
    assert not Activation.objects.filter(option=whole).exists()

    # Were a receipt for it to arrive anyway, it is kept, flagged, acknowledged (so the Node
    # stops retrying) and does not pay anything.
    answer = node.send_rt(receipt_for(whole, receipt_id="d" * 32))
    assert answer.outcome == "OK"
    stored = Receipt.objects.get(receipt_id="d" * 32)
    assert stored.flags == [Receipt.Flag.OTHER_PLAN] and stored.needs_attention
    assert not stored.applied and stored.option_id == whole.pk
    applied = sum(r.amount_cents for r in Receipt.objects.filter(applied=True))
    assert applied == 4000  # 40 € collected, never 40 + 120 on a 120 € debt
    assert PaymentOption.objects.get(pk=whole.pk).status == Status.SUPERSEDED
    tari.refresh_from_db()
    assert tari.status == PaymentPosition.Status.PARTIALLY_PAID
    # The other installments stay payable.
    assert node.verify(installment(tari, 2).notice_number).outcome == "OK"


@pytest.mark.django_db(transaction=True)
def test_single_payment_paid_then_installments_answer_duplicato(node, tari):
    receipts.receive(tari.organization, info_for(single(tari)), "<rt/>", 2)
    for number in (1, 2, 3):
        assert _fault(node.verify(installment(tari, number).notice_number)) == \
            "PAA_PAGAMENTO_DUPLICATO"


@pytest.mark.django_db(transaction=True)
def test_other_plan_paid_answers_duplicato_even_if_not_marked_superseded(node, tari):
    """Rows written before plans existed: the rule is the paid sibling, not only the state."""
    PaymentOption.objects.filter(pk=installment(tari, 1).pk).update(status=Status.PAID)
    result = node.verify(single(tari).notice_number)
    assert _fault(result) == "PAA_PAGAMENTO_DUPLICATO"
    # Another installment of the same plan is still payable.
    assert node.verify(installment(tari, 2).notice_number).outcome == "OK"


# --- receipts for the other plan ---------------------------------------------------------

@pytest.mark.django_db(transaction=True)
def test_receipt_for_a_superseded_option_is_flagged_not_applied(tari):
    receipts.receive(tari.organization, info_for(installment(tari, 1), receipt_id="1" * 32),
                     "<rt/>", 2)
    whole = single(tari)
    result = receipts.receive(tari.organization, info_for(whole, receipt_id="2" * 32),
                              "<rt2/>", 2)
    assert result.receipt.flags == [Receipt.Flag.OTHER_PLAN]
    assert not result.receipt.applied and result.receipt.raw_xml == "<rt2/>"
    assert PaymentOption.objects.get(pk=whole.pk).status == Status.SUPERSEDED
    assert "Modalità alternativa" in result.receipt.flag_labels()[0]


@pytest.mark.django_db(transaction=True)
def test_staff_cannot_apply_the_other_plans_receipt_after_review(tari, admin_user):
    receipts.receive(tari.organization, info_for(installment(tari, 1), receipt_id="1" * 32),
                     "<rt/>", 2)
    flagged = receipts.receive(tari.organization, info_for(single(tari), receipt_id="2" * 32),
                               "<rt2/>", 2).receipt
    with pytest.raises(receipts.ReviewRefused, match="altra modalità"):
        receipts.apply_after_review(flagged, admin_user)


# --- the payer's side: carts and Da Pagare -----------------------------------------------

@pytest.fixture
def own_tari(tari, payer):
    PositionClaim.objects.create(user=payer, position=tari, source="created")
    return tari


@pytest.mark.django_db(transaction=True)
def test_a_cart_never_mixes_the_plans_of_one_position(client, payer, own_tari, organization):
    client.force_login(payer)
    response = client.post(reverse("payments:start", args=[organization.slug]),
                           {"option": [single(own_tari).pk, installment(own_tari, 1).pk]},
                           follow=True)
    assert "oppure le rate, non entrambe" in response.content.decode()
    assert not own_tari.options.filter(payment_attempts__isnull=False).exists()


@pytest.mark.django_db(transaction=True)
def test_superseded_options_vanish_from_da_pagare(client, payer, own_tari, organization):
    client.force_login(payer)
    whole = single(own_tari)
    home = reverse("positions:home", args=[organization.slug])
    assert f'id="select-{whole.pk}"' in client.get(home).content.decode()
    receipts.receive(own_tari.organization, info_for(installment(own_tari, 1)), "<rt/>", 2)
    page = client.get(home).content.decode()
    assert f'id="select-{whole.pk}"' not in page
    assert f'id="select-{installment(own_tari, 2).pk}"' in page
    # Nor can it be paid by posting its id.
    response = client.post(reverse("payments:start", args=[organization.slug]),
                           {"option": [whole.pk]}, follow=True)
    assert "non è disponibile per il pagamento" in response.content.decode()
