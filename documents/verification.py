"""Receipt verification: a signed token printed on the quietanza (as a URL and QR code)
lets anyone holding the paper check on the Ente's site that the receipt is genuine.

The token is ``django.core.signing`` over the receipt's identity, with its own salt, so it
cannot be forged or altered without SECRET_KEY, and a token minted for another purpose
(e.g. a password reset) is not accepted here. It does not expire: a receipt must stay
verifiable for years. Rotating SECRET_KEY keeps old tokens valid only if the old key is
listed in SECRET_KEY_FALLBACKS.

Identity: the Ente (its primary key), the receipt's ``fiscalCode`` (the creditor
institution as pagoPA names it in paSendRTV2) and its ``receiptId``: together they
identify one receipt in pagoPA.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core import signing
from django.urls import reverse

from organizations.models import Organization
from payments.models import Receipt

SALT = "documents.receipt"


@dataclass(frozen=True)
class ReceiptIdentity:
    """What a verification token carries."""

    organization_id: int
    fiscal_code: str
    receipt_id: str


@dataclass(frozen=True)
class VerifiedReceipt:
    """What the verification page shows: only what the printed receipt itself shows."""

    ente_name: str
    iuv: str
    receipt_id: str
    amount_cents: int
    payment_datetime: datetime


def receipt_verification_token(organization: Organization, fiscal_code: str,
                               receipt_id: str) -> str:
    """A URL-safe signed token for one receipt (compact JSON, compressed when it helps)."""
    payload = {"o": organization.pk, "f": fiscal_code, "r": receipt_id}
    return signing.dumps(payload, salt=SALT, compress=True)


def verify_receipt_token(token: str) -> ReceiptIdentity | None:
    """The identity in ``token``, or None when it was not signed by us or was altered."""
    try:
        data = signing.loads(token, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict):
        return None
    organization_id, fiscal_code, receipt_id = data.get("o"), data.get("f"), data.get("r")
    if not (isinstance(organization_id, int) and isinstance(fiscal_code, str)
            and isinstance(receipt_id, str)):
        return None
    return ReceiptIdentity(organization_id, fiscal_code, receipt_id)


def receipt_verification_url(organization: Organization, fiscal_code: str,
                             receipt_id: str) -> str:
    """Absolute URL to print on the quietanza (``QuietanzaInfo.verification_url``)."""
    token = receipt_verification_token(organization, fiscal_code, receipt_id)
    path = reverse("documents:verify-receipt", args=[organization.slug, token])
    return settings.SITE_URL + path


def lookup_receipt(organization: Organization, fiscal_code: str,
                   receipt_id: str) -> VerifiedReceipt | None:
    """The stored receipt with this identity (a successful payment), or None."""
    receipt = (Receipt.objects.filter(organization=organization, fiscal_code=fiscal_code,
                                      receipt_id=receipt_id, outcome="OK")
               .order_by("received_at").first())
    if receipt is None:
        return None
    return VerifiedReceipt(
        ente_name=organization.name, iuv=receipt.creditor_reference_id,
        receipt_id=receipt.receipt_id, amount_cents=receipt.amount_cents,
        payment_datetime=receipt.payment_date_time or receipt.received_at,
    )


def verify(organization: Organization, token: str) -> VerifiedReceipt | None:
    """Token and lookup together: None for a forged, altered, foreign or unknown receipt.

    A token of another Ente is refused too, so the page never vouches for a receipt on a
    URL prefix that did not issue it.
    """
    identity = verify_receipt_token(token)
    if identity is None or identity.organization_id != organization.pk:
        return None
    return lookup_receipt(organization, identity.fiscal_code, identity.receipt_id)
