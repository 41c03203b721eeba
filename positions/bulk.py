"""The domain's bulk writer: thousands of positions at once, for the file import
(``backoffice``) and the REST API's bulk create.

The same rules as one position typed by staff (``positions.editing``: ``check_options``,
``check_debtor``), the same transfers (``services.build_transfers``), but written by
batches: debtors, positions, options and transfers with ``bulk_create``, one IUV block
per batch (``Organization.reserve_iuv_bases``), one ``positions_created`` signal per
batch with the list of ids (payments listens to it for the ACA pushes, since
``bulk_create`` skips ``post_save``), one audit entry per position written by the
thousand (``position.imported``, cheap: one INSERT per batch) so each position's
history starts where it came from.

Idempotent by (Ente, ``reference``): a reference already held with the same data is
``unchanged``; with a changed amount, due date or causale on an unpaid position it is
``updated`` through ``editing.update_position`` (its rules, its lock, its audit entry);
on a paid, cancelled or being-paid one, or with a different shape (other installments,
debtor or service), it is a ``conflict``. Two writers of the same reference are kept
apart by a transaction-scoped advisory lock per reference on PostgreSQL (SQLite's
IMMEDIATE transactions already serialise writers), taken before looking the references
up, so the second sees what the first committed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from django.contrib.auth.base_user import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.models import AuditEntry
from catalog.models import Service
from organizations.models import Organization
from pagopa.identifiers import make_iuv, notice_number_for_iuv
from positions import editing, events
from positions.editing import DebtorSpec
from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer
from positions.services import (
    OptionSpec,
    TransferSpec,
    build_transfers,
    installment_description,
    plan_of,
    transfer_values,
)
from sportello.locks import lock_names
from sportello.validators import normalize_fiscal_code, normalize_iban, validate_xml_text

BATCH_SIZE = 1000

CREATED = "created"
UNCHANGED = "unchanged"
UPDATED = "updated"
CONFLICT = "conflict"
INVALID = "invalid"
#: All-or-nothing only: a valid item not written because another one was refused.
REJECTED = "rejected"

_DEBTOR_UPDATABLE = ("full_name", "address", "city", "province", "postal_code", "nation",
                     "email")


@dataclass(frozen=True)
class PositionSpec:
    """One position, already parsed and typed (by the import's reader or the API)."""

    reference: str  # riferimento: the idempotency key within the Ente
    debtor: DebtorSpec
    service: Service
    causale: str
    options: list[OptionSpec]
    note: str = ""


@dataclass
class ItemResult:
    """What became of one spec: ``index`` in the list given, Italian ``errors``."""

    index: int
    reference: str
    outcome: str  # created | unchanged | updated | conflict | invalid | rejected
    position_id: int | None = None
    errors: list[str] = field(default_factory=list)


class _Rollback(Exception):
    """Undo an all-or-nothing call that found a refusal."""


def check_spec(organization: Organization, spec: PositionSpec, today: dt.date) -> list[str]:
    """Every rule on one spec that needs no query, all messages at once."""
    errors: list[str] = []
    reference = spec.reference.strip()
    if not reference:
        errors.append(_("Indica il riferimento della posizione."))
    elif len(reference) > 35:
        errors.append(_("Il riferimento ha al massimo 35 caratteri."))
    else:
        errors += _text_errors(lambda: _("Riferimento"), reference)
    if spec.service.organization_id != organization.pk:
        errors.append(_("Il servizio non è di questo Ente."))
    causale = spec.causale.strip()
    if not causale:
        errors.append(_("Indica la causale."))
    elif len(causale) > 140:
        errors.append(_("La causale ha al massimo 140 caratteri."))
    else:
        errors += _text_errors(lambda: _("Causale"), causale)
    if len(spec.note) > 500:
        errors.append(_("La nota ha al massimo 500 caratteri."))
    elif spec.note:
        errors += _text_errors(lambda: _("Nota"), spec.note)
    errors += editing.check_debtor(spec.debtor)
    if not spec.options:
        errors.append(_("Indica almeno un pagamento: in unica soluzione o a rate."))
    else:
        try:
            editing.check_options(spec.options, today=today)
        except ValidationError as exc:
            errors += exc.messages
    return errors


def _text_errors(label: Callable[[], str], value: str) -> list[str]:
    """``label`` translated only for a message (gettext per row was a tenth of a check)."""
    try:
        validate_xml_text(value)
    except ValidationError as exc:
        return [f"{label()}: {m}" for m in exc.messages]
    return []


def upsert_positions(organization: Organization, specs: Sequence[PositionSpec], *,
                     actor=None, request=None, source: str = "import",
                     all_or_nothing: bool = True, today: dt.date | None = None,
                     dry_run: bool = False, batch_size: int = BATCH_SIZE,
                     progress: Callable[[int], None] | None = None,
                     prechecked: bool = False) -> list[ItemResult]:
    """Create or update ``specs`` of ``organization``; one result per spec, in order.

    ``all_or_nothing``: one transaction; any invalid or conflicting item writes nothing
    (the others come back ``rejected``). Otherwise each batch commits on its own and
    only the refused items are left out. ``dry_run``: the outcomes, nothing written.
    ``progress`` is called with the number of specs handled after each batch.
    ``prechecked``: the caller ran ``check_spec`` on these very specs today and dropped
    the refused ones (the import's write pass after its check pass, same file bytes):
    not run again, the rest (references, existing positions, updates) is."""
    today = today or timezone.localdate()
    results = [ItemResult(i, s.reference.strip(), CREATED) for i, s in enumerate(specs)]
    seen: dict[str, int] = {}
    for i, spec in enumerate(specs):
        errors = [] if prechecked else check_spec(organization, spec, today)
        key = spec.reference.strip()
        if key and key in seen:
            errors.append(_("Riferimento ripetuto: lo stesso riferimento è già alla "
                            "posizione %(n)s di questo elenco.") % {"n": seen[key] + 1})
        seen.setdefault(key, i)
        if errors:
            results[i].outcome, results[i].errors = INVALID, errors
    user = getattr(request, "user", None)
    if actor is None and user is not None and user.is_authenticated:
        actor = user
    ctx = _Context(organization, actor, request, source, today)
    batches = [range(start, min(start + batch_size, len(specs)))
               for start in range(0, len(specs), batch_size)]
    if all_or_nothing:
        if any(r.outcome == INVALID for r in results):
            return _reject(results)
        try:
            with transaction.atomic():
                for batch in batches:
                    _write_batch(ctx, specs, results, batch, dry_run=dry_run)
                    if progress:
                        progress(batch.stop)
                if dry_run or any(r.outcome in (INVALID, CONFLICT) for r in results):
                    raise _Rollback
        except _Rollback:
            if not dry_run:
                return _reject(results)
        return results
    for batch in batches:
        try:
            with transaction.atomic():
                _write_batch(ctx, specs, results, batch, dry_run=dry_run)
                if dry_run:
                    raise _Rollback
        except _Rollback:
            pass
        if progress:
            progress(batch.stop)
    return results


def _reject(results: list[ItemResult]) -> list[ItemResult]:
    for result in results:
        if result.outcome not in (INVALID, CONFLICT):
            result.outcome, result.position_id = REJECTED, None
    return results


@dataclass
class _Context:
    organization: Organization
    actor: object
    request: object
    source: str
    today: dt.date


def lock_references(organization: Organization, references: list[str]) -> None:
    """Serialise, until commit, every writer that creates positions by (Ente, reference):
    this module's batches and the API's single create take the same locks."""
    lock_names(f"sportello.position:{organization.pk}:{ref}" for ref in references)


def _write_batch(ctx: _Context, specs: Sequence[PositionSpec], results: list[ItemResult],
                 batch: range, *, dry_run: bool) -> None:
    indexes = [i for i in batch if results[i].outcome != INVALID]
    if not indexes:
        return
    org = ctx.organization
    references = [results[i].reference for i in indexes]
    lock_references(org, references)
    held = _held(org, references)
    slow: list[int] = []  # the specs whose positions are to be read whole (not unchanged)
    new = []
    for i in indexes:
        found = held.get(results[i].reference)
        if not found:
            new.append(i)
        elif len(found) > 1:
            results[i].outcome = CONFLICT
            results[i].errors = [_("Più posizioni dell'Ente hanno questo riferimento: "
                                   "modificale dal back office.")]
        elif _unchanged(specs[i], found[0], org):
            results[i].outcome, results[i].position_id = UNCHANGED, found[0].pk
        else:
            slow.append(i)
    if slow:
        positions = {p.external_reference: p for p in PaymentPosition.objects.filter(
            organization=org, external_reference__in=[results[i].reference for i in slow])
            .select_related("debtor", "service", "organization")
            .prefetch_related("options__transfers")}
        for i in slow:
            _upsert_existing(ctx, specs[i], positions[results[i].reference], results[i],
                             dry_run=dry_run)
    if new and not dry_run:
        _create(ctx, [(specs[i], results[i]) for i in new])


@dataclass
class _Held:
    """What an existing position holds, as ``_upsert_existing`` compares it."""

    pk: int
    fiscal_code: str
    service_id: int
    causale: str
    note: str
    options: dict = field(default_factory=dict)  # option id → [plan, n, amount, due, transfers]


def _held(org: Organization, references: list[str]) -> dict[str, list[_Held]]:
    """The Ente's positions with these references, read as plain rows (one per transfer)
    in one query: a file imported again is mostly unchanged, and building the positions,
    options and transfers as model instances to compare them was most of its time."""
    held: dict[int, _Held] = {}
    by_reference: dict[str, list[_Held]] = {}
    for (pk, reference, code, service_id, causale, note, option_id, plan, number, amount,
         due, index, transfer_amount, iban) in PaymentPosition.objects.filter(
            organization=org, external_reference__in=references).order_by().values_list(
            "pk", "external_reference", "debtor__fiscal_code", "service_id", "causale",
            "note", "options__id", "options__plan", "options__installment_number",
            "options__amount_cents", "options__due_date", "options__transfers__index",
            "options__transfers__amount_cents", "options__transfers__iban"):
        position = held.get(pk)
        if position is None:
            position = held[pk] = _Held(pk, code, service_id, causale, note)
            by_reference.setdefault(reference, []).append(position)
        if option_id is not None:
            option = position.options.setdefault(option_id, [plan, number, amount, due, []])
            if index is not None:
                option[4].append((index, transfer_amount, iban))
    return by_reference


def _unchanged(spec: PositionSpec, position: _Held, org: Organization) -> bool:
    """What ``_upsert_existing`` finds ``unchanged``, from the plain rows; False sends
    the position there (changed, a conflict, or anything out of the ordinary)."""
    held = {}
    for plan, number, amount, due, transfers in position.options.values():
        if (plan, number) in held:
            return False  # two options in one place: left to the full comparison
        held[(plan, number)] = (amount, due, [(a, iban) for _i, a, iban in sorted(transfers)])
    return (position.fiscal_code == normalize_fiscal_code(spec.debtor.fiscal_code)
            and position.service_id == spec.service.pk and held == _shape(spec, org)
            and position.causale == spec.causale.strip()
            and position.note == spec.note.strip())


# --- existing positions ----------------------------------------------------------------

def _resolved_transfers(org: Organization, option: OptionSpec) -> list[tuple[int, str]]:
    transfers = option.transfers or [TransferSpec(amount_cents=option.amount_cents)]
    return [(t.amount_cents, normalize_iban(t.iban) or org.iban) for t in transfers]


def _shape(spec: PositionSpec, org: Organization) -> dict:
    return {(plan_of(o), o.installment_number): (o.amount_cents, o.due_date,
                                                 _resolved_transfers(org, o))
            for o in spec.options}


def _upsert_existing(ctx: _Context, spec: PositionSpec, position: PaymentPosition,
                     result: ItemResult, *, dry_run: bool) -> None:
    org = ctx.organization
    result.position_id = position.pk
    options = list(position.options.all())
    held = {(o.plan, o.installment_number): (
        o.amount_cents, o.due_date,
        [(t.amount_cents, t.iban) for t in sorted(o.transfers.all(), key=lambda t: t.index)])
        for o in options}
    wanted = _shape(spec, org)
    same_owner = (position.debtor.fiscal_code == normalize_fiscal_code(spec.debtor.fiscal_code)
                  and position.service_id == spec.service.pk)
    if (same_owner and held == wanted and position.causale == spec.causale.strip()
            and position.note == spec.note.strip()):
        result.outcome = UNCHANGED
        return
    if not same_owner or set(held) != set(wanted):
        result.outcome = CONFLICT
        result.errors = [_("La posizione con questo riferimento esiste già con un altro "
                           "debitore, servizio o piano di rate: non si può cambiare così.")]
        return
    result.outcome = UPDATED
    changes = {}
    for option in options:
        spec_option = next(o for o in spec.options
                           if (plan_of(o), o.installment_number)
                           == (option.plan, option.installment_number))
        changes[option.pk] = OptionSpec(
            amount_cents=spec_option.amount_cents, due_date=spec_option.due_date,
            installment_number=option.installment_number, plan=option.plan,
            transfers=list(spec_option.transfers))
    try:
        with transaction.atomic():
            editing.update_position(
                position, expected_version=position.version, causale=spec.causale,
                external_reference=position.external_reference,
                switch_to_expired=position.switch_to_expired, options=changes,
                request=ctx.request, actor=ctx.actor, today=ctx.today)
            if position.note != spec.note.strip():
                PaymentPosition.objects.filter(pk=position.pk).update(note=spec.note.strip())
            if dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except ValidationError as exc:
        result.outcome, result.errors = CONFLICT, exc.messages


# --- new positions ---------------------------------------------------------------------

def _create(ctx: _Context, items: list[tuple[PositionSpec, ItemResult]]) -> None:
    org = ctx.organization
    debtors = _debtors(ctx, [spec.debtor for spec, _result in items])
    if connection.vendor == "postgresql":
        _create_copy(ctx, items, debtors)
        return
    codes = [normalize_fiscal_code(spec.debtor.fiscal_code) for spec, _result in items]
    positions = [
        PaymentPosition(organization=org, debtor_id=debtors[code], service=spec.service,
            causale=spec.causale.strip(),
            external_reference=result.reference, note=spec.note.strip(),
            origin=PaymentPosition.Origin.ENTE)
        for (spec, result), code in zip(items, codes, strict=True)]
    _insert(positions)
    # The counter's lock is held from here to the batch's commit: the rest is inserts.
    bases = iter(org.reserve_iuv_bases(sum(len(spec.options) for spec, _r in items)))
    options, transfers_of = [], []
    for (spec, _result), position in zip(items, positions, strict=True):
        plans = [plan_of(o) for o in spec.options]
        for option_spec, plan in zip(spec.options, plans, strict=True):
            iuv = make_iuv(org.segregation_code, next(bases))
            description = option_spec.description
            if not description and option_spec.installment_number:
                description = installment_description(
                    position.causale, option_spec.installment_number, plans.count(plan))
            option = PaymentOption(
                position=position, organization=org, iuv=iuv,
                notice_number=notice_number_for_iuv(iuv),
                amount_cents=option_spec.amount_cents, due_date=option_spec.due_date,
                installment_number=option_spec.installment_number,
                description=description[:140], plan=plan)
            options.append(option)
            transfers_of.append(option_spec.transfers
                                or [TransferSpec(amount_cents=option_spec.amount_cents)])
    _insert(options)
    _insert([
        transfer for option, transfers in zip(options, transfers_of, strict=True)
        for transfer in build_transfers(option.position, option, transfers)])
    actor = ctx.actor
    _insert([
        AuditEntry(action="position.imported", organization=org, actor=_account(actor),
                   actor_label=_actor_label(actor), object_type="positions.paymentposition",
                   object_id=str(position.pk),
                   object_repr=f"{position.causale} ({code})"[:200],  # str(position)
                   position_id=position.pk,
                   data={"source": ctx.source, "reference": position.external_reference,
                         "options": len(spec.options)})
        for (spec, _r), position, code in zip(items, positions, codes, strict=True)])
    for (_spec, result), position in zip(items, positions, strict=True):
        result.outcome, result.position_id = CREATED, position.pk
    events.positions_created.send(PaymentPosition, organization=org,
                                  position_ids=[p.pk for p in positions],
                                  origin=PaymentPosition.Origin.ENTE)


def _create_copy(ctx: _Context, items: list[tuple[PositionSpec, ItemResult]],
                 debtors: dict[str, int]) -> None:
    """:func:`_create` on PostgreSQL: the same rows, built as tuples and sent with COPY,
    without a model instance per row (their construction was a third of the write)."""
    org = ctx.organization
    position_ids = _next_ids(PaymentPosition, len(items))
    heads = []  # (id, causale, debtor's code, service) of each position
    position_rows = []
    for (spec, result), pk in zip(items, position_ids, strict=True):
        code = normalize_fiscal_code(spec.debtor.fiscal_code)
        causale = spec.causale.strip()
        heads.append((pk, causale, code, spec.service))
        position_rows.append((pk, org.pk, debtors[code], spec.service.pk, causale,
                              result.reference, spec.note.strip(),
                              PaymentPosition.Origin.ENTE))
    _copy(PaymentPosition, ("id", "organization_id", "debtor_id", "service_id", "causale",
                            "external_reference", "note", "origin"), position_rows)
    # The counter's lock is held from here to the batch's commit: the rest is inserts.
    bases = iter(org.reserve_iuv_bases(sum(len(spec.options) for spec, _r in items)))
    option_ids = iter(_next_ids(PaymentOption, sum(len(spec.options) for spec, _r in items)))
    option_rows, transfer_rows = [], []
    for (spec, _result), (position_id, causale, _code, service) in zip(items, heads,
                                                                      strict=True):
        plans = [plan_of(o) for o in spec.options]
        for option_spec, plan in zip(spec.options, plans, strict=True):
            iuv = make_iuv(org.segregation_code, next(bases))
            description = option_spec.description
            if not description and option_spec.installment_number:
                description = installment_description(
                    causale, option_spec.installment_number, plans.count(plan))
            option_id = next(option_ids)
            option_rows.append((option_id, position_id, org.pk, iuv, notice_number_for_iuv(iuv),
                                option_spec.amount_cents, option_spec.due_date,
                                option_spec.installment_number, description[:140], plan))
            for values in transfer_values(
                    org, causale, service.taxonomy_code,
                    option_spec.transfers or [TransferSpec(amount_cents=option_spec.amount_cents)]):
                transfer_rows.append((option_id, *values.values()))
    _copy(PaymentOption, ("id", "position_id", "organization_id", "iuv", "notice_number",
                          "amount_cents", "due_date", "installment_number", "description",
                          "plan"), option_rows)
    _copy(Transfer, ("option_id", "index", "beneficiary_fiscal_code", "beneficiary_name",
                     "iban", "postal_iban", "amount_cents", "remittance_information",
                     "taxonomy_code"), transfer_rows)
    actor = ctx.actor
    account = _account(actor)
    data_field = AuditEntry._meta.get_field("data")
    _copy(AuditEntry, (
        "action", "organization_id", "actor_id", "actor_label", "object_type", "object_id",
        "object_repr", "position_id", "data"), [
        ("position.imported", org.pk, account.pk if account else None, _actor_label(actor),
         "positions.paymentposition", str(position_id),
         f"{causale} ({code})"[:200],  # str(position), without building one
         position_id, data_field.get_db_prep_save(
             {"source": ctx.source, "reference": result.reference,
              "options": len(spec.options)}, connection))
        for (spec, result), (position_id, causale, code, _service) in zip(items, heads,
                                                                          strict=True)])
    for (_spec, result), position_id in zip(items, position_ids, strict=True):
        result.outcome, result.position_id = CREATED, position_id
    events.positions_created.send(PaymentPosition, organization=org,
                                  position_ids=position_ids,
                                  origin=PaymentPosition.Origin.ENTE)


def _next_ids(model, count: int) -> list[int]:
    """``count`` ids taken from the table's sequence in one query."""
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                       "FROM generate_series(1, %s)", [meta.db_table, meta.pk.column, count])
        return [pk for (pk,) in cursor.fetchall()]


