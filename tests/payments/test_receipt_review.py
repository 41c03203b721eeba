"""Issue 9, items 3 and 4: a receipt refused once and delivered again correct is applied
(the earlier messages kept); flagged receipts are applied after review only as the domain
allows (the back office's pages: tests/backoffice/test_receipts.py); a
receipt whose IUV is not the option's is flagged; every quietanza downloads."""

from __future__ import annotations

import dataclasses
import logging

import pytest
from django.urls import reverse

from mail import outbox
from mail.models import OutgoingEmail
from pagopa.messages import DebtorInfo, ReceiptInfo, TransferInfo
from payments import receipts
from payments.models import Receipt
from positions.models import PaymentOption, PaymentPosition
from tests.payments.test_pages import make_receipt

pytestmark = pytest.mark.django_db
Flag = Receipt.Flag


@pytest.fixture
def option(make_position, debtor):
    debtor.email = "mario.rossi@example.it"
    debtor.save()
    return make_position().options.get()


def info_for(option, receipt_id="c" * 32, **changes) -> ReceiptInfo:
    organization = option.organization
    info = ReceiptInfo(
        receipt_id=receipt_id, notice_number=option.notice_number,
        fiscal_code=organization.fiscal_code, outcome="OK",
        creditor_reference_id=option.iuv, amount_cents=option.amount_cents,
        description="Trasporto scolastico", company_name=organization.name,
        debtor=DebtorInfo("F", "RSSMRA80E12H501I", "Mario Rossi"),
        transfers=(TransferInfo(1, option.amount_cents, organization.fiscal_code, "causale",
                                "9/0106104SP/", iban=organization.iban),),
        id_psp="BCITITMM", psp_company_name="Banca Sandbox", id_channel="BCITITMM_01",
        channel_description="app",
    )
    return dataclasses.replace(info, **changes)


def deliver(option, info, raw="<first/>", wrong_station=False):
    return receipts.receive(option.organization, info, raw, 2, wrong_station=wrong_station)


def status_of(option) -> str:
    return PaymentOption.objects.get(pk=option.pk).status


# --- re-delivery -------------------------------------------------------------------------

def test_ko_then_ok_with_the_same_receipt_id_is_applied(option):
    first = deliver(option, info_for(option, outcome="KO"), raw="<ko/>")
    assert first.receipt.flags == [Flag.OUTCOME_KO] and not first.receipt.applied
    assert status_of(option) == PaymentOption.Status.UNPAID

    again = deliver(option, info_for(option), raw="<ok/>")

    assert not again.duplicate
    receipt = Receipt.objects.get()
    assert receipt.applied and receipt.outcome == "OK" and receipt.flags == []
    assert not receipt.needs_attention
    assert status_of(option) == PaymentOption.Status.PAID
    assert PaymentPosition.objects.get().status == PaymentPosition.Status.PAID
    # Nothing lost: the KO message is kept with what it said and how it was judged.
    assert receipt.raw_xml == "<ok/>" and receipt.deliveries == 2
    (earlier,) = receipt.earlier_deliveries
    assert earlier["raw_xml"] == "<ko/>" and earlier["outcome"] == "KO"
    assert earlier["flags"] == [Flag.OUTCOME_KO] and earlier["received_at"]
    assert OutgoingEmail.objects.count() == 1


def test_wrong_station_then_right_station_is_applied(option):
    deliver(option, info_for(option), raw="<via-99/>", wrong_station=True)
    assert Receipt.objects.get().flags == [Flag.WRONG_STATION]
    assert status_of(option) == PaymentOption.Status.UNPAID

    deliver(option, info_for(option), raw="<via-01/>")

    receipt = Receipt.objects.get()
    assert receipt.applied and receipt.flags == [] and receipt.deliveries == 2
    assert [d["flags"] for d in receipt.earlier_deliveries] == [[Flag.WRONG_STATION]]
    assert status_of(option) == PaymentOption.Status.PAID


def test_applied_receipt_sent_again_does_nothing_again(option):
    deliver(option, info_for(option), raw="<ok/>")
    again = deliver(option, info_for(option, outcome="KO"), raw="<ko-later/>")
    assert again.duplicate
    receipt = Receipt.objects.get()
    assert receipt.raw_xml == "<ok/>" and receipt.deliveries == 1
    assert receipt.earlier_deliveries == [] and receipt.outcome == "OK"
    assert OutgoingEmail.objects.count() == 1


def test_refused_again_stays_refused_and_keeps_every_message(option):
    for n in range(3):
        deliver(option, info_for(option, outcome="KO"), raw=f"<ko-{n}/>")
    receipt = Receipt.objects.get()
    assert not receipt.applied and receipt.deliveries == 3 and receipt.raw_xml == "<ko-2/>"
    assert [d["raw_xml"] for d in receipt.earlier_deliveries] == ["<ko-0/>", "<ko-1/>"]
    assert status_of(option) == PaymentOption.Status.UNPAID


