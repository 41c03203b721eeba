"""The anonymous *Ricerca pratica*: a position is found only by its debtor's codice
fiscale together with one of its references (riferimento pratica, IUV or codice avviso)."""

from __future__ import annotations

from django.db.models import Q

from organizations.models import Organization
from pagopa.identifiers import ReferenceKind, classify_reference
from positions.models import PaymentPosition

FOUND_SESSION_KEY = "found_positions"


def find_positions(organization: Organization, fiscal_code: str, reference: str):
    """Positions of ``organization`` owed by ``fiscal_code`` that match ``reference``."""
    reference = reference.strip()
    if not reference:
        return PaymentPosition.objects.none()
    ref = classify_reference(reference)
    match = Q(external_reference__iexact=reference)
    if ref.kind is ReferenceKind.IUV:
        match |= Q(options__iuv=ref.value)
    elif ref.kind is ReferenceKind.NOTICE_NUMBER:
        match |= Q(options__notice_number=ref.value)
    ids = (
        PaymentPosition.objects.for_organization(organization)
        .filter(debtor__fiscal_code=fiscal_code)
        .filter(match)
        .values("pk")
        .distinct()
    )
    return PaymentPosition.objects.with_details().filter(pk__in=ids).order_by("-created_at")


def remember_found(session, positions) -> None:
    """Keep, for this browser session, the positions its visitor proved to know."""
    known = set(session.get(FOUND_SESSION_KEY, []))
    known.update(p.pk for p in positions)
    session[FOUND_SESSION_KEY] = sorted(known)


def forget_found(session, pk: int) -> None:
    known = [known_pk for known_pk in session.get(FOUND_SESSION_KEY, []) if known_pk != pk]
    session[FOUND_SESSION_KEY] = known


def found_in_session(session) -> list[int]:
    return list(session.get(FOUND_SESSION_KEY, []))


def claim_found_positions(user, session) -> None:
    """On login: the positions found in this browser join the account (proof of knowing
    codice fiscale + reference was given), so they stay listed in later sessions."""
    from positions.models import PositionClaim

    ids = found_in_session(session)
    if not ids:
        return
    existing = set(PositionClaim.objects.filter(user=user, position_id__in=ids)
                   .values_list("position_id", flat=True))
    PositionClaim.objects.bulk_create(
        [PositionClaim(user=user, position_id=pk, source=PositionClaim.Source.SEARCH)
         for pk in ids if pk not in existing],
        ignore_conflicts=True,
    )
