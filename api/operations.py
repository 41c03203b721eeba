"""What the API does with the Ente's positions, between the HTTP layer (api.views) and
the domain. Every write goes through ``positions.editing`` / ``positions.bulk``; this
module only turns the API's shapes into the domain's specs and back, and adds the
API's own idempotency (reference or ``Idempotency-Key``)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from api.models import ApiToken, IdempotencyKey
from api.problems import ApiProblem
from api.schemas import DebtorIn, OptionIn, PositionIn, PositionUpdate, TransferIn
from catalog.models import Service
from organizations.models import Organization
from payments.models import Receipt
from positions import bulk, editing
from positions.models import PaymentOption, PaymentPosition, Transfer
from positions.services import OptionSpec, TransferSpec

MAX_PAGE = 500


# --- shapes -> specs ---------------------------------------------------------------------

def debtor_spec(debtor: DebtorIn) -> editing.DebtorSpec:
    return editing.DebtorSpec(
        fiscal_code=debtor.fiscal_code.upper(), full_name=debtor.full_name,
        address=debtor.address, city=debtor.city, province=debtor.province,
        postal_code=debtor.postal_code, nation=debtor.nation.upper(), email=debtor.email,
        phone=debtor.phone, entity_type=debtor.entity_type or "")


def transfer_specs(transfers: Iterable[TransferIn]) -> list[TransferSpec]:
    return [TransferSpec(amount_cents=t.amount_cents, iban=t.iban, postal_iban=t.postal_iban,
                         remittance_information=t.remittance_information,
                         beneficiary_fiscal_code=t.beneficiary_fiscal_code,
                         beneficiary_name=t.beneficiary_name, taxonomy_code=t.taxonomy_code)
            for t in transfers]


def option_specs(options: Iterable[OptionIn]) -> list[OptionSpec]:
    return [OptionSpec(amount_cents=o.amount_cents, due_date=o.due_date,
                       installment_number=o.installment_number, plan=o.plan,
                       description=o.description, transfers=transfer_specs(o.transfers))
            for o in options]


def service_of(organization: Organization, code: str) -> Service:
    service = Service.objects.filter(organization=organization, code=code).first()
    if service is None:
        raise ApiProblem(422, "unknown_service",
                         _("Servizio sconosciuto per questo Ente: %(code)s.") % {"code": code},
                         [{"field": "body.service", "message": _("Servizio sconosciuto."),
                           "type": "domain"}])
    return service


# --- reading -------------------------------------------------------------------------------

def positions_of(organization: Organization) -> QuerySet[PaymentPosition]:
    options = PaymentOption.objects.order_by("plan", "installment_number", "pk").prefetch_related(
        Prefetch("transfers", queryset=Transfer.objects.order_by("index")))
    return (PaymentPosition.objects.filter(organization=organization)
            .select_related("debtor", "service")
            .prefetch_related(Prefetch("options", queryset=options)))


def find_position(organization: Organization, *, pk: int | None = None, iuv: str = "",
                  notice_number: str = "", reference: str = "") -> PaymentPosition:
    """The Ente's position, or ApiProblem 404 (another Ente's looks exactly the same)."""
    queryset = positions_of(organization)
    if pk is not None:
        queryset = queryset.filter(pk=pk)
    elif iuv:
        queryset = queryset.filter(options__iuv=iuv, options__organization=organization)
    elif notice_number:
        queryset = queryset.filter(options__notice_number=notice_number,
                                   options__organization=organization)
    else:
        queryset = queryset.filter(external_reference=reference)
    position = queryset.order_by("pk").first()
    if position is None:
        raise ApiProblem(404, "not_found", _("Nessuna posizione di questo Ente con questo "
                                             "identificativo."))
    return position


def position_out(position: PaymentPosition) -> dict:
    debtor = position.debtor
    return {
        "id": position.pk, "reference": position.external_reference,
        "service": position.service.code, "causale": position.causale,
        "status": position.status, "switch_to_expired": position.switch_to_expired,
        "cancellation_reason": position.cancellation_reason, "version": position.version,
        "created_at": position.created_at, "updated_at": position.updated_at,
        "debtor": {"fiscal_code": debtor.fiscal_code, "entity_type": debtor.entity_type,
                   "full_name": debtor.full_name, "address": debtor.address,
                   "city": debtor.city, "province": debtor.province,
                   "postal_code": debtor.postal_code, "nation": debtor.nation,
                   "email": debtor.email},
        "options": [
            {"iuv": o.iuv, "notice_number": o.notice_number, "plan": o.plan,
             "installment_number": o.installment_number, "amount_cents": o.amount_cents,
             "due_date": o.due_date, "description": o.description, "status": o.status,
             "paid_at": o.paid_at,
             "transfers": [
                 {"index": t.index, "amount_cents": t.amount_cents, "iban": t.iban,
                  "postal_iban": t.postal_iban,
                  "remittance_information": t.remittance_information,
                  "beneficiary_fiscal_code": t.beneficiary_fiscal_code,
                  "beneficiary_name": t.beneficiary_name, "taxonomy_code": t.taxonomy_code}
                 for t in o.transfers.all()]}
            for o in position.options.all()],
    }


def fresh(position: PaymentPosition) -> dict:
    return position_out(find_position(position.organization, pk=position.pk))


# --- creating ------------------------------------------------------------------------------

def _existing_by_key(organization: Organization, key: str) -> PaymentPosition | None:
    if not key:
        return None
    found = IdempotencyKey.objects.filter(organization=organization, key=key).first()
    return found.position if found else None


def create(token: ApiToken, data: PositionIn, *, idempotency_key: str = "",
           request=None) -> tuple[PaymentPosition, bool]:
    """Create one position; ``(position, False)`` when the same reference or
    Idempotency-Key already made one (nothing new is written then)."""
    organization = token.organization
    if existing := _existing_by_key(organization, idempotency_key):
        return existing, False
    service = service_of(organization, data.service)
    try:
        with transaction.atomic():
            if data.reference:
                # The bulk writer's lock: an import or a bulk create of the same
                # reference waits for this one, and this one for them.
                bulk.lock_references(organization, [data.reference])
                existing = (PaymentPosition.objects.filter(
                    organization=organization, external_reference=data.reference)
                    .order_by("pk").first())
                if existing is not None:
                    if idempotency_key:
                        IdempotencyKey.objects.create(organization=organization,
                                                      key=idempotency_key, position=existing)
                    return existing, False
            position = editing.create_staff_position(
                organization=organization, debtor=debtor_spec(data.debtor), service=service,
                causale=data.causale, options=option_specs(data.options),
                external_reference=data.reference, switch_to_expired=data.switch_to_expired,
                request=request, actor=token)
            if idempotency_key:
                IdempotencyKey.objects.create(organization=organization, key=idempotency_key,
                                              position=position)
            return position, True
    except IntegrityError:
        # The same key was used by a concurrent request that committed first: its answer.
        if existing := _existing_by_key(organization, idempotency_key):
            return existing, False
        raise


# --- changing ------------------------------------------------------------------------------

def update(token: ApiToken, position: PaymentPosition, data: PositionUpdate,
           request=None) -> PaymentPosition:
    """Change an unpaid position (``editing.update_position``); options named by IUV."""
    by_iuv = {o.iuv: o for o in position.options.all()}
    options: dict[int, OptionSpec] = {}
    for index, given in enumerate(data.options):
        option = by_iuv.get(given.iuv)
        if option is None:
            raise ApiProblem(422, "unknown_option", _("IUV sconosciuto in questa posizione."),
                             [{"field": f"body.options.{index}.iuv",
                               "message": _("IUV sconosciuto in questa posizione."),
                               "type": "domain"}])
        options[option.pk] = OptionSpec(
            amount_cents=given.amount_cents or option.amount_cents,
            due_date=given.due_date or option.due_date,
            installment_number=option.installment_number, plan=option.plan,
            transfers=transfer_specs(given.transfers))
    return editing.update_position(
        position, expected_version=position.version if data.version is None else data.version,
        causale=position.causale if data.causale is None else data.causale,
        external_reference=(position.external_reference if data.reference is None
                            else data.reference),
        switch_to_expired=(position.switch_to_expired if data.switch_to_expired is None
                           else data.switch_to_expired),
        options=options, debtor=debtor_spec(data.debtor) if data.debtor else None,
        request=request, actor=token)


def cancel(token: ApiToken, position: PaymentPosition, reason: str, version: int | None,
           request=None) -> PaymentPosition:
    return editing.cancel_position(
        position, expected_version=position.version if version is None else version,
        reason=reason, request=request, actor=token)


# --- listing with a cursor -------------------------------------------------------------------

def encode_cursor(kind: str, moment: datetime, pk: int) -> str:
    return signing.dumps([moment.isoformat(), pk], salt=f"api.cursor.{kind}", compress=True)


def decode_cursor(kind: str, cursor: str) -> tuple[datetime, int]:
    try:
        moment, pk = signing.loads(cursor, salt=f"api.cursor.{kind}")
        return datetime.fromisoformat(moment), int(pk)
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise ApiProblem(400, "invalid_cursor",
                         _("Cursore non valido: usa il next_cursor di una risposta.")) from exc


def in_utc(moment: datetime) -> datetime:
    """``since`` as the database can compare it: any offset ISO 8601 allows (PostgreSQL
    refuses one past ±15:59) turned into UTC; a naive one taken as UTC; an instant
    before year 1 in UTC is the earliest there is."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        return datetime.min.replace(tzinfo=UTC)


