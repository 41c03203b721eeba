"""A limit on wrong *current* passwords (Cambia password, Cambia email).

Whoever holds a stolen session could otherwise guess the account's password on these
forms, which the login lockout does not watch. Wrong answers are counted per account and
per client address (django-ratelimit counters, ACCOUNT_PASSWORD_CHECK_RATE); once either
count reaches the rate, the forms refuse every answer, even the right one, until the
window ends. Right answers do not count.
"""

from __future__ import annotations

import logging
import math

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_ratelimit.core import get_usage

from sportello.ratelimit import client_address

logger = logging.getLogger(__name__)

LOCKED_CODE = "too_many_attempts"


class CurrentPasswordGuard:
    """The two counters for one request: ``locked()`` before checking, ``failed()`` after
    a wrong password."""

    GROUPS = (("current-password-account", "user"),
              ("current-password-address", client_address))

    def __init__(self, request) -> None:
        self.request = request
        self.rate = settings.ACCOUNT_PASSWORD_CHECK_RATE

    def _usages(self, increment: bool) -> list[dict]:
        usages = (get_usage(self.request, group=group, key=key, rate=self.rate,
                            increment=increment) for group, key in self.GROUPS)
        return [usage for usage in usages if usage]  # None when RATELIMIT_ENABLE is off

    def seconds_locked(self) -> int:
        """Seconds until the check is open again; 0 when it is open now."""
        full = [u["time_left"] for u in self._usages(False) if u["count"] >= u["limit"]]
        return max(full, default=0)

    def locked_message(self, seconds: int) -> str:
        minutes = max(1, math.ceil(seconds / 60))
        return ngettext(
            "Troppe password errate. Per sicurezza la verifica è sospesa: riprova tra "
            "%(minutes)d minuto.",
            "Troppe password errate. Per sicurezza la verifica è sospesa: riprova tra "
            "%(minutes)d minuti.", minutes) % {"minutes": minutes}

    def failed(self) -> None:
        """Count one wrong current password; log when this one reaches the limit."""
        usages = self._usages(True)
        if any(u["count"] == u["limit"] for u in usages):
            logger.warning("security: current-password checks suspended for account %s "
                           "after repeated wrong passwords", self.request.user.pk)


def wrong_password_message() -> str:
    return _("La password non è corretta.")
