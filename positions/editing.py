"""Staff's changes to positions, the one way the back office (and later imports and the
API) writes them: create, update while unpaid, cancel with a reason, reopen.

Each function is one transaction that
- checks the rules pagoPA applies (amount = sum of 1–5 transfers, valid IBANs and
  taxonomy codes, sensible due dates, the plans rule of ``services.check_plans``),
- refuses a concurrent edit: the caller passes the ``version`` it showed, and the first
  statement is ``UPDATE … SET version = version + 1 WHERE id = … AND version = …``
  (optimistic lock; on PostgreSQL the row stays locked until commit, so a receipt or a
  second editor waits and then sees the new version),
- refuses a change while a payment is in progress (a live activation: the Node holds a
  token for the amount it was told), asked through the setting
  ``POSITIONS_PAYMENT_IN_PROGRESS`` because payments sit above positions,
- saves options one by one (their ``post_save`` queues the ACA push, in payments), and
- writes the audit entry with before and after in the same transaction.

Errors are ``ValidationError`` with Italian messages naming the option and the field.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from audit.log import log_action
from catalog.models import MAX_AMOUNT_CENTS, Service
from organizations.models import Organization
from pagopa.money import format_euro
from positions import events
from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer
from positions.services import (
    MAX_TRANSFERS,
    OptionSpec,
    TransferSpec,
    check_plans,
    create_position,
    installment_description,
    option_label,
    plan_of,
)
from sportello.validators import (
    normalize_fiscal_code,
    normalize_iban,
    parse_fiscal_code,
    validate_iban,
    validate_taxonomy_code,
    validate_xml_text,
)

#: ACA's own "no due date" (payments.aca); nothing a person types should go past it.
LAST_DUE_DATE = dt.date(2099, 12, 31)

CONCURRENT_EDIT = "concurrent_edit"
IN_PROGRESS = "payment_in_progress"
NOT_EDITABLE = "not_editable"

DEBTOR_FIELDS = ("full_name", "address", "city", "province", "postal_code", "nation",
                  "email", "phone")


@dataclass(frozen=True)
class DebtorSpec:
    """The anagrafica staff typed; the codice fiscale finds the Ente's record."""

    fiscal_code: str
    full_name: str
    address: str = ""
    city: str = ""
    province: str = ""
    postal_code: str = ""
    nation: str = "IT"
    email: str = ""
    phone: str = ""
    #: "F" (natural person) or "G" (legal person); empty: guessed from the code's shape.
    entity_type: str = ""


# --- snapshots for the audit log --------------------------------------------------------

def debtor_snapshot(debtor: Debtor) -> dict[str, Any]:
    return {"fiscal_code": debtor.fiscal_code,
            **{name: getattr(debtor, name) for name in DEBTOR_FIELDS}}


def snapshot(position: PaymentPosition) -> dict[str, Any]:
    """What a position is, as the audit log records it (before / after a change)."""
    options = PaymentOption.objects.filter(position=position).prefetch_related("transfers")
    return {
        "causale": position.causale,
        "external_reference": position.external_reference,
        "service": position.service.code,
        "switch_to_expired": position.switch_to_expired,
        "status": position.status,
        "debtor": {"fiscal_code": position.debtor.fiscal_code,
                   "full_name": position.debtor.full_name},
        "options": [
            {"notice_number": o.notice_number, "plan": o.plan,
             "installment_number": o.installment_number, "amount_cents": o.amount_cents,
             "due_date": o.due_date.isoformat() if o.due_date else None,
             "status": o.status, "description": o.description,
             "transfers": [
                 {"index": t.index, "beneficiary_fiscal_code": t.beneficiary_fiscal_code,
                  "iban": t.iban, "postal_iban": t.postal_iban,
                  "amount_cents": t.amount_cents, "taxonomy_code": t.taxonomy_code,
                  "remittance_information": t.remittance_information}
                 for t in o.transfers.all()]}
            for o in options.order_by("plan", "installment_number", "pk")
        ],
    }


# --- debtors ---------------------------------------------------------------------------

