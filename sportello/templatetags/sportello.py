"""Formatting filters used by every page: money, notice numbers, names."""

from django import template
from django.utils.translation import get_language

from pagopa.identifiers import format_notice_number
from pagopa.money import format_euro
from sportello.text import proper_case

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


@register.filter
def proper_name(name: str | None) -> str:
    """A person's name in proper case (sportello.text.proper_case), as typed otherwise."""
    return proper_case(name)


@register.filter
def debtor_name(debtor) -> str:
    """A debtor's (or account's) name: a person's in proper case, a company's as written."""
    name = getattr(debtor, "full_name", "") or ""
    if getattr(debtor, "entity_type", "F") == "G":
        return name
    return proper_case(name)
