"""Authentication backends: the lockout check in front of Django's ModelBackend."""

from __future__ import annotations

from axes.backends import AxesStandaloneBackend


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check, for every login that comes with a request.

    Every login form of the portal and the admin passes the request. Code that
    authenticates without one (the test client's ``login``, shell scripts) is not a
    guessable web endpoint, so it is let through to ModelBackend instead of failing.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
