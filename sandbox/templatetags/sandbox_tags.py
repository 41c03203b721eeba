from django import template

from pagopa.identifiers import format_notice_number
from pagopa.money import format_euro

register = template.Library()


@register.filter
def euro(cents) -> str:
    return "" if cents is None else format_euro(int(cents), lang="it")


@register.filter
def notice_groups(notice_number: str) -> str:
    return format_notice_number(notice_number) if notice_number else ""
