from django.shortcuts import redirect, render

from organizations.models import Organization


def choose(request):
    """``/``: straight to the Ente when there is one, otherwise the list of Enti."""
    organizations = list(Organization.objects.order_by("name")[:2])
    if len(organizations) == 1:
        return redirect("positions:search", ente=organizations[0].slug)
    return render(request, "organizations/choose.html",
                  {"organizations": Organization.objects.order_by("name")})
