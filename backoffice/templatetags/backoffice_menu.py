"""The back office's grouped menu (``backoffice.menu``) for ``includes/menu.html``."""

from django import template

from backoffice.menu import menu_for

register = template.Library()


@register.simple_tag
def backoffice_menu(organization, membership) -> list:
    return menu_for(organization.slug, bool(membership and membership.is_manager))