def find_or_create_debtor(organization: Organization, spec: DebtorSpec, *, request=None,
                          actor=None, keep_blank: bool = True,
                          position_id: int | None = None) -> Debtor:
    """The Ente's record of ``spec.fiscal_code`` (normalised to upper case), created when
    missing, updated with what was typed. ``keep_blank``: an empty field typed does not
    erase what the Ente holds (a new position for a known debtor); off when staff edit
    the anagrafica itself. One record per Ente and code (``Debtor.ente_records``)."""
    fiscal_code = parse_fiscal_code(spec.fiscal_code).value
    values = {name: (getattr(spec, name) or "").strip() for name in DEBTOR_FIELDS}
    values["nation"] = (values["nation"] or "IT").upper()
    values["province"] = values["province"].upper()
    existing = (Debtor.ente_records.select_for_update()
                .filter(organization=organization, fiscal_code=fiscal_code).first())
    if existing is None:
        debtor = new_debtor(organization, spec)
        _clean(debtor, _("Debitore"))
        try:
            with transaction.atomic():
                debtor.save()
        except IntegrityError:  # created meanwhile by another request: use theirs
            existing = Debtor.ente_records.select_for_update().get(
                organization=organization, fiscal_code=fiscal_code)
        else:
            log_action("debtor.created", obj=debtor, request=request, actor=actor,
                       organization=organization, position_id=position_id,
                       data={"after": debtor_snapshot(debtor)})
            return debtor
    before = debtor_snapshot(existing)
    for name, value in values.items():
        if value or not keep_blank:
            setattr(existing, name, value)
    after = debtor_snapshot(existing)
    if after != before:
        _clean(existing, _("Debitore"))
        existing.save()
        log_action("debtor.updated", obj=existing, request=request, actor=actor,
                   organization=organization, position_id=position_id,
                   data={"before": before, "after": after})
    return existing


def debtor_values(spec: DebtorSpec) -> dict[str, str]:
    """The record's values for ``spec``: trimmed, code normalised, type guessed (the
    bulk writer inserts them as they are, without a model instance)."""
    fiscal_code = normalize_fiscal_code(spec.fiscal_code)
    values = {name: (getattr(spec, name) or "").strip() for name in DEBTOR_FIELDS}
    values["nation"] = (values["nation"] or "IT").upper()
    values["province"] = values["province"].upper()
    values["fiscal_code"] = fiscal_code
    values["entity_type"] = (spec.entity_type or "").strip().upper() or (
        Debtor.EntityType.LEGAL if fiscal_code.isdigit() else Debtor.EntityType.NATURAL)
    return values


def new_debtor(organization: Organization, spec: DebtorSpec) -> Debtor:
    """An unsaved Ente record for ``spec`` (values trimmed, code normalised), the one shape
    both the single writer and the bulk writer (``positions.bulk``) create."""
    return Debtor(organization=organization, **debtor_values(spec))


#: The fields ``check_debtor`` cleans: the model's own (lengths, choices, validators).
_CHECKED_DEBTOR_FIELDS = ("entity_type", *DEBTOR_FIELDS)


def check_debtor(spec: DebtorSpec) -> list[str]:
    """Every rule on an anagrafica (code and its check character, type, lengths, email),
    as messages; no query, so a bulk writer can check thousands (the code with
    ``parse_fiscal_code(quick=True)``: see there why). The model's fields clean the
    values one by one, as ``full_clean`` would, without building a model instance
    (that instance was most of the cost of a row in a 100,000-row import)."""
    try:
        parse_fiscal_code(spec.fiscal_code, quick=True)
    except ValidationError as exc:
        return [f"{_('Debitore')}, {_('codice fiscale / partita IVA')}: {m}"
                for m in exc.messages]
    if (spec.entity_type or "").strip().upper() not in ("", *Debtor.EntityType.values):
        return [_("Debitore, tipo: F (persona fisica) o G (persona giuridica).")]
    values = debtor_values(spec)
    errors: dict[str, list] = {}
    plain = _plain_text_fields()
    for name in _CHECKED_DEBTOR_FIELDS:
        field = Debtor._meta.get_field(name)
        value = values[name]
        if value in field.empty_values and field.blank:
            continue  # as Model.clean_fields: blank allowed, nothing more to check
        if value and len(value) <= plain.get(name, -1) and _xml_text_ok(value):
            continue  # all that field's clean checks, passed (most rows of an import)
        try:
            field.clean(value, None)
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        return _labelled(ValidationError(errors), _("Debitore"), Debtor)
    return []


