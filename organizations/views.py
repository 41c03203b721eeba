import mimetypes

from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render

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
