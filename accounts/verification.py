"""Proving that a declared codice fiscale is one's own, at one Ente.

Having received a notice is the proof: whoever types the codice avviso or IUV of a
position the Ente *issued* to that codice fiscale (its staff, import or API: origin
``ente``) has the paper (or the email) it was printed on. A position made through
*Inserimento spontaneo* proves nothing: anyone can make one for any code. The proof
opens that Ente only; staff verify per Ente in the admin; SPID/CIE certifies the code
for every Ente (``identity.accounts``).

Whether a notice was issued is the positions' knowledge, and positions sit above accounts:
the check is the function the setting ``ACCOUNTS_NOTICE_CHECK`` names (a dotted path, as
``AUTHENTICATION_BACKENDS`` names backends), so accounts never imports positions.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.module_loading import import_string

from accounts.models import FiscalCodeVerification, User
from pagopa.identifiers import ReferenceKind, classify_reference


def verify_with_notice(user: User, organization, reference: str) -> bool:
    """Record the verification if ``reference`` names a notice of ``user``'s code."""
    if not user.fiscal_code:
        return False
    ref = classify_reference(reference)
    if ref.kind not in (ReferenceKind.NOTICE_NUMBER, ReferenceKind.IUV):
        return False
    notice_issued = import_string(settings.ACCOUNTS_NOTICE_CHECK)
    issued = notice_issued(organization, user.fiscal_code, ref)
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
