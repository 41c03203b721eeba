"""Receiving a receipt (paSendRT / paSendRTV2): store it, then apply it, in one transaction.

Pattern (pretix's ``OrderPayment.confirm``): lock the option row, return early if this
receiptId is already stored, store the raw message with its parsed fields, and move
the option to *paid* only when the receipt is the first good one for a payable option.
Everything else (second receipt, cancelled / unknown notice, Stand-In without any
activation...) is stored and flagged for staff: receipts cannot be refused (RULES §5.3).
The caller acknowledges the Node only after this function has returned, i.e. after
commit; any exception propagates so that the Node gets an error and sends it again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mail.outbox import queue_email
from organizations.models import Organization
from pagopa.messages import DebtorInfo, ReceiptInfo
from payments.ec import attempt_for_note
from payments.models import PaymentAttempt, Receipt
from positions.models import PaymentOption

log = logging.getLogger(__name__)

Flag = Receipt.Flag


@dataclass(frozen=True)
class Received:
    receipt: Receipt
    duplicate: bool  # this receiptId was already stored: nothing was done again


def receive(organization: Organization, info: ReceiptInfo, raw_xml: str, version: int,
            wrong_station: bool = False) -> Received:
    """Store ``info`` and apply it at most once. Safe to call concurrently."""
    with transaction.atomic():
        # A receipt naming another Ente's notice reaches us as a secondary beneficiary:
        # no option of ours is behind it.
        option = (PaymentOption.objects.select_for_update()
                  .filter(organization=organization, notice_number=info.notice_number)
                  .select_related("position").first()
                  if info.fiscal_code == organization.fiscal_code else None)
        existing = Receipt.objects.filter(organization=organization,
                                          receipt_id=info.receipt_id).first()
        if existing is not None:
            return Received(existing, duplicate=True)
        receipt = _new_receipt(organization, option, info, raw_xml, version)
        apply = _judge(receipt, option, info, wrong_station)
        try:
            with transaction.atomic():
                receipt.save()
        except IntegrityError:
            # Same receiptId stored meanwhile for a notice with no row to lock (unknown).
            return Received(Receipt.objects.get(organization=organization,
                                                receipt_id=info.receipt_id), duplicate=True)
        if apply:
            _apply(receipt, option)
    if receipt.needs_attention:
        log.warning("Receipt %s for notice %s flagged for staff: %s", receipt.receipt_id,
                    receipt.notice_number, ", ".join(receipt.flags))
    return Received(receipt, duplicate=False)


def _judge(receipt: Receipt, option: PaymentOption | None, info: ReceiptInfo,
           wrong_station: bool) -> bool:
    """Set the receipt's flags; True when it must make the option paid."""
    flags: list[str] = []
    apply = True
    if wrong_station:
        flags.append(Flag.WRONG_STATION)
        apply = False
    if info.outcome != "OK":
        flags.append(Flag.OUTCOME_KO)
        apply = False
    status = PaymentOption.Status
    if option is None:
        flags.append(Flag.UNKNOWN_NOTICE)
        apply = False
    elif option.status == status.PAID:
        flags.append(Flag.ALREADY_PAID)
        apply = False
    elif option.status == status.CANCELLED:
        flags.append(Flag.CANCELLED)
        apply = False
    else:
        if option.status == status.EXPIRED:
            flags.append(Flag.EXPIRED)
        if info.amount_cents != option.amount_cents:
            flags.append(Flag.AMOUNT_MISMATCH)
        if info.stand_in and not option.activations.exists():
            flags.append(Flag.STANDIN_WITHOUT_ACTIVATION)
    receipt.flags = [str(flag) for flag in flags]
    receipt.needs_attention = bool(flags)
    return apply


def _new_receipt(organization: Organization, option: PaymentOption | None,
                 info: ReceiptInfo, raw_xml: str, version: int) -> Receipt:
    return Receipt(
        organization=organization, option=option, raw_xml=raw_xml, version=version,
        attempt=_attempt_for(organization, option, info),
        receipt_id=info.receipt_id, notice_number=info.notice_number,
        fiscal_code=info.fiscal_code, creditor_reference_id=info.creditor_reference_id,
        outcome=info.outcome, amount_cents=info.amount_cents, fee_cents=info.fee_cents,
        primary_ci_incurred_fee_cents=info.primary_ci_incurred_fee_cents,
        description=info.description, company_name=info.company_name,
        office_name=info.office_name or "", id_psp=info.id_psp,
        psp_company_name=info.psp_company_name, psp_fiscal_code=info.psp_fiscal_code or "",
        psp_partita_iva=info.psp_partita_iva or "", id_channel=info.id_channel,
        channel_description=info.channel_description,
        payment_method=info.payment_method or "", payment_note=info.payment_note or "",
        id_bundle=info.id_bundle or "", id_ci_bundle=info.id_ci_bundle or "",
        payment_date_time=_aware(info.payment_date_time),
        application_date=info.application_date, transfer_date=info.transfer_date,
        stand_in=info.stand_in, debtor=_subject(info.debtor), payer=_subject(info.payer),
        transfers=[_transfer(t) for t in info.transfers],
        metadata=[list(pair) for pair in info.metadata],
    )


