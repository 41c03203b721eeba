"""Abuse limits on *Scarica selezionati (ZIP)*.

Each ZIP costs the worker seconds (up to DOCUMENTS_ZIP_MAX_POSITIONS documents): one
payer asking for dozens would fill the queue. So requests are counted per account and
per client address (django-ratelimit, settings DOCUMENTS_ZIP_RATE and
DOCUMENTS_ZIP_ADDRESS_RATE), and an account may have only DOCUMENTS_ZIP_MAX_PENDING
ZIPs waiting to be built at once. The ZIPs also run on their own queue ("bulk"), so
receipts and emails never wait behind them (see ``documents.tasks``).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django_ratelimit.core import is_ratelimited

from sportello.logging_config import security_event
from sportello.ratelimit import over_limit

from .models import DocumentBundle


def pending_bundles(owner) -> int:
    """ZIPs of ``owner`` still waiting for the worker (expired ones no longer count)."""
    return DocumentBundle.objects.filter(owner=owner, status=DocumentBundle.Status.PENDING,
                                         expires_at__gt=timezone.now()).count()


def refusal(request) -> str | None:
    """Why this request may not queue another ZIP now (an Italian sentence), or None.

    A request that passes counts against both rates; one refused for pending ZIPs does not.
    """
    user = request.user
    limit = int(settings.DOCUMENTS_ZIP_MAX_PENDING)
    if pending_bundles(user) >= limit:
        security_event("zip_refused", request, reason="pending", user_id=user.pk,
                       pending=limit)
        return _("Hai già %(count)d file in preparazione: attendi che siano pronti, poi "
                 "richiedi il prossimo.") % {"count": limit}
    by_account = is_ratelimited(request, group="documents-zip-account", key="user",
                                rate=settings.DOCUMENTS_ZIP_RATE, increment=True)
    by_address = over_limit(request, "documents-zip", settings.DOCUMENTS_ZIP_ADDRESS_RATE)
    if by_account or by_address:
        security_event("zip_refused", request, user_id=user.pk,
                       reason="account rate" if by_account else "address rate")
        return _("Hai richiesto troppi file ZIP in poco tempo. Attendi qualche minuto e "
                 "riprova: la tua scelta è conservata qui sotto.")
    return None