@functools.cache
def _plain_text_fields() -> dict[str, int]:
    """name → max length of the anagrafica's fields whose whole ``clean`` is that length
    and ``validate_xml_text`` (no choices, no other validator): ``check_debtor`` runs
    just those two on a value, and the field's own ``clean`` only to word a refusal."""
    plain = {}
    for name in _CHECKED_DEBTOR_FIELDS:
        field = Debtor._meta.get_field(name)
        if (type(field) is models.CharField and not field.choices and all(
                v is validate_xml_text or type(v) is MaxLengthValidator
                for v in field.validators)):
            plain[name] = field.max_length
    return plain


def _xml_text_ok(value: str) -> bool:
    try:
        validate_xml_text(value)
    except ValidationError:
        return False
    return True


# --- checks ----------------------------------------------------------------------------

def _clean(instance, label: str, exclude: Iterable[str] = (), unique: bool = True) -> None:
    """full_clean with each message prefixed by what it is about (and the field).
    ``unique=False`` skips the uniqueness queries (a bulk writer checks them at once)."""
    try:
        instance.full_clean(exclude=list(exclude), validate_unique=unique,
                            validate_constraints=unique)
    except ValidationError as exc:
        raise ValidationError(_labelled(exc, label, instance)) from exc


def _labelled(exc: ValidationError, label: str, instance=None) -> list[str]:
    messages = []
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            field = (str(instance._meta.get_field(name).verbose_name)
                     if instance is not None and name != "__all__" else "")
            for message in errors:
                messages.append(f"{label}, {field}: {message}" if field
                                else f"{label}: {message}")
    else:
        messages = [f"{label}: {message}" for message in exc.messages]
    return messages


class _Label:
    """A message's label made only when a message needs it: a 100,000-row import checks
    every option and nearly all pass, so translating each label up front was a cost."""

    __slots__ = ("make",)

    def __init__(self, make) -> None:
        self.make = make

    def __str__(self) -> str:
        return str(self.make())


def _check_transfer(label, spec: TransferSpec) -> list[str]:
    errors = []
    checks = [
        (spec.iban, lambda v: validate_iban(normalize_iban(v)), lambda: _("IBAN")),
        (spec.taxonomy_code, validate_taxonomy_code, lambda: _("codice tassonomia")),
        (spec.remittance_information, validate_xml_text,
         lambda: _("causale del versamento")),
        (spec.beneficiary_name, validate_xml_text, lambda: _("beneficiario")),
    ]
    for value, validator, field in checks:
        if value:
            try:
                validator(value)
            except ValidationError as exc:
                errors += [f"{label}, {field()}: {m}" for m in exc.messages]
    if spec.beneficiary_fiscal_code:
        try:
            code = parse_fiscal_code(spec.beneficiary_fiscal_code)
            if not code.is_legal_person:
                raise ValidationError(_("Il beneficiario è un Ente: 11 cifre."))
        except ValidationError as exc:
            errors += [f"{label}, {_('codice fiscale beneficiario')}: {m}"
                       for m in exc.messages]
    if spec.amount_cents < 1:
        errors.append(_("%(label)s: l'importo deve essere positivo.") % {"label": label})
    return errors


