"""The Ente's answers to the pagoPA Node: paVerifyPaymentNotice and paGetPayment(V2).

Both are reads of the position as it is now (RULES §5, §8): the amount is the current
one, the position stays open, and repeated calls give the same data. The only write is
an :class:`~payments.models.Activation` row after a positive paGetPayment, which
records that a payment started; it touches no state of the option.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import timezone

from organizations.models import Organization
from pagopa.messages import (
    DebtorInfo,
    FaultCode,
    GetPaymentRequest,
    PaymentInfo,
    PaymentNoticeInfo,
    RequestHeader,
    TransferInfo,
    VerifyRequest,
)
from payments.models import Activation, PaymentAttempt
from positions.amounts import NOTIFICATION_FEE, Due, amount_due
from positions.models import PaymentOption

#: paGetPayment's ``dueDate`` is mandatory; an option "senza scadenza" answers this.
NO_DUE_DATE = dt.date(2099, 12, 31)
_EMAIL = re.compile(r"^[a-zA-Z0-9_.+\-]+@[a-zA-Z0-9\-]+(\.[a-zA-Z0-9\-]+)*$")


class EcFault(Exception):
    """A KO the Ente answers on purpose (a business outcome, not a failure)."""

    def __init__(self, code: FaultCode, description: str | None = None) -> None:
        super().__init__(description or code.fault_string)
        self.code = code
        self.description = description


def identify(header: RequestHeader, fiscal_code: str | None = None) -> Organization:
    """The Ente the Node is calling, checked against its broker and station ids."""
    if fiscal_code is not None and fiscal_code != header.id_pa:
        raise EcFault(FaultCode.ID_DOMINIO_ERRATO, "qrCode.fiscalCode differs from idPA")
    organization = Organization.objects.filter(fiscal_code=header.id_pa).first()
    if organization is None:
        raise EcFault(FaultCode.ID_DOMINIO_ERRATO)
    check_station(organization, header)
    return organization


def check_station(organization: Organization, header: RequestHeader) -> None:
    if header.id_broker_pa != organization.broker_id:
        raise EcFault(FaultCode.ID_INTERMEDIARIO_ERRATO)
    if header.id_station != organization.station_id:
        raise EcFault(FaultCode.STAZIONE_INT_ERRATA)


#: The fault description when another plan of the same debt has a paid option.
OTHER_PLAN_PAID = "Another payment option of this debt (single payment or installments) is paid"


def other_plan_paid(option: PaymentOption) -> bool:
    """An option of another plan of the same position is paid: this one is not payable
    (``mark_paid`` supersedes it; this also covers data written before plans existed)."""
    return (PaymentOption.objects.filter(position_id=option.position_id,
                                         status=PaymentOption.Status.PAID)
            .exclude(plan=option.plan).exists())


def payable_option(organization: Organization, notice_number: str,
                   today: dt.date | None = None) -> PaymentOption:
    """The option behind a notice if it can be paid now, else the matching KO."""
    option = (PaymentOption.objects.filter(organization=organization,
                                           notice_number=notice_number)
              .select_related("position__debtor", "position__service")
              .first())
    if option is None:
        raise EcFault(FaultCode.PAGAMENTO_SCONOSCIUTO)
    option.organization = organization  # already read by identify(): not a second query
    today = today or timezone.localdate()
    position = option.position
    status = PaymentOption.Status
    if option.status == status.PAID:
        raise EcFault(FaultCode.PAGAMENTO_DUPLICATO)
    if option.status == status.SUPERSEDED or other_plan_paid(option):
        # Plans are alternatives (SANP): another plan of the debt is being paid, so this
        # one is "concluso" for the Node, as GPD answers for a partially paid position.
        raise EcFault(FaultCode.PAGAMENTO_DUPLICATO, OTHER_PLAN_PAID)
    if option.status == status.CANCELLED:
        raise EcFault(FaultCode.PAGAMENTO_ANNULLATO)
    if option.status == status.EXPIRED or (
            position.switch_to_expired and option.due_date and option.due_date < today):
        raise EcFault(FaultCode.PAGAMENTO_SCADUTO)
    if position.validity_date and position.validity_date > today:
        # Not yet published: to the Node it does not exist (as GPD's DRAFT/PUBLISHED).
        raise EcFault(FaultCode.PAGAMENTO_SCONOSCIUTO)
    return option


#: paGetPayment's ``transferType`` (RULES §7): POSTAL asks the postal IBAN on the transfers,
#: PAGOPA asks the postal IBAN as metadata IBANAPPOGGIO next to the bank IBAN.
POSTAL, PAGOPA = "POSTAL", "PAGOPA"
IBAN_APPOGGIO = "IBANAPPOGGIO"


def all_ccp(transfers) -> bool:
    """``allCCP``: every transfer can be credited to a postal account (RULES §5.1)."""
    transfers = list(transfers)
    return bool(transfers) and all(t.postal_iban for t in transfers)


def transfer_account(transfer, transfer_type: str | None) -> tuple[str, tuple]:
    """The IBAN a transfer answers and its account metadata, for ``transfer_type``.

    POSTAL: the postal IBAN (a payment at Poste, or Checkout with allCCP). PAGOPA: the bank
    IBAN with the postal one as ``IBANAPPOGGIO``, so the PSP may use either. Without a
    transferType the Ente chooses: its bank IBAN (SANP best practice, "Fase di
    attivazione")."""
    if transfer_type == POSTAL and transfer.postal_iban:
        return transfer.postal_iban, ()
    if transfer_type == PAGOPA and transfer.postal_iban:
        return transfer.iban, ((IBAN_APPOGGIO, transfer.postal_iban),)
    return transfer.iban, ()


def notice_info(option: PaymentOption, due: Due | None = None) -> PaymentNoticeInfo:
    organization = option.organization
    due = due or amount_due(option)
    return PaymentNoticeInfo(
        amount_cents=due.total_cents,
        payment_description=option.payment_description,
        fiscal_code_pa=organization.fiscal_code,
        company_name=organization.name[:140],
        all_ccp=all_ccp(transfer for transfer, _ in due.transfers),
        due_date=option.due_date,
        detail_description=option.description or None,
        office_name=organization.sector or None,
    )


def debtor_info(option: PaymentOption) -> DebtorInfo:
    debtor = option.position.debtor
    return DebtorInfo(
        id_type=debtor.entity_type or "F",
        id_value=debtor.fiscal_code,
        full_name=debtor.full_name[:70],
        street_name=debtor.address[:70] or None,
        postal_code=debtor.postal_code[:16] or None,
        city=debtor.city[:35] or None,
        state_province_region=debtor.province or None,
        country=debtor.nation if re.fullmatch(r"[A-Z]{2}", debtor.nation or "") else None,
        email=debtor.email if _EMAIL.match(debtor.email or "") else None,
    )


def payment_info(option: PaymentOption, transfer_type: str | None = None,
                 due: Due | None = None) -> PaymentInfo:
    """The payment data answered at activation: the amount as it is today (late charge
    and SEND fee on the Ente's first transfer, ``positions.amounts``)."""
    organization = option.organization
    due = due or amount_due(option)
    transfers = []
    for t, amount_cents in due.transfers:
        iban, metadata = transfer_account(t, transfer_type)
        transfers.append(TransferInfo(
            id_transfer=t.index,
            amount_cents=amount_cents,
            fiscal_code_pa=t.beneficiary_fiscal_code,
            remittance_information=t.remittance_information,
            transfer_category=t.taxonomy_code,
            iban=iban,
            company_name=t.beneficiary_name[:140] or None,
            metadata=metadata,
        ))
    transfers = tuple(transfers)
    metadata = (((NOTIFICATION_FEE, str(due.notification_fee_cents)),)
                if due.notification_fee_cents else ())
    return PaymentInfo(
        creditor_reference_id=option.iuv,
        amount_cents=due.total_cents,
        due_date=option.due_date or NO_DUE_DATE,
        description=option.payment_description,
        debtor=debtor_info(option),
        transfers=transfers,
        company_name=organization.name[:140],
        office_name=organization.sector or None,
        metadata=metadata,
    )


def verify(request: VerifyRequest) -> PaymentNoticeInfo:
    """paVerifyPaymentNotice: what the notice asks for now. Writes nothing."""
    organization = identify(request.header, request.fiscal_code)
    return notice_info(payable_option(organization, request.notice_number))


def get_payment(request: GetPaymentRequest) -> PaymentInfo:
    """paGetPayment(V2): the payment data; records the activation, changes no state."""
    organization = identify(request.header, request.fiscal_code)
    option = payable_option(organization, request.notice_number)
    info = payment_info(option, request.transfer_type)
    note = request.payment_note or ""
    # What was answered, and what the Ente held then: the receipt is judged against the
    # first, and a change of the position meanwhile is told by the second.
    Activation.objects.create(
        organization=organization, option=option, payment_note=note[:210],
        version=request.version, attempt=attempt_for_note(organization, note),
        amount_cents=info.amount_cents, option_amount_cents=option.amount_cents,
    )
    return info


def attempt_for_note(organization: Organization, note: str | None) -> PaymentAttempt | None:
    """The attempt whose idCart Checkout copied into ``paymentNote``, if any."""
    if not note or not re.fullmatch(r"[0-9a-f]{32}", note):
        return None
    return PaymentAttempt.objects.filter(organization=organization, public_id=note).first()
