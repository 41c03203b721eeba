"""Who may see a position. Every payer page, document and payment asks here.

A visitor or payer may see a position of the Ente in the URL when:
- it was found in this browser session through *Ricerca pratica* (codice fiscale +
  reference: proof of knowing it), or
- (logged in) the account follows it (found through Ricerca pratica while logged in) or
  created it as a spontaneous payment (``PositionClaim``): that position only, or
- (logged in) its debtor is the Ente's record of a codice fiscale that opens this Ente
  for the account: certified by SPID/CIE (every Ente), or verified by staff or proved
  by a notice of *this* Ente (``accounts.FiscalCodeVerification.opening``).

Anything else is answered with 404, never 403, so that ids and IUVs reveal nothing.
"""

from __future__ import annotations

from django.db.models import Q
from django.http import Http404

from accounts.models import FiscalCodeVerification
from positions.models import Debtor, PaymentPosition, PositionClaim
from positions.search import found_in_session


def _own_rule(user, organization) -> Q:
    """The account's own positions: created by it, or of a code that opens the Ente.

    Only the Ente's debtor records count for a verified code: the anagrafiche other
    accounts typed for their own spontaneous positions are theirs, not the holder's.

    Both halves are read first as lists of ids (two small indexed queries), so the rule is
    ``id IN (…) OR debtor_id IN (…)`` on the positions table alone: PostgreSQL answers it
    from two indexes, where an OR across joins made it scan every position of the Ente
    (65 ms at 100,000 positions, growing with them; bench/RESULTS.md).
    """
    return Q(pk__in=_claimed(user, organization, PositionClaim.Source.CREATED)) | Q(
        debtor_id__in=_opened_debtors(user, organization))


def _claimed(user, organization, source: str | None = None) -> list[int]:
    """Ids of the Ente's positions the account claims (of ``source``, or any)."""
    claims = PositionClaim.objects.filter(user=user, position__organization=organization)
    if source is not None:
        claims = claims.filter(source=source)
    return list(claims.values_list("position_id", flat=True))


def _opened_debtors(user, organization) -> list[int]:
    """Ids of the Ente's debtor records of the codes that open the Ente for the account."""
    return list(Debtor.ente_records.filter(
        organization=organization,
        fiscal_code__in=FiscalCodeVerification.objects.filter(
            FiscalCodeVerification.opening(organization), user=user).values("fiscal_code"))
        .values_list("pk", flat=True))


def visible_positions(request):
    """The positions of ``request.organization`` this request may see."""
    organization = request.organization
    rule = Q(pk__in=found_in_session(request.session))
    user = request.user
    if user.is_authenticated:
        # Every claim (followed or created, so _own_rule's are among them) and the opened
        # debtors as lists of ids, as in _own_rule: a join to the claims inside the OR
        # made every subquery of this rule (the quietanza's) read all the Ente's
        # positions — 200 ms at 1,000,000.
        rule |= Q(pk__in=_claimed(user, organization)) | Q(
            debtor_id__in=_opened_debtors(user, organization))
    return PaymentPosition.objects.for_organization(organization).filter(rule).distinct()


def account_positions(user, organization):
    """The positions listed as the account's own (*Da Pagare*, *Storico*, receipts):
    created by it, or of a code verified for this Ente. Followed ones are apart."""
    return (PaymentPosition.objects.for_organization(organization)
            .filter(_own_rule(user, organization)).distinct())


def followed_positions(user, organization):
    """Positions the account follows (found with Ricerca pratica while logged in) that
    are not already its own: each opens itself only."""
    own = account_positions(user, organization).values("pk")
    return (PaymentPosition.objects.for_organization(organization).with_details()
            .filter(claims__user=user, claims__source=PositionClaim.Source.SEARCH)
            .exclude(pk__in=own).order_by("debtor__full_name", "-created_at"))


def verified_fiscal_codes(user, organization) -> list[str]:
    """Codici fiscali whose positions at ``organization`` the account may see."""
    return list(FiscalCodeVerification.objects
                .filter(FiscalCodeVerification.opening(organization), user=user)
                .values_list("fiscal_code", flat=True))


def get_visible_position(request, pk: int) -> PaymentPosition:
    """The position ``pk`` if this request may see it, else Http404."""
    try:
        return visible_positions(request).get(pk=pk)
    except PaymentPosition.DoesNotExist as exc:
        raise Http404 from exc
