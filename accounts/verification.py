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
from audit.log import log_action
from pagopa.identifiers import ReferenceKind, classify_reference


def verify_with_notice(user: User, organization, reference: str, request=None) -> bool:
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
               evidence=ref.value, request=request)
    return issued


def record(user: User, method: str, *, organization=None, evidence: str = "",
           verified_by: User | None = None, request=None) -> FiscalCodeVerification:
    """The verification of ``user``'s declared code at ``organization`` (once per Ente:
    a second proof there changes nothing), written to the audit trail with it: who
    verified (the staff member, else the account itself), how, from where."""
    try:
        with transaction.atomic():
            verification = FiscalCodeVerification.objects.create(
                user=user, fiscal_code=user.fiscal_code, method=method,
                organization=organization, evidence=evidence, verified_by=verified_by)
            log_action("fiscal_code.verified", obj=verification, request=request,
                       actor=verified_by or user, organization=organization,
                       data={"account": user.email, "fiscal_code": user.fiscal_code,
                             "method": method, "evidence": evidence[:100]})
            return verification
    except IntegrityError:
        return FiscalCodeVerification.objects.get(user=user, fiscal_code=user.fiscal_code,
                                                   organization=organization)
