"""Resolving the Ente named in the URL: every payer page is scoped to it."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import get_object_or_404

from organizations.models import Organization


def with_organization(view):
    """Load the Ente from the ``ente`` URL argument (404 if unknown) into ``request``."""

    @wraps(view)
    def wrapper(request, ente: str, *args, **kwargs):
        request.organization = get_object_or_404(Organization, slug=ente)
        return view(request, *args, **kwargs)

    return wrapper