def _copy(model, names: tuple[str, ...], rows: list[tuple]) -> None:
    """COPY ``rows`` (values of the fields ``names``, by attname, as the database takes
    them) into ``model``'s table; every other field gets its default (:func:`_columns`)."""
    if not rows:
        return
    fields, constants = _columns(model, names)
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    with connection.cursor() as cursor, cursor.cursor.copy(
            f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row + constants)


def _columns(model, names: tuple[str, ...]) -> tuple[list, tuple]:
    """The fields ``names`` (by attname) then every other one but the key, and the values
    of those others: their default, or now for the ``auto_now`` ones, once for the lot."""
    meta = model._meta
    by_name = {f.attname: f for f in meta.local_concrete_fields}
    rest = [f for f in meta.local_concrete_fields
            if f.attname not in names and not f.primary_key]
    now = timezone.now()
    constants = tuple(
        now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        else f.get_db_prep_save(f.get_default(), connection) for f in rest)
    return [*(by_name[n] for n in names), *rest], constants


def _debtors(ctx: _Context, specs: list[DebtorSpec]) -> dict[str, int]:
    """The ids of the Ente's records of the batch's codes: the missing ones created, the
    known ones given what the file says (blank cells keep what the Ente holds, and each
    change is audited), as ``editing.find_or_create_debtor`` does for one.

    Compared and inserted as plain values: the known records are read as tuples and a
    model instance is built only for one the file changes (rare), since building one per
    row was half the time of a batch."""
    org = ctx.organization
    wanted: dict[str, tuple[DebtorSpec, dict[str, str]]] = {}
    for spec in specs:
        code = normalize_fiscal_code(spec.fiscal_code)
        if code not in wanted:  # the first row of a code speaks for it, one record each
            wanted[code] = (spec, editing.debtor_values(spec))
    held = {row[1]: row for row in Debtor.ente_records.filter(
        organization=org, fiscal_code__in=list(wanted)).values_list(
        "pk", "fiscal_code", *_DEBTOR_UPDATABLE)}
    ids = {code: row[0] for code, row in held.items()}
    missing = [code for code in wanted if code not in held]
    if missing:
        ids.update(_insert_debtors(org, [wanted[code][1] for code in missing]))
    # A known record changes when a non-blank cell differs from what it holds.
    stale = [held[code][0] for code, (spec, values) in wanted.items()
             if code in held and any(
                 (getattr(spec, name) or "").strip() and values[name] != held[code][2 + i]
                 for i, name in enumerate(_DEBTOR_UPDATABLE))]
    if stale:
        _update_debtors(ctx, wanted, Debtor.objects.filter(pk__in=stale))
    return ids


