"""What the Ente's own texts need to be shown."""

from django import template

register = template.Library()


@register.filter
def privacy_paragraphs(text: str) -> list[str]:
    """Paragraphs of a text staff typed, split on blank lines."""
    return [p.strip() for p in (text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
