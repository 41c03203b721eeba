"""From the models to the renderer's plain records (``documents.data``).

The renderers know nothing of Django; this module is the one place that decides what
of a position goes on its avviso: only what can still be paid, so a printed notice never
invites anyone to pay an installment that is already paid, cancelled or expired, nor an
option of a plan that is no longer payable because another plan started being paid
(``superseded``, SANP "Opzione totale e piano rateale").
"""

from __future__ import annotations

import logging
import re

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from organizations.models import Organization
from positions.models import Debtor, PaymentOption, PaymentPosition

from .data import (
    SUBJECT_MAX_CHARS,
    EnteInfo,
    InstallmentInfo,
    NoticeInfo,
    PartyInfo,
    PostalAccount,
)

logger = logging.getLogger(__name__)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_LOGO_BYTES = 2 * 1024 * 1024
PAYABLE_ATTR = "payable_options"
_POSTAL_IBAN = re.compile(r"IT\d{2}[A-Z]\d{10}(\d{12})")


class NothingPayable(Exception):
    """The position has no option left to pay: it gets no avviso."""


def payable_options_queryset() -> QuerySet[PaymentOption]:
    """Payable options in printing order: the single payment, then each installment plan's
    installments by number. ``unpaid`` only: paid, cancelled, expired and superseded
    options (another plan is being paid) are never printed."""
    return PaymentOption.objects.filter(status=PaymentOption.Status.UNPAID).order_by(
        "plan", "installment_number", "due_date", "pk"
    )


def for_notices(positions: QuerySet[PaymentPosition]) -> QuerySet[PaymentPosition]:
    """Load everything an avviso needs in a fixed number of queries, however many
    positions and options there are (two: positions with Ente, debtor and service (its
    late-charge rule), then options)."""
    return positions.select_related("organization", "debtor", "service").prefetch_related(
        Prefetch("options", queryset=payable_options_queryset(), to_attr=PAYABLE_ATTR)
    )


def payable_options(position: PaymentPosition) -> list[PaymentOption]:
    """The position's unpaid options, from the prefetch of :func:`for_notices` if present."""
    prefetched = getattr(position, PAYABLE_ATTR, None)
    if prefetched is not None:
        return list(prefetched)
    return list(payable_options_queryset().filter(position=position))


def has_notice(position: PaymentPosition) -> bool:
    """True when an avviso can be printed (something is still payable)."""
    return bool(payable_options(position))


def notice_info_for(position: PaymentPosition) -> NoticeInfo:
    """The avviso of ``position``; raises :class:`NothingPayable` when nothing is due."""
    options = payable_options(position)
    if not options:
        raise NothingPayable(position.pk)
    singles = [o for o in options if o.installment_number is None]
    rates = [o for o in options if o.installment_number is not None]
    single = _installment(singles[0], position) if singles else None
    installments = tuple(_installment(o, position) for o in rates)
    if len(installments) == 1 and single is None:
        # One installment left: pagoPA's layout has no "installments" page for one, so it
        # is printed as the payment of the notice, keeping its "Rata n" label.
        single, installments = installments[0], ()
    return NoticeInfo(
        subject=notice_subject(position.causale),
        ente=ente_info(position.organization),
        debtor=debtor_info(position.debtor),
        single_payment=single,
        installments=installments,
        pagopa_mark_png=pagopa_mark(),
    )


def pagopa_mark() -> bytes | None:
    """The pagoPA mark named by ``DOCUMENTS_PAGOPA_MARK`` (a PNG file the operator
    installs), or None: the project does not ship the mark, whose use pagoPA licenses to
    adhering Enti under its own rules (see docs/architecture.md, Documents)."""
    path = settings.DOCUMENTS_PAGOPA_MARK
    if not path:
        return None
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except OSError:
        logger.warning("DOCUMENTS_PAGOPA_MARK %s not readable: header without the mark", path)
        return None
    if len(data) > MAX_LOGO_BYTES or not data.startswith(PNG_SIGNATURE):
        logger.warning("DOCUMENTS_PAGOPA_MARK is not a PNG of at most 2 MiB: not printed")
        return None
    return data


