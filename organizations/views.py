import mimetypes

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from organizations.context import with_organization
from organizations.models import Organization


def choose(request):
    """``/``: straight to the Ente when there is one, otherwise the list of Enti."""
    organizations = list(Organization.objects.order_by("name")[:2])
    if len(organizations) == 1:
        return redirect("positions:search", ente=organizations[0].slug)
    return render(request, "organizations/choose.html",
                  {"organizations": Organization.objects.order_by("name")})


def logo(request, ente: str):
    """The Ente's logo, served by the application (no separate media server needed)."""
    organization = get_object_or_404(Organization, slug=ente)
    if not organization.logo:
        raise Http404
    try:
        handle = organization.logo.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    content_type = mimetypes.guess_type(organization.logo.name)[0] or "application/octet-stream"
    response = FileResponse(handle, content_type=content_type)
    response["Cache-Control"] = "public, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- The legal pages of a PA site ----------------------------------------------------------

@with_organization
def privacy(request):
    """*Informativa privacy* (GDPR art. 13): the Ente's own text, or a sound default."""
    return render(request, "organizations/privacy.html")


@with_organization
def legal_notes(request):
    """*Note legali*: who publishes the portal, what may be reused, whose the liability."""
    return render(request, "organizations/legal_notes.html")


@with_organization
def cookies(request):
    """*Cookie*: the portal sets technical cookies only; the list is read from the
    settings that name them, so it cannot drift from what the portal really sets."""
    return render(request, "organizations/cookies.html", {"cookies": technical_cookies()})


def technical_cookies() -> list[dict]:
    """Every cookie the portal may set: name, purpose, lifetime (a test checks that a
    journey sets nothing else)."""
    def lifetime(seconds: int | None) -> str:
        if not seconds:
            return _("fino alla chiusura del browser")
        days = round(seconds / 86400)
        return ngettext("%(n)s giorno", "%(n)s giorni", days) % {"n": days}

    return [
        {"name": settings.SESSION_COOKIE_NAME,
         "purpose": _("Mantiene l'accesso e le pratiche trovate durante la visita."),
         "lifetime": lifetime(None if settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
                              else settings.SESSION_COOKIE_AGE)},
        {"name": settings.CSRF_COOKIE_NAME,
         "purpose": _("Protegge i moduli da invii fatti da altri siti (CSRF)."),
         "lifetime": lifetime(settings.CSRF_COOKIE_AGE)},
        {"name": settings.LANGUAGE_COOKIE_NAME,
         "purpose": _("Ricorda la lingua scelta nel piè di pagina, solo se la cambi."),
         "lifetime": lifetime(settings.LANGUAGE_COOKIE_AGE)},
        {"name": "messages",
         "purpose": _("Porta alla pagina successiva un messaggio di conferma o di errore."),
         "lifetime": _("fino alla pagina successiva")},
    ]
