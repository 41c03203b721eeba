"""Signed "pay now" links: ``/<ente>/paga/<token>/`` opens one position without login.

**Token = a row id, signed.** The token is ``<public_id>:<signature>``, where
``public_id`` is 72 random bits naming a :class:`~reminders.models.PayLink` row and the
signature is Django's salted HMAC of it (``django.core.signing.Signer``, keyed from
SECRET_KEY). Why both:

- the row gives what a self-contained signed token cannot: *revocation* by staff and an
  audit of who issued or revoked it; the expiry is computed from the position's due date
  when the link is opened, so a due date moved by staff moves the link's end;
- the signature means a tampered or guessed token is refused before any query (cheap
  under the rate limit, no oracle), and a copy of the database alone does not give
  working links (the row holds only the id; the URL needs SECRET_KEY);
- the URL can be rebuilt from the row (a signature is deterministic), so the same live
  link is reused in every email, IO message and printed letter instead of a new one each
  time.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from audit.log import log_action
from positions.models import PaymentOption, PaymentPosition
from reminders.models import PayLink

SALT = "reminders.pay-link"


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def token_for(link: PayLink) -> str:
    return _signer().sign(link.public_id)


def expires_on(position: PaymentPosition, link: PayLink | None = None) -> date:
    """The last day the link opens: the latest due date of the position's options plus
    ``REMINDERS_PAY_LINK_DAYS_AFTER_DUE`` (60); without any due date, that many days
    after the link was issued."""
    days = timedelta(days=settings.REMINDERS_PAY_LINK_DAYS_AFTER_DUE)
    dues = [d for d in position.options.exclude(
        status=PaymentOption.Status.SUPERSEDED).values_list("due_date", flat=True) if d]
    if dues:
        return max(dues) + days
    issued = timezone.localdate(link.created_at) if link and link.created_at else (
        timezone.localdate())
    return issued + days


def today() -> date:
    """The Ente's today (Europe/Rome): a link opens until the end of its last day."""
    return timezone.localdate()


def is_live(link: PayLink, on: date | None = None) -> bool:
    on = on or today()
    return link.revoked_at is None and on <= expires_on(link.position, link)


def live_link(position: PaymentPosition) -> PayLink | None:
    """The position's link that still opens, if any (newest first)."""
    for link in position.pay_links.filter(revoked_at__isnull=True).order_by("-created_at"):
        link.position = position
        if is_live(link):
            return link
    return None


def pay_link_for(position: PaymentPosition, *, actor=None) -> PayLink:
    """The live link of ``position``, or a new one (audited when staff asked for it)."""
    link = live_link(position)
    if link is not None:
        return link
    with transaction.atomic():
        link = PayLink.objects.create(organization_id=position.organization_id,
                                      position=position, created_by=actor)
        if actor is not None:
            log_action("pay_link.issued", obj=position, actor=actor,
                       organization=position.organization, data={"link": link.public_id})
    return link


def pay_link_url(position: PaymentPosition) -> str:
    """The absolute address of the position's live link (issuing one if needed)."""
    return url_of(pay_link_for(position))


def url_of(link: PayLink) -> str:
    slug = link.position.organization.slug
    return settings.SITE_URL + reverse("reminders:pay", args=[slug, token_for(link)])


def resolve(organization, token: str) -> PaymentPosition | None:
    """The position ``token`` opens under ``organization``; ``None`` for a tampered,
    expired or revoked token or one of another Ente, all alike (the page is no oracle)."""
    link = resolve_link(organization, token)
    return link.position if link is not None else None


def resolve_link(organization, token: str) -> PayLink | None:
    try:
        public_id = _signer().unsign(token)
    except signing.BadSignature:
        return None
    link = (PayLink.objects.select_related("position__organization", "position__service")
            .filter(public_id=public_id, organization=organization).first())
    if link is None or not is_live(link):
        return None
    return link


def revoke(link: PayLink, *, actor, request=None) -> None:
    """Staff close a link (a letter sent to the wrong address): it opens nothing from now
    on; the next reminder carries a new one."""
    with transaction.atomic():
        updated = PayLink.objects.filter(pk=link.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor)
        if updated:
            log_action("pay_link.revoked", obj=link.position, actor=actor, request=request,
                       organization=link.position.organization,
                       data={"link": link.public_id})
    link.refresh_from_db(fields=["revoked_at", "revoked_by"])