def _insert_debtors(org: Organization, rows: list[dict[str, str]]) -> dict[str, int]:
    """Insert the new records (one already made meanwhile by another writer is left as
    it is, as ``bulk_create(ignore_conflicts=True)`` would); code → id of each."""
    codes = [values["fiscal_code"] for values in rows]
    if connection.vendor == "postgresql":
        names = ("fiscal_code", "entity_type", *editing.DEBTOR_FIELDS)
        fields, constants = _columns(Debtor, ("organization_id", *names))
        quote = connection.ops.quote_name
        arrays = ", ".join(["%s::text[]"] * len(names))
        others = "".join(f", %s::{f.db_type(connection)}" for f in fields[1 + len(names):])
        with connection.cursor() as cursor:
            # One statement for the lot, the values as arrays (no per-row parameters).
            cursor.execute(
                f"INSERT INTO {quote(Debtor._meta.db_table)} "  # noqa: S608
                f"({', '.join(quote(f.column) for f in fields)}) "
                f"SELECT %s, u.*{others} FROM unnest({arrays}) AS u "
                "ON CONFLICT DO NOTHING RETURNING id, fiscal_code",
                [org.pk, *constants, *([values[n] for values in rows] for n in names)])
            ids = {code: pk for pk, code in cursor.fetchall()}
    else:
        Debtor.objects.bulk_create([Debtor(organization=org, **values) for values in rows],
                                   ignore_conflicts=True)
        ids = {}
    if len(ids) < len(codes):  # made meanwhile by another writer (or SQLite): theirs
        ids.update(Debtor.ente_records.filter(
            organization=org, fiscal_code__in=[c for c in codes if c not in ids]).values_list(
            "fiscal_code", "pk"))
    return ids


