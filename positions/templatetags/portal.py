"""Links to pages other parts of the portal provide (documents), shown only once those
parts are installed: a missing URL name hides the button instead of breaking the page."""

from django import template
from django.urls import NoReverseMatch, reverse

from positions.portal import installment_label

register = template.Library()


@register.simple_tag
def optional_url(name: str, *args) -> str:
    """``reverse(name, args)``, or ``""`` when that URL does not exist (yet) or an
    argument is missing."""
    if any(arg in (None, "") for arg in args):
        return ""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return ""


@register.filter
def installment(option) -> str:
    """``Rata 2 di 3`` for an installment row, empty for a single payment."""
    return installment_label(option)
