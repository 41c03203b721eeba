"""Who may see a position. Every payer page, document and payment asks here.

A visitor or payer may see a position of the Ente in the URL when:
- it was found in this browser session through *Ricerca pratica* (codice fiscale +
  reference: proof of knowing it), or
- (logged in) the account claimed it: found through Ricerca pratica while logged in, or
  created it as a spontaneous payment (``PositionClaim``), or
- (logged in) its debtor's codice fiscale is verified for the account
  (``accounts.FiscalCodeVerification``, added by the accounts work).

Anything else is answered with 404, never 403, so that ids and IUVs reveal nothing.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from positions.models import PaymentPosition
from positions.search import found_in_session


def visible_positions(request):
    """The positions of ``request.organization`` this request may see."""
    organization = request.organization
    rule = Q(pk__in=found_in_session(request.session))
    user = request.user
    if user.is_authenticated:
        rule |= Q(claims__user=user)
        verified = verified_fiscal_codes(user)
        if verified:
            rule |= Q(debtor__fiscal_code__in=verified)
    return PaymentPosition.objects.for_organization(organization).filter(rule).distinct()


def account_positions(user, organization):
    """The positions listed in an account (claimed, or of a verified codice fiscale)."""
    rule = Q(claims__user=user)
    verified = verified_fiscal_codes(user)
    if verified:
        rule |= Q(debtor__fiscal_code__in=verified)
    return PaymentPosition.objects.for_organization(organization).filter(rule).distinct()


def verified_fiscal_codes(user) -> list[str]:
    """Codici fiscali proven for this account; empty until the accounts work adds proofs."""
    related = getattr(user, "fiscal_code_verifications", None)
    if related is None:
        return []
    return list(related.values_list("fiscal_code", flat=True))


def get_visible_position(request, pk: int) -> PaymentPosition:
    """The position ``pk`` if this request may see it, else Http404."""
    try:
        return visible_positions(request).get(pk=pk)
    except PaymentPosition.DoesNotExist as exc:
        raise Http404 from exc
