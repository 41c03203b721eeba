"""Template access to payment facts, for pages of other apps (positions' detail and
lists): positions' Python code never imports payments."""

from django import template

from payments.labels import channel_label, payment_method_label
from payments.models import PaymentAttempt
from payments.status import (
    PaymentState,
    applied_receipt_ids,
    option_payment_state,
    receipts_of,
)

register = template.Library()


@register.simple_tag
def payment_states(options) -> dict:
    """``{% payment_states position.options.all as states %}`` → {option id: state}."""
    return option_payment_state(options)


@register.filter
def in_progress(states: dict, option) -> bool:
    return states.get(option.pk) is PaymentState.IN_PROGRESS


@register.simple_tag
def paying_receipt(option):
    """The receipt that paid ``option`` (None while unpaid)."""
    return receipts_of(option).filter(applied=True).first()


@register.simple_tag
def receipt_ids(options) -> dict:
    """``{% receipt_ids rows as receipts %}`` → {option id: id of the receipt that paid
    it}, in one query, for the *Stampa* buttons of a list."""
    return applied_receipt_ids(options)


@register.filter
def receipt_for(receipts: dict, option):
    return receipts.get(option.pk)


@register.simple_tag(takes_context=True)
def my_attempts(context, position):
    """The current account's payment attempts on ``position``, newest first (one query);
    other payers' attempts are theirs to see."""
    user = context["request"].user
    if not user.is_authenticated:
        return []
    return list(PaymentAttempt.objects.filter(user=user, options__position=position)
                .distinct().order_by("-created_at")[:20])


@register.filter
def payment_method(code: str) -> str:
    """The receipt's paymentMethod in words (payments.labels)."""
    return payment_method_label(code)


@register.filter
def payment_channel(code: str) -> str:
    """The receipt's channelDescription in words (payments.labels)."""
    return channel_label(code)
