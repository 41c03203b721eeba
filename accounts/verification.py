"""Proving that a declared codice fiscale is one's own (issue rule 6).

Having received a notice is the proof: whoever types the codice avviso or IUV of a
position the Ente issued to that codice fiscale has the paper (or the email) it was
printed on. Staff may also verify in the admin; SPID/CIE will add its own method.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Q

from accounts.models import FiscalCodeVerification, User
from pagopa.identifiers import ReferenceKind, classify_reference
from positions.models import PaymentOption


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
        match, organization=organization, position__debtor__fiscal_code=user.fiscal_code,
    ).exists()
    if issued:
        record(user, FiscalCodeVerification.Method.NOTICE, organization=organization,
               evidence=ref.value)
    return issued


def record(user: User, method: str, *, organization=None, evidence: str = "",
           verified_by: User | None = None) -> FiscalCodeVerification:
    """The verification of ``user``'s declared code (once: a second proof changes nothing)."""
    try:
        with transaction.atomic():
            return FiscalCodeVerification.objects.create(
                user=user, fiscal_code=user.fiscal_code, method=method,
                organization=organization, evidence=evidence, verified_by=verified_by)
    except IntegrityError:
        return FiscalCodeVerification.objects.get(user=user, fiscal_code=user.fiscal_code)
