"""The quietanza of a stored :class:`~payments.models.Receipt`: the one owner of the receipt
document. Every caller (the payer's download, the admin, the ZIP, the receipt email) asks
:func:`receipt_pdf`; payments never imports this app (it announces ``receipt_applied``).
"""

from __future__ import annotations

import re

from django.conf import settings
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from mail.outbox import queue_email, register_builder
from payments.labels import channel_label, payment_method_label
from payments.models import Receipt
from payments.receipts import receipt_applied
from positions.models import PaymentOption

from .data import EnteInfo, PartyInfo, QuietanzaInfo, ReceiptTransferInfo
from .quietanza import render_receipt
from .verification import receipt_verification_url

_SAFE_IUV = re.compile(r"[A-Za-z0-9]{1,35}")


def receipt_filename(iuv: str, receipt_pk: int) -> str:
    """``quietanza-<IUV>.pdf``; an IUV that is not plain letters and digits (pagoPA allows
    any string up to 35) is replaced by the receipt's id rather than escaped."""
    if _SAFE_IUV.fullmatch(iuv):
        return f"quietanza-{iuv}.pdf"
    return f"quietanza-{receipt_pk}.pdf"


def _subject(data: dict | None) -> PartyInfo | None:
    if not data:
        return None
    street = " ".join(filter(None, (data.get("street_name"), data.get("civic_number"))))
    town = " ".join(filter(None, (data.get("postal_code"), data.get("city"),
                                  data.get("state_province_region") and
                                  f"({data['state_province_region']})")))
    return PartyInfo(full_name=data.get("full_name", ""), fiscal_code=data.get("id_value"),
                     address_lines=tuple(line for line in (street, town) if line))


def receipt_info_for(receipt: Receipt, verification_url: str) -> QuietanzaInfo:
    """Everything the quietanza prints, taken from the receipt as pagoPA sent it."""
    organization = receipt.organization
    option = receipt.option
    service_name = option.position.service.name if option else receipt.description
    with translation.override("it"):  # the quietanza is Italian by design
        channel = channel_label(receipt.channel_description)
        method = payment_method_label(receipt.payment_method)
    return QuietanzaInfo(
        ente=EnteInfo(name=organization.name, fiscal_code=organization.fiscal_code,
                      sector=organization.sector, website=organization.website,
                      email=organization.email, pec=organization.pec,
                      phone=organization.phone),
        debtor=_subject(receipt.debtor) or PartyInfo(full_name=""),
        payer=_subject(receipt.payer),
        service_name=service_name,
        causale=receipt.description,
        amount_cents=receipt.amount_cents,
        fee_cents=receipt.fee_cents,
        payment_datetime=receipt.payment_date_time or receipt.received_at,
        iuv=receipt.creditor_reference_id,
        notice_number=receipt.notice_number,
        receipt_id=receipt.receipt_id,
        psp_name=receipt.psp_company_name,
        psp_fiscal_code=receipt.psp_fiscal_code or None,
        channel=channel, payment_method=method,
        verification_url=verification_url,
        transfers=tuple(
            ReceiptTransferInfo(beneficiary_name=_beneficiary(t, organization),
                                beneficiary_fiscal_code=t.get("fiscal_code_pa", ""),
                                iban=t.get("iban"), amount_cents=t["amount_cents"])
            for t in receipt.transfers
        ),
    )


def _beneficiary(transfer: dict, organization) -> str:
    """The transfer's companyName, or the Ente's name when the money is the Ente's own
    (companyName is optional in paSendRTV2: a blank Beneficiario helps nobody)."""
    name = transfer.get("company_name") or ""
    if not name and transfer.get("fiscal_code_pa", "") in ("", organization.fiscal_code):
        name = organization.name
    return name


def verification_url(receipt: Receipt) -> str:
    """Public page where anyone holding the quietanza can check it is genuine."""
    return receipt_verification_url(receipt.organization, receipt.fiscal_code,
                                    receipt.receipt_id)


def receipt_pdf(receipt: Receipt) -> bytes:
    """The quietanza PDF of ``receipt``, as the payer, the staff and the email get it."""
    return render_receipt(receipt_info_for(receipt, verification_url(receipt)))


# --- the receipt email ---------------------------------------------------------------

def receipt_recipients(receipt: Receipt, option: PaymentOption) -> list[str]:
    """The email given to the cart matched by idCart, else the debtor's email: never an
    attempt guessed by time (``payments.receipts`` links a receipt to its cart by idCart
    only)."""
    attempt = receipt.attempt
    for candidate in (attempt and attempt.email,
                      attempt and attempt.user_id and attempt.user.email,
                      option.position.debtor.email):
        if candidate:
            return [candidate]
    return []


@receiver(receipt_applied, dispatch_uid="documents.receipt_email")
def queue_receipt_email(sender, receipt: Receipt, option: PaymentOption, **kwargs) -> None:
    """Queue the receipt email in the transaction that applied the receipt; its quietanza
    is a deferred attachment, rendered by the delivery job after commit (never while the
    receipt holds the position's lock)."""
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
    queue_email(recipients, subject, text, organization=organization,
                deferred=[(QUIETANZA_ATTACHMENT, str(receipt.pk))])


QUIETANZA_ATTACHMENT = "documents.quietanza"


def quietanza_attachment(receipt_pk: str) -> tuple[str, bytes, str] | None:
    """The receipt email's PDF, built by the delivery job (``mail.outbox``)."""
    receipt = (Receipt.objects.select_related("organization", "option__position__service")
               .filter(pk=int(receipt_pk)).first())
    if receipt is None:
        return None
    return (receipt_filename(receipt.creditor_reference_id, receipt.pk), receipt_pdf(receipt),
            "application/pdf")


register_builder(QUIETANZA_ATTACHMENT, quietanza_attachment)
