"""``{% identity_buttons organization %}``: *Entra con SPID* and *Entra con CIE*."""

from __future__ import annotations

from django import template

from identity import registry

register = template.Library()


@register.inclusion_tag("identity/_buttons.html")
def identity_buttons(organization):
    return {"organization": organization, "spid": registry.providers("spid"),
            "cie": registry.providers("cie")}


@register.simple_tag
def identity_available() -> bool:
    """Whether any SPID or CIE provider can be offered."""
    return bool(registry.providers("spid") or registry.providers("cie"))
