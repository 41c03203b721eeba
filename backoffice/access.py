"""Who may open a back-office page: staff of the Ente in the URL, past the second factor.

Every back-office view is wrapped by :func:`staff_required`; it loads the Ente from the
URL, the caller's membership of *that* Ente (404 otherwise: another Ente's staff, a payer
and an unknown Ente all see the same thing) and puts both on the request. Every query of a
back-office view then goes through ``request.organization``.
"""

from __future__ import annotations

from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse

from organizations.models import Organization, StaffMembership, StaffRole

#: The account that entered the back office with SPID/CIE in this session (a strong login
#: of its own: no TOTP on top). Set by ``backoffice.login.identity_login``.
IDENTITY_LOGIN_KEY = "backoffice_identity_login"


def second_factor_passed(request) -> bool:
    """The session passed the second factor (django-otp's verified device), or the person
    logged in with SPID (level 2 or 3) or CIE as this staff member."""
    is_verified = getattr(request.user, "is_verified", None)
    if is_verified and is_verified():
        return True
    return (request.user.is_authenticated
            and request.session.get(IDENTITY_LOGIN_KEY) == request.user.pk)


def membership_of(request, organization: Organization) -> StaffMembership | None:
    if not request.user.is_authenticated:
        return None
    return StaffMembership.objects.filter(organization=organization, user=request.user).first()


def staff_required(role: str | None = None):
    """Decorate a view taking ``ente`` from the URL; ``role=StaffRole.MANAGER`` for the
    *responsabile*'s pages (an *operatore* gets 403 there: it is their own Ente)."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, ente: str, *args, **kwargs):
            organization = get_object_or_404(Organization, slug=ente)
            request.organization = organization
            if not request.user.is_authenticated:
                login = reverse("backoffice:login", args=[organization.slug])
                return redirect(f"{login}?next={request.path}")
            membership = membership_of(request, organization)
            if membership is None:
                raise Http404
            if not second_factor_passed(request):
                return redirect("backoffice:login", organization.slug)
            if role == StaffRole.MANAGER and not membership.is_manager:
                raise PermissionDenied
            request.membership = membership
            return view(request, *args, **kwargs)

        return wrapper

    return decorator
