"""SPID and CIE pages: metadata, login start, Assertion Consumer Service, completion,
Single Logout. Refusals show one clear Italian page and write a security log line."""

from __future__ import annotations

import datetime
import logging
import secrets
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from accounts import sessions
from identity import accounts, registry, saml
from identity.models import AuthnRequestRecord
from organizations.context import with_organization
from sportello.logging_config import security_event
from sportello.ratelimit import over_limit

security_log = logging.getLogger("sportello.security")
NONCE_KEY = "identity_nonce"
SLO_KEY = "identity_slo"
#: Where to go after the login (a page of the same Ente: the back office's SPID/CIE door).
NEXT_KEY = "identity_next"
#: The identity of the last SPID/CIE login in this session: account, codice fiscale, level
#: and when. The back office accepts it as a strong login of the staff member of that code.
VERIFIED_KEY = "identity_verified"
# A SPID response is a few kilobytes; anything this large is refused before parsing.
MAX_RESPONSE_CHARS = 256 * 1024


def _scheme(scheme: str) -> str:
    if scheme not in registry.SCHEMES:
        raise Http404
    return scheme


def _allow_form_to(response: HttpResponse, url: str) -> HttpResponse:
    """Let this page's form post to ``url``'s origin (CSP form-action is 'self')."""
    parts = urlsplit(url)
    response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
    return response


def refuse(request, reason: str, message, organization=None, status: int = 400):
    """The one page for a refused login, with a security log line."""
    security_event("saml_response_refused", request, reason=reason)
    if organization is not None:
        request.organization = organization
    return render(request, "identity/refused.html",
                  {"message": message, "organization": organization}, status=status)


@require_GET
def metadata(request, scheme: str):
    xml = saml.metadata(_scheme(scheme))
    return HttpResponse(xml, content_type="application/samlmetadata+xml; charset=utf-8")


@never_cache
@require_GET
@with_organization
def login(request, scheme: str):
    """*Entra con SPID/CIE*: a signed AuthnRequest, posted to the chosen IdP."""
    scheme = _scheme(scheme)
    if over_limit(request, "identity-login", settings.IDENTITY_LOGIN_RATE):
        return refuse(request, "login start rate limited",
                      _("Troppi tentativi in poco tempo da questa connessione. Attendi "
                        "qualche minuto e riprova."), request.organization, status=429)
    idp = registry.by_key(scheme, request.GET.get("idp", ""))
    if idp is None:
        return refuse(request, f"unknown IdP {request.GET.get('idp', '')!r}",
                      _("Il gestore dell'identità scelto non è tra quelli ammessi."),
                      request.organization, status=404)
    level = saml.CIE_LEVEL if scheme == "cie" else request.organization.spid_level
    request_id, destination, saml_request = saml.authn_request(scheme, idp, level)
    nonce = request.session.get(NONCE_KEY) or secrets.token_urlsafe(32)
    request.session[NONCE_KEY] = nonce
    wanted = request.GET.get("next", "")
    if _same_ente_path(wanted, request.organization):
        request.session[NEXT_KEY] = wanted
    else:
        request.session.pop(NEXT_KEY, None)
    AuthnRequestRecord.objects.filter(
        created_at__lt=timezone.now() - datetime.timedelta(days=1)).delete()
    AuthnRequestRecord.objects.create(
        request_id=request_id, scheme=scheme, idp_entity_id=idp.entity_id, level=level,
        organization=request.organization, browser_nonce=nonce)
    response = render(request, "identity/post.html", {
        "action": destination, "fields": {"SAMLRequest": saml_request,
                                          "RelayState": request.organization.slug},
        "title": _("Accesso con %(scheme)s") % {"scheme": saml.SCHEME_LABELS[scheme]},
        "lead": _("Ti stiamo portando da %(idp)s.") % {"idp": idp.name}})
    return _allow_form_to(response, destination)


@csrf_exempt  # posted by the IdP: the signed, one-use response is the protection
@require_POST
def acs(request, scheme: str):
    """Validate the IdP's response; the login happens on the redirect that follows."""
    scheme = _scheme(scheme)
    posted = request.POST.get("SAMLResponse", "")
    if len(posted) > MAX_RESPONSE_CHARS:
        return refuse(request, f"response of {len(posted)} characters",
                      _("La risposta del gestore dell'identità non è valida: l'accesso non "
                        "è avvenuto. Riprova dall'inizio."))
    try:
        request_id = saml.in_response_to(posted)
    except saml.SamlError as exc:
        return refuse(request, exc.reason, exc.message)
    cutoff = timezone.now() - datetime.timedelta(minutes=settings.IDENTITY_REQUEST_MINUTES)
    record = (AuthnRequestRecord.objects.select_related("organization")
              .filter(request_id=request_id, scheme=scheme).first())
    if record is None:
        return refuse(request, f"unsolicited response for {request_id!r}",
                      _("Questa risposta non corrisponde a un accesso iniziato da qui."))
    if record.answered_at is not None:
        return refuse(request, f"replayed response for {request_id!r}",
                      _("Questa risposta è già stata usata: l'accesso non è avvenuto di "
                        "nuovo."), record.organization)
    if record.created_at < cutoff:
        return refuse(request, f"expired request {request_id!r}",
                      _("L'accesso è scaduto: riprova dall'inizio."), record.organization)
    idp = registry.by_entity_id(scheme, record.idp_entity_id)
    if idp is None:
        return refuse(request, f"IdP {record.idp_entity_id!r} no longer in the registry",
                      _("Il gestore dell'identità non è tra quelli ammessi."),
                      record.organization)
    try:
        identity = saml.validate_response(scheme, idp, record.request_id, record.level, posted,
                                          record.created_at)
    except saml.SamlError as exc:
        return refuse(request, exc.reason, exc.message, record.organization)
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        taken = AuthnRequestRecord.objects.filter(pk=record.pk, answered_at__isnull=True).update(
            answered_at=timezone.now(), completion_token=token,
            identity={"fiscal_code": identity.fiscal_code, "first_name": identity.first_name,
                      "last_name": identity.last_name, "email": identity.email,
                      "level": identity.level, "idp": identity.idp,
                      "name_id": identity.name_id, "session_index": identity.session_index})
    if not taken:
        return refuse(request, f"replayed response for {request_id!r}",
                      _("Questa risposta è già stata usata: l'accesso non è avvenuto di "
                        "nuovo."), record.organization)
    return redirect(f"identity:{scheme}_complete", token)