def check_options(options: list[OptionSpec], *, today: dt.date,
                  unchanged_due_dates: Iterable[int] = ()) -> None:
    """Every rule on the options staff typed, all messages at once, each naming its
    option (and transfer and field). ``unchanged_due_dates``: indexes of options whose
    due date was not touched (an overdue date may stay as it is)."""
    keep = set(unchanged_due_dates)
    plans = len({plan_of(s) for s in options} - {PaymentOption.SINGLE_PLAN})
    errors: list[str] = []
    for position, spec in enumerate(options):
        label = _Label(lambda spec=spec: option_label(plan_of(spec), spec.installment_number,
                                                      plans))
        if not 1 <= spec.amount_cents <= MAX_AMOUNT_CENTS:
            errors.append(_("%(label)s: importo non valido.") % {"label": label})
        if spec.due_date is None:
            errors.append(_("%(label)s: indica la data di scadenza.") % {"label": label})
        elif position not in keep and spec.due_date < today:
            errors.append(_("%(label)s: la scadenza non può essere nel passato.")
                          % {"label": label})
        elif spec.due_date > LAST_DUE_DATE:
            errors.append(_("%(label)s: la scadenza è troppo lontana (al massimo il "
                            "31/12/2099).") % {"label": label})
        transfers = spec.transfers or [TransferSpec(amount_cents=spec.amount_cents)]
        if len(transfers) > MAX_TRANSFERS:
            errors.append(_("%(label)s: al massimo 5 trasferimenti.") % {"label": label})
        total = sum(t.amount_cents for t in transfers)
        if total != spec.amount_cents:
            errors.append(
                _("%(label)s: la somma dei trasferimenti (%(total)s) deve essere uguale "
                  "all'importo (%(amount)s).") % {"label": label, "total": format_euro(total),
                                                  "amount": format_euro(spec.amount_cents)})
        for index, transfer in enumerate(transfers, start=1):
            errors += _check_transfer(_Label(
                lambda label=label, index=index: _("%(label)s, trasferimento %(n)s")
                % {"label": label, "n": index}), transfer)
    by_plan: dict[int, list[OptionSpec]] = {}
    for spec in options:
        if spec.installment_number and spec.due_date:
            by_plan.setdefault(plan_of(spec), []).append(spec)
    for plan, specs in by_plan.items():
        dated = sorted(specs, key=lambda s: s.installment_number)
        for earlier, later in itertools.pairwise(dated):
            if later.due_date < earlier.due_date:
                errors.append(
                    _("%(label)s: la scadenza non può precedere quella della rata "
                      "precedente.") % {"label": option_label(plan, later.installment_number,
                                                               plans)})
    if errors:
        raise ValidationError(errors)
    check_plans(options)


def _lock(position: PaymentPosition, expected_version: int) -> PaymentPosition:
    """Check and bump the version in one UPDATE; the fresh row, or a refusal."""
    bumped = PaymentPosition.objects.filter(pk=position.pk, version=expected_version).update(
        version=F("version") + 1, updated_at=timezone.now())
    if not bumped:
        raise ValidationError(
            _("Un'altra persona ha modificato questa posizione mentre la stavi guardando: "
              "le tue modifiche non sono state salvate. Ricarica la pagina per vedere la "
              "versione attuale e ripeti la modifica."), code=CONCURRENT_EDIT)
    return PaymentPosition.objects.select_related("debtor", "service", "organization").get(
        pk=position.pk)


def payment_in_progress(options: Iterable[PaymentOption]) -> set[int]:
    """Ids of the options a payment is under way for (payments decides what that is)."""
    return set(import_string(settings.POSITIONS_PAYMENT_IN_PROGRESS)(list(options)))


def _refuse_in_progress(options: list[PaymentOption]) -> None:
    if payment_in_progress(options):
        raise ValidationError(
            _("Un pagamento di questa posizione è in corso: non si può modificare né "
              "annullare finché il pagamento non si conclude o il suo token scade "
              "(al massimo 30 minuti)."), code=IN_PROGRESS)


def _refuse_closed(options: list[PaymentOption]) -> None:
    status = PaymentOption.Status
    statuses = {o.status for o in options}
    if statuses & {status.PAID, status.SUPERSEDED}:
        raise ValidationError(_("La posizione ha un pagamento registrato: è in sola lettura."),
                              code=NOT_EDITABLE)
    if status.CANCELLED in statuses:
        raise ValidationError(_("La posizione è annullata: è in sola lettura."),
                              code=NOT_EDITABLE)


# --- the operations --------------------------------------------------------------------

@transaction.atomic
def create_staff_position(*, organization: Organization, debtor: DebtorSpec,
                          service: Service, causale: str, options: list[OptionSpec],
                          external_reference: str = "", switch_to_expired: bool = False,
                          request=None, actor=None,
                          today: dt.date | None = None) -> PaymentPosition:
    """A position the Ente issues: a single payment, installment plans, or both as
    alternatives. All or nothing (no row, no IUV consumed when a rule is broken)."""
    today = today or timezone.localdate()
    if service.organization_id != organization.pk:
        raise ValidationError(_("Il servizio non è di questo Ente."))
    if not options:
        raise ValidationError(_("Indica almeno un pagamento: in unica soluzione o a rate."))
    check_options(options, today=today)
    record = find_or_create_debtor(organization, debtor, request=request, actor=actor)
    position = create_position(
        organization=organization, debtor=record, service=service, causale=causale.strip(),
        options=options, external_reference=external_reference.strip(),
        switch_to_expired=switch_to_expired)
    log_action("position.created", obj=position, request=request, actor=actor,
               organization=organization, data={"after": snapshot(position)})
    return position


