"""The demo identity provider's pages (development only, see ``identity.demo_idp``)."""

from __future__ import annotations

import base64

from django.conf import settings
from django.core import signing
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST
from lxml import etree

from identity import demo_idp, saml
from identity.xml import SAML, SAMLP, parse_untrusted, q

SALT = "identity.demo-idp"


def _enabled() -> None:
    if not settings.DEMO_IDP_ENABLED:
        raise Http404


def _bad(request, message):
    return render(request, "identity/demo_idp_error.html", {"message": message}, status=400)


def _posted_request(request):
    """The SAMLRequest of an HTTP-POST binding, parsed; None when it is not XML."""
    try:
        return parse_untrusted(base64.b64decode(request.POST.get("SAMLRequest", ""),
                                                validate=True))
    except (ValueError, etree.XMLSyntaxError):
        return None


@require_GET
def metadata(request):
    _enabled()
    return HttpResponse(demo_idp.metadata_xml(),
                        content_type="application/samlmetadata+xml; charset=utf-8")


@csrf_exempt  # the SP's AuthnRequest arrives by HTTP-POST binding
@require_POST
def sso(request):
    """Read the AuthnRequest and list the demo citizens to log in as."""
    _enabled()
    root = _posted_request(request)
    if root is None or root.tag != q(SAMLP, "AuthnRequest"):
        return _bad(request, _("Richiesta SAML illeggibile."))
    acs = root.get("AssertionConsumerServiceURL", "")
    scheme = next((s for s in ("spid", "cie") if acs == saml.acs_url(s)), None)
    if scheme is None:  # the demo IdP answers this portal only
        return _bad(request, _("Questo IdP di prova risponde solo a questo portale."))
    level_node = root.find(f".//{q(SAML, 'AuthnContextClassRef')}")
    pending = signing.dumps({
        "id": root.get("ID", ""), "acs": acs, "audience": saml.entity_id(scheme),
        "level": level_node.text if level_node is not None else saml.LEVELS[1],
        "relay": request.POST.get("RelayState", "")[:80]}, salt=SALT)
    return render(request, "identity/demo_idp.html", {
        "citizens": demo_idp.citizens(), "pending": pending,
        "scheme": saml.SCHEME_LABELS[scheme]})


@require_POST
def choose(request):
    """Sign a real Response for the chosen citizen and post it back to the portal."""
    _enabled()
    try:
        pending = signing.loads(request.POST.get("pending", ""), salt=SALT, max_age=600)
    except signing.BadSignature:
        return _bad(request, _("Richiesta scaduta: riparti dal portale."))
    citizen = next((c for c in demo_idp.citizens()
                    if c.fiscal_code == request.POST.get("citizen")), None)
    if citizen is None:
        return _bad(request, _("Persona non trovata tra quelle di prova."))
    response = demo_idp.build_response(request_id=pending["id"], acs=pending["acs"],
                                       audience=pending["audience"], citizen=citizen,
                                       level=pending["level"])
    return render(request, "identity/post.html", {
        "action": pending["acs"],
        "fields": {"SAMLResponse": response, "RelayState": pending["relay"]},
        "title": _("Ritorno al portale"),
        "lead": _("Ti stiamo riportando al portale.")})


@csrf_exempt  # the SP's LogoutRequest arrives by HTTP-POST binding
@require_POST
def slo(request):
    """Answer a LogoutRequest with a signed Success LogoutResponse."""
    _enabled()
    root = _posted_request(request)
    if root is None:
        return _bad(request, _("Richiesta SAML illeggibile."))
    issuer = root.findtext(q(SAML, "Issuer")) or ""
    scheme = next((s for s in ("spid", "cie") if issuer == saml.entity_id(s)), None)
    if root.tag != q(SAMLP, "LogoutRequest") or scheme is None:
        return _bad(request, _("Richiesta SAML illeggibile."))
    destination = saml.sls_url(scheme)
    return render(request, "identity/post.html", {
        "action": destination,
        "fields": {"SAMLResponse": demo_idp.logout_response(root.get("ID", ""), destination),
                   "RelayState": request.POST.get("RelayState", "")[:80]},
        "title": _("Ritorno al portale"),
        "lead": _("Ti stiamo riportando al portale.")})