@never_cache
@require_GET
def complete(request, scheme: str, token: str):
    """Log in, in the browser that asked (its session holds the request's nonce)."""
    scheme = _scheme(scheme)
    record = (AuthnRequestRecord.objects.select_related("organization")
              .filter(completion_token=token, scheme=scheme).first()) if token else None
    nonce = request.session.get(NONCE_KEY, "")
    if (record is None or record.identity is None or not nonce
            or not secrets.compare_digest(nonce, record.browser_nonce)):
        return refuse(request, "completion without a matching request in this browser",
                      _("Questo accesso non è stato iniziato da questo browser."),
                      record.organization if record else None)
    if AuthnRequestRecord.objects.filter(pk=record.pk, completed_at__isnull=True).update(
            completed_at=timezone.now()) != 1:
        return refuse(request, "completion link used twice",
                      _("Questa risposta è già stata usata: l'accesso non è avvenuto di "
                        "nuovo."), record.organization)
    organization = record.organization
    request.organization = organization
    identity = saml.Identity(**record.identity)
    outcome = accounts.account_for(request, organization, identity)
    wanted = request.session.get(NEXT_KEY, "")  # before sign_in, which may renew the session
    accounts.sign_in(request, outcome.user)
    request.session[VERIFIED_KEY] = {"user": outcome.user.pk, "fiscal_code": identity.fiscal_code,
                                     "level": identity.level, "at": time.time()}
    request.session[SLO_KEY] = {"scheme": scheme, "idp": identity.idp,
                                "name_id": identity.name_id,
                                "session_index": identity.session_index,
                                "user": outcome.user.pk}
    security_log.info("identity login: account %s via %s (%s)", outcome.user.pk,
                      identity.idp, "created" if outcome.created else
                      "linked" if outcome.linked else "found")
    if outcome.linked:
        messages.success(request, _("La tua utenza è ora collegata alla tua identità "
                                    "digitale: il codice fiscale è certificato."))
    if outcome.email_link_sent:
        messages.info(request, _("Il gestore dell'identità indica l'email %(email)s: "
                                 "ti abbiamo scritto per confermarla.")
                      % {"email": outcome.email_link_sent})
    if outcome.needs_email:
        messages.warning(request, _("La tua utenza non ha ancora un'email: aggiungila dal "
                                    "Profilo per ricevere ricevute e avvisi."))
    if _same_ente_path(wanted, organization):
        return redirect(wanted)
    return redirect("positions:home", organization.slug)


def _same_ente_path(path: str, organization) -> bool:
    """A local path under ``/<ente>/`` (no scheme, host or ``//``): safe to go back to."""
    return (path.startswith(f"/{organization.slug}/") and "//" not in path
            and "\\" not in path and not urlsplit(path).netloc)


@require_POST
@with_organization
def logout(request, scheme: str):
    """*Esci*: local logout always; Single Logout at the IdP when it offers one."""
    scheme = _scheme(scheme)
    slo = request.session.get(SLO_KEY) or {}
    was_user = request.user.pk
    if request.user.is_authenticated:
        sessions.sign_out_current(request)
    idp = registry.by_entity_id(scheme, slo.get("idp", "")) if slo else None
    if idp is None or slo.get("user") != was_user or not slo.get("name_id"):
        messages.info(request, _("Sei uscito."))
        return redirect("positions:search", request.organization.slug)
    built = saml.logout_request(scheme, idp, slo["name_id"], slo.get("session_index", ""))
    request.session.pop(SLO_KEY, None)
    if built is None:
        messages.info(request, _("Sei uscito."))
        return redirect("positions:search", request.organization.slug)
    destination, saml_request = built
    response = render(request, "identity/post.html", {
        "action": destination, "fields": {"SAMLRequest": saml_request,
                                          "RelayState": request.organization.slug},
        "title": _("Uscita da %(scheme)s") % {"scheme": saml.SCHEME_LABELS[scheme]},
        "lead": _("Ti stiamo portando da %(idp)s.") % {"idp": idp.name}})
    return _allow_form_to(response, destination)


@csrf_exempt  # posted by the IdP
@require_POST
def single_logout(request, scheme: str):
    """The IdP's LogoutResponse: the local logout already happened; go to the Ente."""
    from organizations.models import Organization

    _scheme(scheme)
    organization = Organization.objects.filter(slug=request.POST.get("RelayState", "")).first()
    if organization is not None:
        return redirect("positions:search", organization.slug)
    return redirect(reverse("home"))
