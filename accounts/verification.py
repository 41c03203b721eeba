"""Proving that a declared codice fiscale is one's own, at one Ente.

Having received a notice is the proof: whoever types the codice avviso or IUV of a
position the Ente *issued* to that codice fiscale (its staff, import or API: origin
``ente``) has the paper (or the email) it was printed on. A position made through
*Inserimento spontaneo* proves nothing: anyone can make one for any code. The proof
opens that Ente only; staff verify per Ente in the admin; SPID/CIE certifies the code
for every Ente (``identity.accounts``).
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import FiscalCodeVerification, User
from pagopa.identifiers import ReferenceKind, classify_reference
from positions.models import PaymentOption, PaymentPosition


def verify_with_notice(user: User, organization, reference: str) -> bool:
    """Record the verification if ``reference`` names a notice of ``user``'s code."""
    if not user.fiscal_code:
        return False
    ref = classify_reference(reference)
    if ref.kind is ReferenceKind.NOTICE_NUMBER:
        match = Q(notice_number=ref.value)
    elif ref.kind is ReferenceKind.IUV:
        match = Q(iuv=ref.value)
    else:
        return False
    issued = PaymentOption.objects.filter(
        match, organization=organization, position__origin=PaymentPosition.Origin.ENTE,
        position__debtor__fiscal_code=user.fiscal_code,
        position__debtor__declared_by__isnull=True,
    ).exists()
    if issued:
        record(user, FiscalCodeVerification.Method.NOTICE, organization=organization,
               evidence=ref.value)
    return issued


def record(user: User, method: str, *, organization=None, evidence: str = "",
           verified_by: User | None = None) -> FiscalCodeVerification:
    """The verification of ``user``'s declared code at ``organization`` (once per Ente:
    a second proof there changes nothing)."""
    try:
        with transaction.atomic():
            return FiscalCodeVerification.objects.create(
                user=user, fiscal_code=user.fiscal_code, method=method,
                organization=organization, evidence=evidence, verified_by=verified_by)
    except IntegrityError:
        return FiscalCodeVerification.objects.get(user=user, fiscal_code=user.fiscal_code,
                                                   organization=organization)
