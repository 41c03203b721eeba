"""The admin's login page behind a per-address rate limit.

django-axes already locks one username from one address after AXES_FAILURE_LIMIT wrong
passwords (the admin's form passes the request to ``authenticate``). That does not stop
one address trying a few passwords on many usernames; ADMIN_LOGIN_RATE counts every
POST from an address, whatever the username.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.shortcuts import render

from sportello.ratelimit import over_limit


def admin_login(request, extra_context=None):
    """``admin.site.login``, with a 429 page in Italian past the rate (nothing checked).

    The refusal is logged once, by ``over_limit``: security event ``rate_limited`` with
    ``group=admin-login``."""
    if request.method == "POST" and over_limit(request, "admin-login",
                                               settings.ADMIN_LOGIN_RATE):
        return render(request, "admin_login_limited.html", status=429)
    return admin.site.login(request, extra_context)