def first_notice_number(position: PaymentPosition) -> str:
    """Codice avviso of the first payable option (the one named in the file name)."""
    options = payable_options(position)
    if not options:
        raise NothingPayable(position.pk)
    return options[0].notice_number


def notice_subject(causale: str) -> str:
    """AVVISO.OGGETTO is at most 90 characters: a longer causale is cut on a word."""
    text = " ".join(causale.split())
    if len(text) <= SUBJECT_MAX_CHARS:
        return text
    cut = text[: SUBJECT_MAX_CHARS - 1]
    if " " in cut[SUBJECT_MAX_CHARS // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip(" ,;:-") + "…"


def ente_info(organization: Organization) -> EnteInfo:
    """The Ente as printed: contacts, CBILL, PNG logo and postal account when set."""
    return EnteInfo(
        name=organization.name,
        fiscal_code=organization.fiscal_code,
        sector=organization.sector,
        website=organization.website,
        email=organization.email,
        pec=organization.pec,
        phone=organization.phone,
        cbill=organization.cbill_code or None,
        logo_png=logo_png(organization),
        postal_account=postal_account(organization),
    )


def logo_png(organization: Organization) -> bytes | None:
    """The logo's bytes when it is a PNG of sane size; anything else prints no logo.

    The renderer also re-checks the image with Pillow; reading here only avoids loading
    a huge or non-PNG upload into memory at all.
    """
    if not organization.logo:
        return None
    try:
        with organization.logo.open("rb") as handle:
            data = handle.read(MAX_LOGO_BYTES + 1)
    except (FileNotFoundError, OSError):
        logger.warning("logo of %s not readable", organization.slug)
        return None
    if len(data) > MAX_LOGO_BYTES or not data.startswith(PNG_SIGNATURE):
        return None
    return data


def postal_account_number(iban: str) -> str | None:
    """The postal current account's number, the last 12 digits of its Italian IBAN (IT,
    check digits, CIN, ABI, CAB, then the 12-digit account); None for anything else."""
    match = _POSTAL_IBAN.fullmatch("".join((iban or "").split()).upper())
    return match.group(1) if match else None


def postal_account(organization: Organization) -> PostalAccount | None:
    """The Bollettino Postale PA data, only when the Ente has a postal IBAN: the section
    prints nothing else (a bare account number is not enough for Poste's data matrix)."""
    number = postal_account_number(organization.postal_iban)
    if number is None:
        if organization.postal_iban:
            logger.warning("postal IBAN of %s is not an Italian IBAN: no bollettino",
                           organization.slug)
        return None
    return PostalAccount(
        number=number,
        holder=organization.postal_account_holder or organization.name,
        authorisation_code=organization.postal_authorization,
    )


def debtor_info(debtor: Debtor) -> PartyInfo:
    """Name, codice fiscale and up to two address lines (street; CAP city (PR) nation)."""
    place = " ".join(part for part in (debtor.postal_code, debtor.city) if part)
    if debtor.province:
        place = f"{place} ({debtor.province.upper()})".strip()
    if debtor.nation and debtor.nation.upper() != "IT":
        place = f"{place} {debtor.nation.upper()}".strip()
    lines = tuple(line for line in (debtor.address, place) if line)
    return PartyInfo(full_name=debtor.full_name, fiscal_code=debtor.fiscal_code,
                     address_lines=lines)


def _installment(option: PaymentOption, position: PaymentPosition) -> InstallmentInfo:
    label = f"Rata {option.installment_number}" if option.installment_number else ""
    option.position = position  # the causale and the service, already loaded
    return InstallmentInfo(
        notice_number=option.notice_number,
        iuv=option.iuv,
        # Attualizzazione: a notice printed today shows (and its QR carries) today's
        # amount, late charge and SEND fee included, as verify will answer it.
        amount_cents=option.amount_now_cents,
        due_date=option.due_date,
        label=label,
        description=option.payment_description,
        plan=option.plan,
        number=option.installment_number,
    )
