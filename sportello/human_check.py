"""A human check that needs no third party: ALTCHA's proof of work, self-hosted.

The server signs a challenge (``altcha.create_challenge``, HMAC with a key derived from
SECRET_KEY); the browser's widget (vendored under static/vendor/altcha/) finds the number
that solves it, which costs a person a second and a script that sends thousands of
requests as many seconds each. A solution is accepted once (its signature is remembered
in the cache until the challenge expires) and only before it expires.
"""

from __future__ import annotations

import json
from datetime import timedelta

import altcha
from django.conf import settings
from django.core.cache import cache
from django.utils import timezone
from django.utils.crypto import salted_hmac

ALGORITHM = "SHA-256"
VALID_FOR = timedelta(minutes=10)


def _secret() -> str:
    return salted_hmac("sportello.human_check", "altcha").hexdigest()


def new_challenge() -> str:
    """A signed challenge, as the JSON the widget's ``challenge`` attribute takes."""
    challenge = altcha.create_challenge(
        ALGORITHM, settings.HUMAN_CHECK_COST,
        expires_at=timezone.now() + VALID_FOR, hmac_secret=_secret())
    return json.dumps(challenge.to_dict() if hasattr(challenge, "to_dict")
                      else challenge.__dict__, default=str)


def verified(payload: str | None) -> bool:
    """The widget's payload solves a challenge we signed, not expired, not used before."""
    if not payload:
        return False
    try:
        result = altcha.verify_solution(payload, _secret())
    except Exception:  # malformed payloads are simply not a solution
        return False
    if not getattr(result, "verified", False):
        return False
    key = f"human-check:{salted_hmac('sportello.human_check.used', payload).hexdigest()}"
    return cache.add(key, True, timeout=int(VALID_FOR.total_seconds()))
