"""The back office's entry points. Each area (positions, receipts, services, the Ente's
settings, audit) has its own module of views; all are wrapped by ``staff_required``."""

from __future__ import annotations

from django.contrib.auth import logout as auth_logout
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.log import log_action
from backoffice import dashboard
from backoffice.access import membership_of, staff_required
from organizations.models import Organization


@staff_required()
def home(request):
    """The dashboard (*Cruscotto*): see backoffice.dashboard for what each figure counts."""
    return render(request, "backoffice/home.html", {
        "organization": request.organization, "membership": request.membership,
        **dashboard.home_context(request.organization)})


@require_POST
def logout(request, ente: str):
    organization = get_object_or_404(Organization, slug=ente)
    if request.user.is_authenticated and membership_of(request, organization):
        log_action("staff.logout", request=request, organization=organization)
    auth_logout(request)
    return redirect("backoffice:login", organization.slug)
