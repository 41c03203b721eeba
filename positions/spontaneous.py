"""*Inserimento spontaneo*: a payer creates a position for a service the Ente offers.

The debtor is the account's own codice fiscale (with the anagrafica the account typed,
stored with each position, while that code is only declared at the Ente: see
``debtor_for``); the amount is what the service's rule computes on the server; a
one-time token makes a double click create one position.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone

from catalog.forms import SpontaneousForm
from catalog.models import SpontaneousSubmission
from positions.models import Debtor, PaymentPosition, PositionClaim
from positions.services import OptionSpec, create_position

# Days the payer has to pay a spontaneous position: it is shown as due then, but stays
# payable afterwards (switch_to_expired is off), as a counter would accept it.
SPONTANEOUS_DUE_DAYS = 30


class TokenAlreadyUsed(Exception):
    """The token belongs to another account's submission: the form is refused."""


@dataclass(frozen=True)
class AccountAnagrafica:
    """What the account knows about the payer, shown read-only on the form."""

    fiscal_code: str
    full_name: str
    email: str
    address: str = ""
    city: str = ""
    province: str = ""
    postal_code: str = ""

    @classmethod
    def of(cls, user) -> AccountAnagrafica:
        # The accounts work adds address fields: read them when they exist.
        return cls(
            fiscal_code=(user.fiscal_code or "").upper(),
            full_name=user.get_full_name().strip(),
            email=user.email,
            address=getattr(user, "address", "") or "",
            city=getattr(user, "city", "") or "",
            province=getattr(user, "province", "") or "",
            postal_code=getattr(user, "postal_code", "") or "",
        )

    @property
    def complete(self) -> bool:
        return bool(self.fiscal_code and self.full_name)


def debtor_for(organization, user, anagrafica: AccountAnagrafica) -> Debtor:
    """Who a spontaneous position is owed by.

    Once the account's code opens this Ente (certified, or verified here), it is the
    Ente's record of that code: an existing one is left as it is (an account must not
    rewrite the name or address the Ente holds), a missing one is created from the
    account. Before that, the code is only declared: the position carries the
    anagrafica the account typed, in a new record of the account's own for each
    position (a later profile edit must not change what earlier avvisi print), and the
    Ente's record of that code is neither read nor written.
    """
    values = {"full_name": anagrafica.full_name[:70], "email": anagrafica.email,
              "address": anagrafica.address[:140], "city": anagrafica.city[:70],
              "province": anagrafica.province[:2],
              "postal_code": anagrafica.postal_code[:16]}
    if user.fiscal_code_verified_at(organization):
        debtor, _created = Debtor.ente_records.get_or_create(
            organization=organization, fiscal_code=anagrafica.fiscal_code, defaults=values)
        return debtor
    return Debtor.objects.create(organization=organization,
                                 fiscal_code=anagrafica.fiscal_code, declared_by=user,
                                 **values)


def create_spontaneous_position(user, organization, form: SpontaneousForm) -> PaymentPosition:
    """Create (once per form token) the position the valid ``form`` describes.

    A second submission with the same token returns the position of the first; the
    token row is written first, so on PostgreSQL a concurrent duplicate waits for the
    first transaction and then finds its position.
    """
    token = form.cleaned_data["token"]
    service = form.service
    with transaction.atomic():
        try:
            with transaction.atomic():
                submission = SpontaneousSubmission.objects.create(
                    token=token, user=user, service=service)
        except IntegrityError:
            existing = (SpontaneousSubmission.objects
                        .filter(token=token, user=user, position__isnull=False)
                        .select_related("position").first())
            if existing is None:
                raise TokenAlreadyUsed from None
            return existing.position
        debtor = debtor_for(organization, user, AccountAnagrafica.of(user))
        due = timezone.localdate() + timedelta(days=SPONTANEOUS_DUE_DAYS)
        position = create_position(
            organization=organization, debtor=debtor, service=service,
            causale=form.causale(), options=[OptionSpec(form.amount_cents, due)],
            origin=PaymentPosition.Origin.SPONTANEOUS,
        )
        position.field_values = form.snapshot()
        position.save(update_fields=["field_values", "updated_at"])
        PositionClaim.objects.create(user=user, position=position,
                                     source=PositionClaim.Source.CREATED)
        submission.position = position
        submission.save(update_fields=["position"])
    return position


def similar_unpaid_position(user, organization, service, causale: str,
                            amount_cents: int) -> PaymentPosition | None:
    """A position this account created for the same service, causale and amount that is
    still wholly unpaid: *Salva* pressed again after Back would make a second one."""
    return (PaymentPosition.objects
            .filter(organization=organization, service=service, causale=causale,
                    origin=PaymentPosition.Origin.SPONTANEOUS,
                    status=PaymentPosition.Status.VALID,
                    claims__user=user, claims__source=PositionClaim.Source.CREATED,
                    options__amount_cents=amount_cents)
            .order_by("-created_at").first())


class NotWithdrawable(Exception):
    """Something of the position was paid, cancelled or expired: it stays as it is."""


def withdrawable_positions(user, organization):
    """The positions this account may withdraw: created by it, nothing paid yet."""
    return PaymentPosition.objects.filter(
        organization=organization, origin=PaymentPosition.Origin.SPONTANEOUS,
        status=PaymentPosition.Status.VALID,
        claims__user=user, claims__source=PositionClaim.Source.CREATED)


def withdraw_spontaneous_position(user, organization, position_id: int) -> PaymentPosition:
    """Cancel every option of a position the account created and has not paid.

    The position is never deleted: its IUVs were issued and mirrored to pagoPA's archive
    (ACA), so the options are cancelled through their state machine (which pushes the
    change) and the position stays in the account's history as *Annullata*. Locks the
    position, then its options, in the order receipts lock them, so a receipt arriving
    at the same moment either comes first (and the withdrawal is refused) or finds the
    options cancelled (and is kept for a refund, as for any cancelled notice).
    Raises ``PaymentPosition.DoesNotExist`` for a position that is not the account's.
    """
    with transaction.atomic():
        position = (withdrawable_positions(user, organization).select_for_update()
                    .get(pk=position_id))
        options = list(position.options.select_for_update().order_by("pk"))
        if not options or any(not option.is_payable for option in options):
            raise NotWithdrawable
        for option in options:
            option.cancel()
        position.refresh_from_db()
    return position