def test_redelivery_of_a_second_receipt_for_a_paid_option_pays_nothing(option):
    deliver(option, info_for(option, receipt_id="1" * 32))
    deliver(option, info_for(option, receipt_id="2" * 32), wrong_station=True)
    deliver(option, info_for(option, receipt_id="2" * 32))
    second = Receipt.objects.get(receipt_id="2" * 32)
    assert not second.applied and second.flags == [Flag.ALREADY_PAID]
    assert Receipt.objects.filter(applied=True).count() == 1


def test_redelivery_through_the_endpoint(node, option):
    """The Node's view: a KO through the wrong station, then the same receiptId right."""
    from tests.payments.conftest import receipt_for

    pytest.importorskip("zeep")
    wrong = node.send_rt(receipt_for(option, receipt_id="d" * 32), idStation="80000120016_99")
    assert wrong.outcome == "KO"
    right = node.send_rt(receipt_for(option, receipt_id="d" * 32))
    assert right.outcome == "OK"
    receipt = Receipt.objects.get()
    assert receipt.applied and receipt.deliveries == 2
    assert "80000120016_99" in receipt.earlier_deliveries[0]["raw_xml"]
    assert status_of(option) == PaymentOption.Status.PAID


test_redelivery_through_the_endpoint = pytest.mark.django_db(transaction=True)(
    test_redelivery_through_the_endpoint)


# --- the IUV -----------------------------------------------------------------------------

def test_receipt_whose_iuv_is_not_the_options_is_flagged_and_not_applied(option, caplog):
    with caplog.at_level(logging.WARNING, logger="payments.receipts"):
        result = deliver(option, info_for(option, creditor_reference_id="99999999999999999"))
    assert result.receipt.flags == [Flag.IUV_MISMATCH]
    assert result.receipt.needs_attention and not result.receipt.applied
    assert status_of(option) == PaymentOption.Status.UNPAID
    assert "receipt_flagged" in caplog.text and "flags=iuv" in caplog.text


# --- apply after review (the domain; the back office's pages: tests/backoffice) -----------

@pytest.mark.parametrize(("change", "message"), [
    ("ko", "esito diverso da OK"), ("cancelled", "annullato"), ("applied", "già chiuso"),
])
def test_review_is_refused_for_what_cannot_pay(admin_client, option, change, message):
    info = info_for(option, outcome="KO" if change == "ko" else "OK")
    receipt = deliver(option, info, wrong_station=change != "ko").receipt
    if change == "cancelled":
        option.cancel()
    if change == "applied":
        receipts.apply_after_review(receipt, None)
    before = Receipt.objects.get(pk=receipt.pk)
    with pytest.raises(receipts.ReviewRefused) as refusal:
        receipts.apply_after_review(receipt, None)
    assert message in str(refusal.value)
    after = Receipt.objects.get(pk=receipt.pk)
    assert (after.applied, after.reviewed_at) == (before.applied, before.reviewed_at)


# --- every quietanza downloads ----------------------------------------------------------

ODD_IUV = "../../etc/x y"


@pytest.fixture
def odd_receipt(option, payer):
    from positions.models import PositionClaim

    PositionClaim.objects.create(user=payer, position=option.position, source="search")
    option.mark_paid()
    return make_receipt(option, creditor_reference_id=ODD_IUV)


def test_payer_downloads_the_quietanza_of_a_receipt_with_an_odd_iuv(client, payer,
                                                                      odd_receipt):
    client.force_login(payer)
    response = client.get(reverse("documents:receipt_pdf",
                                  args=[odd_receipt.organization.slug, odd_receipt.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="quietanza-{odd_receipt.pk}.pdf"')
    assert response.content.startswith(b"%PDF")


def test_staff_download_it_too(admin_client, odd_receipt):
    response = admin_client.get(reverse("admin:payments_receipt_quietanza",
                                        args=[odd_receipt.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == (
        f'attachment; filename="quietanza-{odd_receipt.pk}.pdf"')


def test_the_receipt_email_attaches_it_under_a_safe_name(option):
    deliver(option, info_for(option, creditor_reference_id=ODD_IUV), wrong_station=True)
    receipt = Receipt.objects.get()
    receipts.apply_after_review(receipt, None)
    email = OutgoingEmail.objects.get()
    assert outbox.deliver(email.pk)  # the job builds the quietanza after commit
    names = list(email.attachments.values_list("filename", flat=True))
    assert names == [f"quietanza-{receipt.pk}.pdf"]