def _apply(receipt: Receipt, option: PaymentOption) -> None:
    """The one place where a position becomes paid (inside the lock)."""
    option.mark_paid(receipt.payment_date_time or timezone.now())
    receipt.applied = True
    receipt.save(update_fields=["applied"])
    attempt = receipt.attempt
    if attempt is not None and not attempt.options.exclude(
            status=PaymentOption.Status.PAID).exists():
        PaymentAttempt.objects.filter(pk=attempt.pk).update(
            status=PaymentAttempt.Status.PAID, updated_at=timezone.now())
    _queue_receipt_email(receipt, option)


def _attempt_for(organization: Organization, option: PaymentOption | None,
                 info: ReceiptInfo) -> PaymentAttempt | None:
    """The cart this payment came from, by idCart (paymentNote) only. Never guessed by
    time: an attempt someone opened and abandoned on the same option is not the
    payment, and its email must not receive the quietanza."""
    return attempt_for_note(organization, info.payment_note)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)  # pagoPA sends local Italian time without offset


def _subject(subject: DebtorInfo | None) -> dict | None:
    if subject is None:
        return None
    return {key: value for key, value in dataclasses.asdict(subject).items()
            if value is not None}


def _transfer(transfer) -> dict:
    data = {
        "id_transfer": transfer.id_transfer, "amount_cents": transfer.amount_cents,
        "fiscal_code_pa": transfer.fiscal_code_pa,
        "remittance_information": transfer.remittance_information,
        "transfer_category": transfer.transfer_category,
        "iban": transfer.iban, "company_name": transfer.company_name,
        "metadata": [list(pair) for pair in transfer.metadata],
        "mbd_attachment": bool(transfer.mbd_attachment),
    }
    return {key: value for key, value in data.items() if value not in (None, [])}


# --- the receipt email ---------------------------------------------------------------

def verification_url(receipt: Receipt) -> str:
    """Public page where anyone holding the quietanza can check it is genuine."""
    from documents.verification import receipt_verification_url

    return receipt_verification_url(receipt.organization, receipt.fiscal_code,
                                    receipt.receipt_id)


def receipt_recipients(receipt: Receipt, option: PaymentOption) -> list[str]:
    """The email given to the cart matched by idCart, else the debtor's email."""
    attempt = receipt.attempt
    for candidate in (attempt and attempt.email,
                      attempt and attempt.user_id and attempt.user.email,
                      option.position.debtor.email):
        if candidate:
            return [candidate]
    return []


def _queue_receipt_email(receipt: Receipt, option: PaymentOption) -> None:
    recipients = receipt_recipients(receipt, option)
    if not recipients:
        return
    organization = receipt.organization
    with translation.override(settings.LANGUAGE_CODE):
        position_url = settings.SITE_URL + reverse(
            "positions:detail", args=[organization.slug, option.position_id])
        context = {"receipt": receipt, "organization": organization,
                   "position": option.position, "position_url": position_url}
        text = render_to_string("payments/email/receipt.txt", context)
        subject = _("Ricevuta di pagamento: %(causale)s") % {
            "causale": option.position.causale}
    queue_email(recipients, subject, text, attachments=_receipt_pdf(receipt),
                organization=organization)


def _receipt_pdf(receipt: Receipt) -> list[tuple[str, bytes, str]]:
    """The quietanza PDF; a rendering problem must never cost the receipt itself."""
    from documents.quietanza import render_receipt
    from payments.receipt_document import receipt_info_for

    try:
        pdf = render_receipt(receipt_info_for(receipt, verification_url(receipt)))
    except Exception:  # noqa: BLE001 - the email still goes, without the PDF
        log.exception("Could not render the quietanza of receipt %s", receipt.pk)
        return []
    return [(f"quietanza-{receipt.creditor_reference_id}.pdf", pdf, "application/pdf")]
