"""From a stored :class:`~payments.models.Receipt` to the quietanza renderer's input."""

from __future__ import annotations

from documents.data import DebtorInfo, EnteInfo, ReceiptInfo, ReceiptTransferInfo
from payments.models import Receipt


def _subject(data: dict | None) -> DebtorInfo | None:
    if not data:
        return None
    street = " ".join(filter(None, (data.get("street_name"), data.get("civic_number"))))
    town = " ".join(filter(None, (data.get("postal_code"), data.get("city"),
                                  data.get("state_province_region") and
                                  f"({data['state_province_region']})")))
    return DebtorInfo(full_name=data.get("full_name", ""), fiscal_code=data.get("id_value"),
                      address_lines=tuple(line for line in (street, town) if line))


def receipt_info_for(receipt: Receipt, verification_url: str) -> ReceiptInfo:
    """Everything the quietanza prints, taken from the receipt as pagoPA sent it."""
    organization = receipt.organization
    option = receipt.option
    service_name = option.position.service.name if option else receipt.description
    return ReceiptInfo(
        ente=EnteInfo(name=organization.name, fiscal_code=organization.fiscal_code,
                      sector=organization.sector, website=organization.website,
                      email=organization.email, pec=organization.pec,
                      phone=organization.phone),
        debtor=_subject(receipt.debtor) or DebtorInfo(full_name=""),
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
        channel=receipt.channel_description,
        payment_method=receipt.payment_method,
        verification_url=verification_url,
        transfers=tuple(
            ReceiptTransferInfo(beneficiary_name=t.get("company_name", ""),
                                beneficiary_fiscal_code=t.get("fiscal_code_pa", ""),
                                iban=t.get("iban"), amount_cents=t["amount_cents"])
            for t in receipt.transfers
        ),
    )
