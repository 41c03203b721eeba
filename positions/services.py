"""Creating positions: all or nothing, with IUVs that are unique per Ente."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from catalog.models import Service
from organizations.models import Organization
from pagopa.identifiers import make_iuv, notice_number_for_iuv
from positions import events
from positions.models import (
    Debtor,
    InvalidTransition,
    PaymentOption,
    PaymentPosition,
    Transfer,
)
from sportello.validators import normalize_iban

MAX_TRANSFERS = 5


@dataclass(frozen=True)
class TransferSpec:
    amount_cents: int
    remittance_information: str = ""
    iban: str = ""  # empty: the Ente's own IBAN
    beneficiary_fiscal_code: str = ""  # empty: the Ente itself
    beneficiary_name: str = ""
    taxonomy_code: str = ""  # empty: the service's code
    postal_iban: str = ""  # a Poste account's IBAN, if the beneficiary has one


@dataclass(frozen=True)
class OptionSpec:
    amount_cents: int
    due_date: date | None = None
    installment_number: int | None = None
    description: str = ""  # empty: the causale, or "<causale> – rata n di N" for installments
    plan: int | None = None  # empty: 0 for the single payment, 1 for installments
    transfers: list[TransferSpec] = field(default_factory=list)  # empty: one to the Ente


@transaction.atomic
def create_position(
    *,
    organization: Organization,
    debtor: Debtor,
    service: Service,
    causale: str,
    options: list[OptionSpec],
    external_reference: str = "",
    validity_date: date | None = None,
    switch_to_expired: bool = False,
    origin: str = PaymentPosition.Origin.ENTE,
) -> PaymentPosition:
    """Create a position with its options and transfers, or nothing at all.

    Raises ValidationError (with Italian messages) when the data break a rule; the
    surrounding transaction then leaves the database, IUV counter included, as it was.
    """
    if debtor.organization_id != organization.pk or service.organization_id != organization.pk:
        raise ValidationError(_("Debitore e servizio devono appartenere allo stesso Ente."))
    if not options:
        raise ValidationError(_("Una posizione ha almeno un'opzione di pagamento."))
    check_plans(options)
    position = PaymentPosition(
        organization=organization, debtor=debtor, service=service, causale=causale,
        external_reference=external_reference, validity_date=validity_date,
        switch_to_expired=switch_to_expired, origin=origin,
    )
    position.full_clean()
    position.save()
    bases = organization.reserve_iuv_bases(len(options))
    plans = [plan_of(spec) for spec in options]
    for spec, plan, base in zip(options, plans, bases, strict=True):
        _create_option(position, spec, base, plan, installments=plans.count(plan))
    position.refresh_status()
    events.positions_created.send(PaymentPosition, organization=organization,
                                  position_ids=[position.pk], origin=origin)
    return position


def plan_of(spec: OptionSpec) -> int:
    if spec.plan is not None:
        return spec.plan
    return PaymentOption.SINGLE_PLAN if spec.installment_number is None else 1


def option_label(plan: int, installment_number: int | None, plans: int = 1) -> str:
    """How staff messages name an option: "Unica soluzione", "Rata 2" ("Piano 2, rata 1"
    when the position has several installment plans)."""
    if plan == PaymentOption.SINGLE_PLAN:
        return _("Unica soluzione")
    if plans > 1:
        return _("Piano %(plan)s, rata %(number)s") % {"plan": plan, "number": installment_number}
    return _("Rata %(number)s") % {"number": installment_number}


def check_plans(options: list[OptionSpec]) -> None:
    """The plans rule (SANP, "Opzione totale e piano rateale"): at most one single
    payment, and each installment plan numbered 1..n."""
    by_plan: dict[int, list[OptionSpec]] = {}
    for spec in options:
        by_plan.setdefault(plan_of(spec), []).append(spec)
    single = by_plan.pop(PaymentOption.SINGLE_PLAN, [])
    if len(single) > 1:
        raise ValidationError(_("Una posizione ha al massimo un pagamento in unica soluzione."))
    if single and single[0].installment_number is not None:
        raise ValidationError(_("Il pagamento in unica soluzione non ha un numero di rata."))
    for plan, specs in by_plan.items():
        numbers = [spec.installment_number for spec in specs]
        if sorted(n or 0 for n in numbers) != list(range(1, len(specs) + 1)):
            raise ValidationError(
                _("Le rate del piano %(plan)s devono essere numerate da 1 a %(count)s, "
                  "una volta ciascuna.") % {"plan": plan, "count": len(specs)})



def installment_description(causale: str, number: int, count: int) -> str:
    """An installment's own description, distinct from its siblings' wherever it travels
    (cart, paGetPayment, receipt, avviso). Italian on purpose: it is data sent to pagoPA."""
    suffix = f" – rata {number} di {count}"
    return causale[:140 - len(suffix)].rstrip() + suffix


def _create_option(position: PaymentPosition, spec: OptionSpec, iuv_base: int, plan: int,
                   installments: int) -> PaymentOption:
    organization = position.organization
    iuv = make_iuv(organization.segregation_code, iuv_base)
    description = spec.description
    if not description and spec.installment_number:
        description = installment_description(position.causale, spec.installment_number,
                                              installments)
    option = PaymentOption(
        position=position, organization=organization, iuv=iuv,
        notice_number=notice_number_for_iuv(iuv), amount_cents=spec.amount_cents,
        due_date=spec.due_date, installment_number=spec.installment_number,
        description=description[:140], plan=plan,
    )
    option.full_clean(exclude=["position", "organization"])
    option.save()
    transfers = spec.transfers or [TransferSpec(amount_cents=spec.amount_cents)]
    if len(transfers) > MAX_TRANSFERS:
        raise ValidationError(_("Al massimo 5 trasferimenti per opzione di pagamento."))
    if sum(t.amount_cents for t in transfers) != spec.amount_cents:
        raise ValidationError(
            _("La somma dei trasferimenti deve essere uguale all'importo dell'opzione.")
        )
    for transfer in build_transfers(position, option, transfers):
        transfer.full_clean(exclude=["option"])
        transfer.save()
    return option


def build_transfers(position: PaymentPosition, option: PaymentOption,
                    transfers: list[TransferSpec]) -> list[Transfer]:
    """The unsaved transfers of ``option``, blanks filled from the Ente and the service
    (shared with the bulk writer, which inserts them by the thousand)."""
    return [Transfer(option=option, **values) for values in transfer_values(
        position.organization, position.causale, position.service.taxonomy_code, transfers)]


def transfer_values(organization, causale: str, taxonomy_code: str,
                    transfers: list[TransferSpec]) -> list[dict]:
    """The fields of each transfer but its option, blanks filled from the Ente and the
    service: the bulk writer's COPY takes them as they are, with no model instance."""
    return [
        {
            "index": index,
            "beneficiary_fiscal_code": t.beneficiary_fiscal_code or organization.fiscal_code,
            "beneficiary_name": t.beneficiary_name or organization.name,
            "iban": normalize_iban(t.iban) or organization.iban,
            # A transfer to the Ente's own account gets its postal IBAN too (allCCP).
            "postal_iban": normalize_iban(t.postal_iban)
            or (organization.postal_iban if not t.iban else ""),
            "amount_cents": t.amount_cents,
            "remittance_information": (t.remittance_information or causale)[:140],
            "taxonomy_code": t.taxonomy_code or taxonomy_code,
        }
        for index, t in enumerate(transfers, start=1)]


def renumber_option(option: PaymentOption) -> PaymentOption:
    """Give an unpaid option a new IUV and codice avviso.

    For when pagoPA's central archive (ACA) holds the old IUV closed for good (it never
    reopens an invalidated position) while the Ente made the option payable again: the
    new IUV is registered there as a new position. The old codice avviso is no longer
    answered; a new avviso must be printed. Raises InvalidTransition when not unpaid.
    """
    with transaction.atomic():
        locked = PaymentOption.objects.select_for_update().get(pk=option.pk)
        if not locked.is_payable:
            raise InvalidTransition(f"option {locked.pk} is {locked.status}: not renumbered")
        (base,) = locked.organization.reserve_iuv_bases(1)
        locked.iuv = make_iuv(locked.organization.segregation_code, base)
        locked.notice_number = notice_number_for_iuv(locked.iuv)
        locked.save(update_fields=["iuv", "notice_number"])
    return locked
