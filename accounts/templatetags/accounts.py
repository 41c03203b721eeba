from django import template

from accounts.sessions import held_accounts as _held_accounts

register = template.Library()


@register.simple_tag(takes_context=True)
def held_accounts(context) -> list:
    """The other accounts held in this browser (for the header's switch menu)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return []
    return [user for user in _held_accounts(request) if user.pk != request.user.pk]
