"""Filters for the audit trail's pages: the action's name, the changes of an entry."""

from django import template

from audit import labels

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return labels.action_label(action)


@register.filter
def audit_changes(data: dict) -> list[tuple[str, object, object]]:
    return labels.changes(data)


@register.filter
def audit_other_details(data: dict) -> list[tuple[str, object]]:
    if not isinstance(data, dict):
        return []
    return [(key, value) for key, value in data.items() if key not in ("before", "after")]
