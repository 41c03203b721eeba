"""Access to payer pages: logged in, on the Ente named in the URL."""

from __future__ import annotations

from functools import wraps
from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse


def payer_required(view):
    """Send anonymous visitors to the Ente's login page, then back here.

    Use inside ``with_organization`` (which sets ``request.organization``).
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            login_url = reverse("accounts:login", args=[request.organization.slug])
            return redirect(f"{login_url}?{urlencode({'next': request.get_full_path()})}")
        return view(request, *args, **kwargs)

    return wrapper