@transaction.atomic
def update_position(position: PaymentPosition, *, expected_version: int, causale: str,
                    external_reference: str, switch_to_expired: bool,
                    options: dict[int, OptionSpec], debtor: DebtorSpec | None = None,
                    request=None, actor=None, today: dt.date | None = None) -> PaymentPosition:
    """Change an unpaid position: causale, reference, debtor, and per option (by id) the
    amount with its transfers and the due date. An expired option given a due date from
    today on is payable again. Refused when paid, superseded, cancelled, being paid, or
    changed by someone else since ``expected_version``."""
    today = today or timezone.localdate()
    position = _lock(position, expected_version)
    current = list(position.options.order_by("plan", "installment_number", "pk"))
    _refuse_closed(current)
    _refuse_in_progress(current)
    if set(options) - {o.pk for o in current}:
        raise ValidationError(_("Opzione di pagamento sconosciuta."))
    before = snapshot(position)

    specs, unchanged = [], []
    for index, option in enumerate(current):
        given = options.get(option.pk)
        old_transfers = [_spec_of(t) for t in option.transfers.all()]
        if given and given.transfers:
            transfers = list(given.transfers)
        elif given and len(old_transfers) == 1:  # one transfer follows the amount
            transfers = [replace(old_transfers[0], amount_cents=given.amount_cents)]
        else:
            transfers = old_transfers
        spec = OptionSpec(
            amount_cents=given.amount_cents if given else option.amount_cents,
            due_date=given.due_date if given else option.due_date,
            installment_number=option.installment_number, plan=option.plan,
            transfers=transfers)
        specs.append(spec)
        if spec.due_date == option.due_date:
            unchanged.append(index)
    check_options(specs, today=today, unchanged_due_dates=unchanged)

    if debtor is not None:
        position.debtor = find_or_create_debtor(
            position.organization, debtor, request=request, actor=actor, keep_blank=False,
            position_id=position.pk)
    old_causale = position.causale
    position.causale = causale.strip()
    position.external_reference = external_reference.strip()
    position.switch_to_expired = switch_to_expired
    _clean(position, _("Posizione"))
    position.save()

    count_by_plan: dict[int, int] = {}
    for option in current:
        count_by_plan[option.plan] = count_by_plan.get(option.plan, 0) + 1
    for option, spec in zip(current, specs, strict=True):
        _apply_option(position, option, spec, old_causale, count_by_plan[option.plan], today)
    position.refresh_status()
    after = snapshot(position)
    log_action("position.updated", obj=position, request=request, actor=actor,
               data={"before": before, "after": after})
    if changes := events.changes_between(before, after):
        events.position_changed.send(PaymentPosition, position=position, changes=changes)
    return position


def _spec_of(transfer: Transfer) -> TransferSpec:
    return TransferSpec(
        amount_cents=transfer.amount_cents, iban=transfer.iban,
        remittance_information=transfer.remittance_information,
        beneficiary_fiscal_code=transfer.beneficiary_fiscal_code,
        beneficiary_name=transfer.beneficiary_name, taxonomy_code=transfer.taxonomy_code,
        postal_iban=transfer.postal_iban)


def _apply_option(position: PaymentPosition, option: PaymentOption, spec: OptionSpec,
                  old_causale: str, installments: int, today: dt.date) -> None:
    organization = position.organization
    if option.installment_number and option.description == installment_description(
            old_causale, option.installment_number, installments):
        option.description = installment_description(
            position.causale, option.installment_number, installments)
    option.position = position
    option.amount_cents = spec.amount_cents
    option.due_date = spec.due_date
    _clean(option, _("Opzione %(notice)s") % {"notice": option.notice_number},
           exclude=["position", "organization"])
    new_transfers = [
        Transfer(option=option, index=index,
                 beneficiary_fiscal_code=t.beneficiary_fiscal_code or organization.fiscal_code,
                 beneficiary_name=t.beneficiary_name or organization.name,
                 iban=normalize_iban(t.iban) or organization.iban,
                 postal_iban=normalize_iban(t.postal_iban),
                 amount_cents=t.amount_cents,
                 remittance_information=(t.remittance_information or position.causale)[:140],
                 taxonomy_code=t.taxonomy_code or position.service.taxonomy_code)
        for index, t in enumerate(spec.transfers, start=1)]
    for transfer in new_transfers:
        _clean(transfer, _("Opzione %(notice)s, trasferimento %(n)s")
               % {"notice": option.notice_number, "n": transfer.index}, exclude=["option"])
    option.transfers.all().delete()
    Transfer.objects.bulk_create(new_transfers)
    option.save()  # payments' post_save queues the ACA push with the new data
    if option.status == PaymentOption.Status.EXPIRED and option.due_date >= today:
        option.reopen()


