"""Formatting filters used by every page: money, notice numbers."""

from django import template
from django.utils.translation import get_language

from pagopa.identifiers import format_notice_number
from pagopa.money import format_euro

register = template.Library()


@register.filter
def euro(cents: int | None) -> str:
    """``2200`` → ``22,00 €`` (in the active language)."""
    if cents is None:
        return ""
    return format_euro(int(cents), lang=(get_language() or "it")[:2])


@register.filter
def notice_groups(notice_number: str) -> str:
    """``300715700000000032`` → ``3007 1570 0000 0000 32``, as printed on the avviso."""
    return format_notice_number(notice_number) if notice_number else ""
