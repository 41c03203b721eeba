"""Bearer-token authentication for the API, with a rate limit per token.

Only ``Authorization: Bearer <token>`` is read: a session cookie never authenticates an
API call (so there is no CSRF to fear, and the views are CSRF-exempt), and a staff
member logged in to the back office gets 401 here like anyone without a token."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from ninja.security import HttpBearer

from api import tokens
from api.problems import ApiProblem
from sportello.ratelimit import over_limit


class TokenAuth(HttpBearer):
    openapi_description = "Token dell'Ente creato dal responsabile nel back office."

    def authenticate(self, request, token: str):
        found = tokens.authenticate(token)
        if found is None:
            # Guessing tokens from one address is slowed down like any public form.
            if over_limit(request, "api-auth-failure", settings.API_AUTH_FAILURE_RATE):
                raise _too_many()
            return None
        if over_limit(request, "api", settings.API_RATE, key=f"api-token:{found.pk}"):
            raise _too_many()
        request.api_token = found
        request.organization = found.organization
        return found


def _too_many() -> ApiProblem:
    return ApiProblem(429, "rate_limited",
                      _("Troppe richieste: rallenta e riprova tra un minuto."),
                      headers={"Retry-After": "60"})
