"""What pages may say about an option's payment, beyond its own state.

"Payment in progress" is a fact about attempts and activations, not a state of the
option (pagoPA keeps the notice open while a token lives, RULES §8): an unpaid option
is *in progress* while an attempt that includes it, or an activation of it by the Node,
is younger than the payment token's lifetime (30 minutes) and has not failed.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from django.utils import timezone

from payments.models import TOKEN_LIFETIME, Activation, PaymentAttempt, Receipt
from positions.models import PaymentOption

_OVER = (PaymentAttempt.Status.CANCELLED, PaymentAttempt.Status.FAILED)


class PaymentState(StrEnum):
    NONE = "none"
    IN_PROGRESS = "in_progress"
    PAID = "paid"


def option_payment_state(options: Iterable[PaymentOption]) -> dict[int, PaymentState]:
    """``{option id: PaymentState}`` for the given options, in two queries."""
    options = list(options)
    states = {o.pk: PaymentState.PAID if o.status == PaymentOption.Status.PAID
              else PaymentState.NONE for o in options}
    open_ids = [pk for pk, state in states.items() if state is PaymentState.NONE]
    if not open_ids:
        return states
    since = timezone.now() - TOKEN_LIFETIME
    busy = set(PaymentAttempt.options.through.objects.filter(
        paymentoption_id__in=open_ids, paymentattempt__created_at__gte=since,
    ).exclude(paymentattempt__status__in=_OVER).values_list("paymentoption_id", flat=True))
    busy |= set(Activation.objects.filter(option_id__in=open_ids, created_at__gte=since)
                .exclude(attempt__status__in=_OVER).values_list("option_id", flat=True))
    for pk in busy:
        states[pk] = PaymentState.IN_PROGRESS
    return states


def options_in_progress(options: Iterable[PaymentOption]) -> set[int]:
    """Ids of the options being paid now (positions' ``POSITIONS_PAYMENT_IN_PROGRESS``):
    staff may not change or cancel them until the payment ends or its token expires."""
    return {pk for pk, state in option_payment_state(options).items()
            if state is PaymentState.IN_PROGRESS}


def receipts_of(option: PaymentOption):
    """The receipt that paid the option, first, then any other kept for it."""
    return Receipt.objects.filter(option=option).order_by("-applied", "received_at")


def applied_receipt_ids(options: Iterable[PaymentOption]) -> dict[int, int]:
    """``{option id: receipt id}`` of the receipts that paid the given options."""
    paid = [o.pk for o in options if o.status == PaymentOption.Status.PAID]
    if not paid:
        return {}
    return dict(Receipt.objects.filter(option_id__in=paid, applied=True)
                .values_list("option_id", "pk"))
