"""How django-axes identifies a login attempt and what a locked-out visitor sees."""

from __future__ import annotations

from django.conf import settings
from django.shortcuts import render

from sportello.clientip import client_ip as _client_ip


def client_username(request, credentials) -> str:
    """The email as typed, without case or spaces: ``Mario@x.it`` and ``mario@x.it``
    are one account, so they count as one."""
    if credentials:
        username = credentials.get(settings.AXES_USERNAME_FORM_FIELD)
    else:
        username = getattr(request, "POST", {}).get(settings.AXES_USERNAME_FORM_FIELD)
    return (username or "").strip().lower()


def client_ip(request) -> str:
    """The same client address the portal's rate limits use (trusted proxies only)."""
    return _client_ip(request)


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with an honest Italian message and the cool-off time.

    A login view that renders its own locked-out page (the back office's) says so with
    ``request.renders_lockout``; its response is kept."""
    if getattr(request, "renders_lockout", False) and original_response is not None:
        return original_response
    from accounts.forms import LoginForm

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    form = LoginForm(request, initial={"username": client_username(request, credentials)})
    return render(request, "registration/login.html",
                  {"form": form, "locked_out": True, "cooloff_minutes": minutes},
                  status=settings.AXES_HTTP_RESPONSE_CODE)
