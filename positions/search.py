"""The anonymous *Ricerca pratica*: a position is found only by its debtor's codice
fiscale together with one of its references (riferimento pratica, IUV or codice avviso)."""

from __future__ import annotations

from django.db.models import Q

from organizations.models import Organization
from pagopa.identifiers import ClassifiedReference, ReferenceKind, classify_reference
from positions.models import PaymentOption, PaymentPosition

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


def notice_issued(organization: Organization, fiscal_code: str,
                  ref: ClassifiedReference) -> bool:
    """Whether the Ente issued to ``fiscal_code`` the notice ``ref`` (codice avviso or IUV):
    the proof of a declared codice fiscale (``accounts.verification``, through the setting
    ``ACCOUNTS_NOTICE_CHECK``)."""
    if ref.kind is ReferenceKind.NOTICE_NUMBER:
        match = Q(notice_number=ref.value)
    elif ref.kind is ReferenceKind.IUV:
        match = Q(iuv=ref.value)
    else:
        return False
    # Only a notice the Ente issued (staff, import, API) on its own record of the code:
    # a position made through Inserimento spontaneo proves nothing.
    return PaymentOption.objects.filter(
        match, organization=organization, position__origin=PaymentPosition.Origin.ENTE,
        position__debtor__fiscal_code=fiscal_code,
        position__debtor__declared_by__isnull=True,
    ).exists()


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
