from django import template
from django.utils.translation import get_language

from pagopa.identifiers import format_notice_number
from pagopa.money import format_euro

register = template.Library()


@register.filter
def euro(cents) -> str:
    """Amount in the active language, like the portal's own ``euro`` filter."""
    return "" if cents is None else format_euro(int(cents), lang=(get_language() or "it")[:2])


@register.filter
def notice_groups(notice_number: str) -> str:
    return format_notice_number(notice_number) if notice_number else ""
