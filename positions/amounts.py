"""The amount of an option as it is *now* (*attualizzazione*, SANP best practice: "nella
fase di verifica l'EC è sempre tenuto ad attualizzare l'importo").

What the Ente stored (``PaymentOption.amount_cents`` and its transfers) is the amount at
the due date. On top of it come the service's late charge after the due date (fixed
penalty or daily legal interest, ``catalog.Service.late_charge_cents``) and SEND's
notification fee (``PaymentPosition.notification_fee_cents``). Both go to the Ente's own
first transfer, so the transfers always add up to the amount answered (the Node checks
it). verify, paGetPayment(V2), the portal and the cart all read this one function.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils import timezone

#: paGetPayment metadata key for SEND's notification fee (cents, as GPD's notificationFee).
NOTIFICATION_FEE = "NOTIFICATION_FEE"


@dataclass(frozen=True)
class Due:
    """An option's amount on one day, and each transfer's share of it."""

    base_cents: int
    late_cents: int
    notification_fee_cents: int
    transfers: tuple[tuple[object, int], ...]  # (Transfer, amount in cents now)

    @property
    def total_cents(self) -> int:
        return self.base_cents + self.late_cents + self.notification_fee_cents

    @property
    def changed(self) -> bool:
        return self.total_cents != self.base_cents


def carries_notification_fee(option) -> bool:
    """SEND's fee is charged once per debt: on the single payment, and on the first
    installment of each plan (whichever plan the payer chooses, the fee is paid once)."""
    return option.installment_number in (None, 1)


def charges(option, today: date | None = None) -> tuple[int, int]:
    """(late charge, SEND fee) of ``option`` on ``today``; reads no transfer, so the pages
    can show the amount of many rows cheaply."""
    today = today or timezone.localdate()
    position = option.position
    late = position.service.late_charge_cents(option.amount_cents, option.due_date, today)
    fee = position.notification_fee_cents if carries_notification_fee(option) else 0
    return late, fee


def amount_due(option, today: date | None = None, transfers=None) -> Due:
    """``option``'s amount on ``today`` (default: today in the Ente's time zone).
    ``transfers``: the option's transfers in order, when the caller already read them
    (the EC endpoint reads them with the option, in one statement)."""
    late, fee = charges(option, today)
    transfers = list(option.transfers.all() if transfers is None else transfers)
    extra = late + fee
    shares = [[transfer, transfer.amount_cents] for transfer in transfers]
    if extra and shares:
        own = next((share for share in shares
                    if share[0].beneficiary_fiscal_code == option.organization.fiscal_code),
                   shares[0])
        own[1] += extra
    return Due(option.amount_cents, late, fee, tuple((t, amount) for t, amount in shares))


def set_notification_fee(position, fee_cents: int) -> None:
    """SEND notified the debt and asks the Ente to charge its cost (GPD's
    ``PUT …/notificationfee``): from now on verify and activation add it."""
    position.notification_fee_cents = fee_cents
    position.full_clean(validate_unique=False, validate_constraints=False)
    position.save(update_fields=["notification_fee_cents", "updated_at"])