@transaction.atomic
def cancel_position(position: PaymentPosition, *, expected_version: int, reason: str,
                    request=None, actor=None) -> PaymentPosition:
    """Cancel every open option: the notice answers PAA_PAGAMENTO_ANNULLATO from now on
    and ACA is told (amount 0). Final: a cancelled position is never reopened."""
    reason = " ".join((reason or "").split())
    if len(reason) < 5:
        raise ValidationError(_("Scrivi il motivo dell'annullamento (almeno 5 caratteri)."))
    if len(reason) > 500:
        raise ValidationError(_("Il motivo dell'annullamento ha al massimo 500 caratteri."))
    validate_xml_text(reason)
    position = _lock(position, expected_version)
    current = list(position.options.all())
    _refuse_closed(current)
    _refuse_in_progress(current)
    before = snapshot(position)
    for option in current:
        option.position = position
        option.cancel()
    position.cancellation_reason = reason
    position.save(update_fields=["cancellation_reason", "updated_at"])
    position.refresh_status()
    log_action("position.cancelled", obj=position, request=request, actor=actor,
               data={"reason": reason, "before": before, "after": snapshot(position)})
    events.position_cancelled.send(PaymentPosition, position=position, reason=reason)
    return position


def reopenable(position: PaymentPosition, today: dt.date | None = None) -> list[PaymentOption]:
    """The options that ran out of time: expired ones, and unpaid ones past their due
    date on a position that stops being payable then (``switch_to_expired``)."""
    today = today or timezone.localdate()
    status = PaymentOption.Status
    return [o for o in position.options.all()
            if o.status == status.EXPIRED
            or (o.status == status.UNPAID and position.switch_to_expired
                and o.due_date is not None and o.due_date < today)]


@transaction.atomic
def reopen_position(position: PaymentPosition, *, expected_version: int,
                    due_dates: dict[int, dt.date], request=None, actor=None,
                    today: dt.date | None = None) -> PaymentPosition:
    """Make an expired position payable again with new due dates (today or later).

    Only expiry is undone: a cancelled position stays cancelled (its notice told the
    Node and ACA it is void, and the payer may have been told so); issue a new one."""
    today = today or timezone.localdate()
    position = _lock(position, expected_version)
    current = list(position.options.order_by("plan", "installment_number", "pk"))
    _refuse_closed(current)
    targets = {o.pk for o in reopenable(position, today)}
    if not targets:
        raise ValidationError(_("Nessuna rata scaduta da riaprire."), code=NOT_EDITABLE)
    _refuse_in_progress(current)
    before = snapshot(position)
    specs, unchanged = [], []
    for index, option in enumerate(current):
        due = due_dates.get(option.pk) if option.pk in targets else option.due_date
        specs.append(OptionSpec(amount_cents=option.amount_cents, due_date=due,
                                installment_number=option.installment_number,
                                plan=option.plan,
                                transfers=[_spec_of(t) for t in option.transfers.all()]))
        if option.pk not in targets:
            unchanged.append(index)
    check_options(specs, today=today, unchanged_due_dates=unchanged)
    for option, spec in zip(current, specs, strict=True):
        if option.pk not in targets:
            continue
        option.position = position
        option.due_date = spec.due_date
        option.save(update_fields=["due_date"])
        if option.status == PaymentOption.Status.EXPIRED:
            option.reopen()
    position.refresh_status()
    after = snapshot(position)
    log_action("position.reopened", obj=position, request=request, actor=actor,
               data={"before": before, "after": after})
    events.position_changed.send(PaymentPosition, position=position,
                                 changes=events.changes_between(before, after)
                                 | {events.REOPENED})
    return position
