"""``{% identity_buttons organization %}``: *Entra con SPID* and *Entra con CIE*."""

from __future__ import annotations

from urllib.parse import quote

from django import template
from django.urls import reverse

from identity import registry

register = template.Library()


@register.inclusion_tag("identity/_buttons.html")
def identity_buttons(organization, next_url: str = ""):
    """``next_url``: a page of the same Ente to land on after the login (else the home)."""
    return {"organization": organization, "spid": registry.providers("spid"),
            "cie": registry.providers("cie"),
            "next_query": f"&next={quote(next_url, safe='/')}" if next_url else ""}


@register.simple_tag
def identity_available() -> bool:
    """Whether any SPID or CIE provider can be offered."""
    return bool(registry.providers("spid") or registry.providers("cie"))


@register.simple_tag(takes_context=True)
def identity_logout_url(context, organization) -> str:
    """*Esci* of an account that logged in with SPID/CIE here: through Single Logout."""
    request = context.get("request")
    slo = request.session.get("identity_slo") if request is not None else None
    if not slo or slo.get("user") != request.user.pk or slo.get("scheme") not in registry.SCHEMES:
        return ""
    return reverse(f"identity_ente:{slo['scheme']}_logout", args=[organization.slug])