def _update_debtors(ctx: _Context, wanted: dict[str, tuple[DebtorSpec, dict[str, str]]],
                    records) -> None:
    """Give known records what the file says, one ``debtor.updated`` entry each."""
    org = ctx.organization
    changed, entries = [], []
    for record in records:
        spec, values = wanted[record.fiscal_code]
        before = editing.debtor_snapshot(record)
        for name in _DEBTOR_UPDATABLE:
            if (getattr(spec, name) or "").strip():
                setattr(record, name, values[name])
        after = editing.debtor_snapshot(record)
        if after != before:
            changed.append(record)
            entries.append(AuditEntry(
                action="debtor.updated", organization=org, actor=_account(ctx.actor),
                actor_label=_actor_label(ctx.actor), object_type="positions.debtor",
                object_id=str(record.pk), object_repr=str(record)[:200],
                data={"before": before, "after": after, "source": ctx.source}))
    if changed:
        # Small batches: bulk_update's CASE … WHEN grows with the rows it covers.
        Debtor.objects.bulk_update(changed, list(_DEBTOR_UPDATABLE), batch_size=100)
        AuditEntry.objects.bulk_create(entries)


#: Positions written in one go after which the tables' statistics are refreshed.
ANALYZE_AFTER = 10_000


def refresh_statistics(written: int) -> None:
    """``ANALYZE`` the tables a bulk write filled, when it wrote ``ANALYZE_AFTER`` or more.

    The planner's estimates come from statistics that autovacuum refreshes only later
    (never, where it is off): right after 100,000 new rows it still believes the tables
    empty and answers the next import's lookups (references, options, debtors) with
    sequential scans and hash joins of the whole tables — a file imported again took
    minutes. PostgreSQL's own advice after a bulk load; a sample, so a second or so."""
    if written < ANALYZE_AFTER:
        return
    tables = [m._meta.db_table for m in (Debtor, PaymentPosition, PaymentOption, Transfer)]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def _account(actor):
    """The person, if the actor is one (an API token is recorded by its label only)."""
    return actor if isinstance(actor, AbstractBaseUser) else None


# --- inserts ---------------------------------------------------------------------------

def _insert(objs: list) -> None:
    """``bulk_create`` (SQLite's path; PostgreSQL's goes through :func:`_copy`)."""
    if objs:
        type(objs[0]).objects.bulk_create(objs)


def _actor_label(actor) -> str:
    return (getattr(actor, "email", "") or str(actor))[:200] if actor else ""
