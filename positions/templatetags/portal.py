"""Template helpers of the payer's lists."""

from django import template

from positions.portal import installment_label

register = template.Library()


@register.filter
def installment(option) -> str:
    """``Rata 2 di 3`` for an installment row, empty for a single payment."""
    return installment_label(option)