def page(queryset: QuerySet, kind: str, field: str, *, since: datetime | None,
         cursor: str | None, limit: int) -> tuple[list, str | None]:
    """One page in the stable order (``field``, id) after ``cursor`` (or from ``since``);
    the next cursor points after the page's last row, so rows changed meanwhile come
    again later, never skipped."""
    if cursor:
        moment, pk = decode_cursor(kind, cursor)
        queryset = queryset.filter(Q(**{f"{field}__gt": moment})
                                   | Q(**{field: moment, "pk__gt": pk}))
    elif since is not None:
        queryset = queryset.filter(**{f"{field}__gte": in_utc(since)})
    rows = list(queryset.order_by(field, "pk")[:limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = (encode_cursor(kind, getattr(rows[-1], field), rows[-1].pk)
                   if more else None)
    return rows, next_cursor


def receipts_of(organization: Organization) -> QuerySet[Receipt]:
    return Receipt.objects.filter(organization=organization).select_related("option")


def receipt_out(receipt: Receipt) -> dict:
    return {
        "id": receipt.pk,
        "position_id": receipt.option.position_id if receipt.option else None,
        "iuv": receipt.creditor_reference_id, "notice_number": receipt.notice_number,
        "receipt_id": receipt.receipt_id, "outcome": receipt.outcome,
        "amount_cents": receipt.amount_cents, "fee_cents": receipt.fee_cents,
        "payment_date_time": receipt.payment_date_time, "received_at": receipt.received_at,
        "psp_id": receipt.id_psp, "psp_name": receipt.psp_company_name,
        "payment_method": receipt.payment_method, "applied": receipt.applied,
        "debtor": receipt.debtor or {}, "payer": receipt.payer,
        "transfers": receipt.transfers or [],
    }

