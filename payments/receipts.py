"""Receiving a receipt (paSendRT / paSendRTV2): store it, then apply it, in one transaction.

Pattern (pretix's ``OrderPayment.confirm``): lock the position and then the option row,
return early if this receiptId is already stored *and applied*, store the raw message
with its parsed fields, and move the option to *paid* only when the receipt is the first
good one for a payable option. Everything else (second receipt, cancelled / unknown
notice, Stand-In without any activation...) is stored and flagged for staff: receipts
cannot be refused (RULES §5.3).

A stored receipt that was *not* applied (refused through the wrong station, outcome KO)
and is delivered again is judged again under the same locks, and applied when it is now
good: the row takes the new message, the earlier ones stay in ``earlier_deliveries``.
Staff can also apply a flagged receipt after review (:func:`apply_after_review`).

The caller acknowledges the Node only after this function has returned, i.e. after
commit; any exception propagates so that the Node gets an error and sends it again.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import threading
from dataclasses import dataclass

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connections, transaction
from django.db.models import Case, Value, When
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import log_action
from catalog.models import Service
from organizations.models import Organization
from pagopa.messages import DebtorInfo, ReceiptInfo
from payments.ec import attempt_for_note, other_plan_paid
from payments.models import AcaPush, Activation, PaymentAttempt, Receipt
from positions.amounts import amount_due
from positions.models import Debtor, InvalidTransition, PaymentOption, PaymentPosition
from sportello import metrics
from sportello.logging_config import security_event
from sportello.sqlrows import Columns, insert_instance

log = logging.getLogger(__name__)

Flag = Receipt.Flag

#: Sent inside the transaction that made ``option`` paid by ``receipt`` (kwargs ``receipt``,
#: ``option``): documents mails the quietanza. Payments never imports the apps above it.
receipt_applied = Signal()


@dataclass(frozen=True)
class Received:
    receipt: Receipt
    duplicate: bool  # this receiptId was already applied: nothing was done again


class ReviewRefused(Exception):
    """Staff asked to apply a receipt that cannot make its option paid; says why."""


#: What staff may accept after looking at the receipt; the other flags describe a
#: receipt that cannot pay anything (KO outcome, no option, option paid or cancelled),
#: and are judged again on the option as it is now.
OVERRIDABLE = frozenset({Flag.WRONG_STATION, Flag.AMOUNT_MISMATCH, Flag.IUV_MISMATCH,
                         Flag.STANDIN_WITHOUT_ACTIVATION, Flag.STANDIN_AMOUNT, Flag.EXPIRED,
                         Flag.CHANGED_AFTER_ACTIVATION})


def _lock_option(organization: Organization, notice_number: str) -> PaymentOption | None:
    """Lock the option's position, then the option, in that order everywhere.

    The position's status is recomputed from *all* its options (``refresh_status``):
    two receipts for two installments of one position, each holding only its own
    option's lock, would each see the other installment unpaid and leave the position
    "partially paid" with both paid. Locking the position row first serialises them.

    One statement, built once: the option with its position, debtor and service
    (unlocked: the receivers of the payment read them). ``FOR UPDATE OF p, o`` locks
    the position's row and then the option's (PostgreSQL takes a row's locks in the
    order of the OF list), and after waiting for either lock PostgreSQL reads both rows
    again as they are now, so the statuses judged are the committed ones. The option's
    Ente is the caller's, not read again.
    """
    connection = connections[DEFAULT_DB_ALIAS]
    sql, parts = _lock_statement(connection)
    with connection.cursor() as cursor:
        cursor.execute(sql, (organization.pk, notice_number))
        row = cursor.fetchone()
    if row is None:
        return None
    option_part, position_part, debtor_part, service_part = parts
    option = option_part.build(row, connection)
    position = position_part.build(row, connection)
    position.debtor = debtor_part.build(row, connection)
    position.service = service_part.build(row, connection)
    option.position = position  # the locked row, with the status as it is now
    option.organization = organization
    return option


_per_thread = threading.local()


def _lock_statement(connection) -> tuple[str, tuple[Columns, ...]]:
    """:func:`_lock_option`'s SELECT, built once per thread and database (the converters
    of ``Columns`` are bound to the thread's connection)."""
    built = _per_thread.__dict__.setdefault("lock", {})
    if connection.alias not in built:
        built[connection.alias] = _build_lock(connection)
    return built[connection.alias]


def _build_lock(connection) -> tuple[str, tuple[Columns, ...]]:
    quote = connection.ops.quote_name
    parts = (Columns(PaymentOption, "o", connection),
             Columns(PaymentPosition, "p", connection),
             Columns(Debtor, "d", connection),
             Columns(Service, "s", connection))
    start = 0
    for part in parts:
        part.start, start = start, start + len(part.attnames)
    option, position = PaymentOption._meta, PaymentPosition._meta

    def column(meta, name: str) -> str:
        return quote(meta.get_field(name).column)

    sql = (
        f"SELECT {', '.join(c for part in parts for c in part.sql)}"  # noqa: S608 - _meta
        f" FROM {quote(option.db_table)} o"
        f" JOIN {quote(position.db_table)} p ON p.{quote(position.pk.column)}"
        f" = o.{column(option, 'position')}"
        f" JOIN {quote(Debtor._meta.db_table)} d ON d.{quote(Debtor._meta.pk.column)}"
        f" = p.{column(position, 'debtor')}"
        f" JOIN {quote(Service._meta.db_table)} s ON s.{quote(Service._meta.pk.column)}"
        f" = p.{column(position, 'service')}"
        f" WHERE o.{column(option, 'organization')} = %s"
        f" AND o.{column(option, 'notice_number')} = %s")
    if connection.features.has_select_for_update_of:
        # Position first, then option: the order every writer of the options keeps.
        sql += " FOR UPDATE OF p, o"
    elif connection.features.has_select_for_update:
        sql += " FOR UPDATE"
    return sql, parts


@dataclass(frozen=True)
class _Facts:
    """What judging and applying a new receipt need, read in one statement under the
    position's lock (so nothing a writer of the position changes can be stale)."""

    siblings: list[PaymentOption]  # the position's other options: id, plan, status
    receipt_stored: bool  # a Receipt with this receiptId exists at this Ente
    activation_amount: int | None  # the preferred activation's (see _amount_flags)
    activation_option_amount: int | None
    activated: bool  # any activation of the option
    aca_amount: int | None  # see _aca_amount

    def other_plan_paid(self, option: PaymentOption) -> bool:
        """As ``payments.ec.other_plan_paid``, from the rows read."""
        return any(other.status == PaymentOption.Status.PAID and other.plan != option.plan
                   for other in self.siblings)


def _read_facts(option: PaymentOption, info: ReceiptInfo) -> _Facts:
    """The facts about ``option`` (locked, with its position) that a receipt needs."""
    connection = connections[DEFAULT_DB_ALIAS]
    sql = _facts_statement(connection)
    note = info.payment_note[:210] if info.payment_note else None  # NULL matches nothing
    params = (option.organization_id, info.receipt_id,
              *(option.pk, note, info.amount_cents) * 2,
              option.pk, option.pk, option.position_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    # The other columns deferred: loaded if a receiver of their post_save reads them.
    siblings = [PaymentOption.from_db(connection.alias, _SIBLING_FIELDS,
                                      (pk, option.position_id, plan, status))
                for pk, plan, status, *_rest in rows if pk != option.pk]
    stored, amount, option_amount, activated, aca_amount = rows[0][3:]
    return _Facts(siblings, stored is not None, amount, option_amount, activated is not None,
                  aca_amount)


_SIBLING_FIELDS = ["id", "position_id", "plan", "status"]


def _facts_statement(connection) -> str:
    """:func:`_read_facts`'s SELECT: the position's options, one row each, with the
    other facts as scalar subqueries (evaluated once: they name no column of the row)."""
    vendor = connection.vendor
    built = _per_thread.__dict__.setdefault("facts", {})
    if vendor in built:
        return built[vendor]
    quote = connection.ops.quote_name

    def table(model) -> str:
        return quote(model._meta.db_table)

    def column(model, name: str) -> str:
        return quote(model._meta.get_field(name).column)

    def activation(name: str) -> str:
        # The activations ranked as _amount_flags prefers them: that payment's (idCart in
        # paymentNote), else one with the receipt's amount, else the latest.
        return (f"(SELECT a.{column(Activation, name)} FROM {table(Activation)} a"  # noqa: S608
                f" WHERE a.{column(Activation, 'option')} = %s"
                f" AND a.{column(Activation, 'amount_cents')} IS NOT NULL"
                f" ORDER BY CASE WHEN a.{column(Activation, 'payment_note')} = %s THEN 0"
                f" WHEN a.{column(Activation, 'amount_cents')} = %s THEN 1 ELSE 2 END,"
                f" a.{column(Activation, 'created_at')} DESC, a.{column(Activation, 'id')} DESC"
                f" LIMIT 1)")

    sql = (
        f"SELECT x.{column(PaymentOption, 'id')}, x.{column(PaymentOption, 'plan')},"  # noqa: S608
        f" x.{column(PaymentOption, 'status')},"
        f" (SELECT r.{column(Receipt, 'id')} FROM {table(Receipt)} r"
        f" WHERE r.{column(Receipt, 'organization')} = %s"
        f" AND r.{column(Receipt, 'receipt_id')} = %s),"
        f" {activation('amount_cents')}, {activation('option_amount_cents')},"
        f" (SELECT 1 FROM {table(Activation)} a WHERE a.{column(Activation, 'option')} = %s"
        f" LIMIT 1),"
        f" (SELECT c.{column(AcaPush, 'pushed_amount_cents')} FROM {table(AcaPush)} c"
        f" WHERE c.{column(AcaPush, 'option')} = %s"
        f" AND c.{column(AcaPush, 'pushed_at')} IS NOT NULL)"
        f" FROM {table(PaymentOption)} x WHERE x.{column(PaymentOption, 'position')} = %s")
    built[vendor] = sql
    return sql


def receive(organization: Organization, info: ReceiptInfo, raw_xml: str, version: int,
            wrong_station: bool = False) -> Received:
    """Store ``info`` and apply it at most once. Safe to call concurrently."""
    with transaction.atomic():
        # A receipt naming another Ente's notice reaches us as a secondary beneficiary:
        # no option of ours is behind it.
        option = (_lock_option(organization, info.notice_number)
                  if info.fiscal_code == organization.fiscal_code else None)
        facts = _read_facts(option, info) if option is not None else None
        if facts is not None:
            option.siblings_under_lock = facts.siblings  # for _apply's mark_paid
        # Read under the position's lock: a delivery of this notice that stored the
        # receiptId meanwhile has committed. Locked (against staff's review) when there.
        existing = (Receipt.objects.select_for_update()
                    .filter(organization=organization, receipt_id=info.receipt_id).first()
                    if facts is None or facts.receipt_stored else None)
        if existing is not None and existing.applied:
            metrics.observe_receipt(existing, duplicate=True, applied=False)
            return Received(existing, duplicate=True)
        if existing is not None:
            receipt = _redelivered(existing, option, info, raw_xml, version)
            previous_flags = list(receipt.flags)
            apply = _judge(receipt, option, info, wrong_station, facts)
            if receipt.flags != previous_flags:
                receipt.reviewed_at, receipt.reviewed_by = None, None  # new facts
            receipt.applied = apply  # stored with the row: no UPDATE of its own
            receipt.save()
            log.info("Receipt %s delivered again (%d deliveries): judged again, %s",
                     receipt.receipt_id, receipt.deliveries,
                     "applied" if apply else "not applied")
        else:
            receipt = _new_receipt(organization, option, info, raw_xml, version)
            apply = _judge(receipt, option, info, wrong_station, facts)
            receipt.applied = apply  # stored with the row: no UPDATE of its own
            # Under the option's lock no other delivery of this notice can store the
            # receiptId meanwhile (it waits, then finds it above): no savepoint needed.
            # A receiptId reused for another notice is an IntegrityError that fails the
            # call, and the Node's retry finds it stored.
            try:
                if option is None:
                    with transaction.atomic():
                        receipt.save()
                else:
                    insert_instance(receipt)  # save(), the SQL built once
            except IntegrityError:
                if option is not None:
                    raise
                # Same receiptId stored meanwhile for a notice with no row to lock
                # (unknown): that delivery judged it, as this one would have.
                return Received(Receipt.objects.get(organization=organization,
                                                    receipt_id=info.receipt_id),
                                duplicate=True)
        if apply:
            _apply(receipt, option)
        _audit_delivery(receipt, option, apply)
    if receipt.needs_attention:
        security_event("receipt_flagged", receipt_id=receipt.receipt_id,
                       notice_number=receipt.notice_number, flags=",".join(receipt.flags),
                       applied=receipt.applied)
    metrics.observe_receipt(receipt, duplicate=False, applied=apply)
    return Received(receipt, duplicate=False)


def apply_after_review(receipt: Receipt, user, *, note: str = "", request=None) -> Receipt:
    """Staff looked at a flagged receipt and accept it: make its option paid.

    Logged (``receipt.applied_after_review``, with ``note``) in the same transaction.

    The same locks and the same ``_apply`` as a delivery. Refused (ReviewRefused, with an
    Italian message) when the receipt cannot pay anything now: already applied, outcome
    not OK, no option of ours, or the option paid or cancelled meanwhile. Flags in
    :data:`OVERRIDABLE` are what the review accepts; they stay on the receipt as evidence.
    """
    with transaction.atomic():
        option = (_lock_option(receipt.organization, receipt.notice_number)
                  if receipt.option_id is not None else None)
        receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
        if receipt.applied:
            raise ReviewRefused(_("La ricevuta ha già chiuso la posizione."))
        if receipt.reviewed_at is not None and receipt.needs_attention:
            # Marked handled meanwhile (another person, a page left open): decided.
            raise ReviewRefused(_("La ricevuta è già stata gestita."))
        if receipt.outcome != "OK":
            raise ReviewRefused(_("La ricevuta ha esito diverso da OK: non attesta alcun "
                                  "pagamento."))
        if option is None or option.pk != receipt.option_id:
            raise ReviewRefused(_("La ricevuta non corrisponde ad alcun avviso dell'Ente."))
        if option.status == PaymentOption.Status.PAID:
            raise ReviewRefused(_("L'avviso è già pagato con un'altra ricevuta."))
        if option.status == PaymentOption.Status.SUPERSEDED or other_plan_paid(option):
            raise ReviewRefused(_("Il debito è già pagato con l'altra modalità (unica "
                                  "soluzione o rate): questa ricevuta va rimborsata."))
        if option.status == PaymentOption.Status.CANCELLED:
            raise ReviewRefused(_("L'avviso è annullato: non può essere chiuso da una "
                                  "ricevuta."))
        blocking = set(receipt.flags) - OVERRIDABLE - {Flag.ALREADY_PAID, Flag.CANCELLED}
        if blocking:
            raise ReviewRefused(_("La ricevuta ha anomalie che la verifica non può "
                                  "superare: %(flags)s.") % {
                "flags": ", ".join(receipt.flag_labels())})
        receipt.reviewed_at, receipt.reviewed_by = timezone.now(), user
        receipt.review_note = note.strip()
        receipt.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        _apply(receipt, option)
        log_action("receipt.applied_after_review", obj=receipt, request=request, actor=user,
                   organization=receipt.organization, position_id=option.position_id,
                   data={"notice_number": receipt.notice_number,
                         "flags": list(receipt.flags), "note": receipt.review_note})
    log.warning("Receipt %s for notice %s applied after review by %s (flags: %s)",
                receipt.receipt_id, receipt.notice_number, getattr(user, "pk", None),
                ", ".join(receipt.flags))
    return receipt


def _audit_delivery(receipt: Receipt, option: PaymentOption | None, applied: bool) -> None:
    """The audit trail records every receipt that paid a position or was flagged."""
    if not (applied or receipt.needs_attention):
        return
    log_action("receipt.applied" if applied else "receipt.flagged", obj=receipt,
               organization=receipt.organization,
               position_id=option.position_id if option is not None else None,
               data={"notice_number": receipt.notice_number, "amount_cents": receipt.amount_cents,
                     "flags": list(receipt.flags)})


def mark_handled(receipt: Receipt, user, note: str, *, request=None) -> Receipt:
    """Staff dealt with a flagged receipt outside Sportello (a refund asked of the PSP, a
    second receipt kept as evidence…): it leaves the work queue, with their note. Nothing
    is paid. Refused (ReviewRefused) without a note or when already handled."""
    note = (note or "").strip()
    if not note:
        raise ReviewRefused(_("Scrivi una nota: che cosa è stato fatto per questa ricevuta."))
    with transaction.atomic():
        receipt = Receipt.objects.select_for_update().get(pk=receipt.pk)
        if not receipt.needs_attention:
            raise ReviewRefused(_("La ricevuta non ha anomalie da gestire."))
        if receipt.reviewed_at is not None:
            raise ReviewRefused(_("La ricevuta è già stata gestita."))
        receipt.reviewed_at, receipt.reviewed_by = timezone.now(), user
        receipt.review_note = note
        receipt.save(update_fields=["reviewed_at", "reviewed_by", "review_note"])
        position_id = receipt.option.position_id if receipt.option_id else None
        log_action("receipt.handled", obj=receipt, request=request, actor=user,
                   organization=receipt.organization, position_id=position_id,
                   data={"notice_number": receipt.notice_number,
                         "flags": list(receipt.flags), "note": note})
    return receipt


def _judge(receipt: Receipt, option: PaymentOption | None, info: ReceiptInfo,
           wrong_station: bool, facts: _Facts | None = None) -> bool:
    """Set the receipt's flags; True when it must make the option paid. ``facts``: what
    :func:`_read_facts` read under the lock, else each fact is queried here."""
    flags: list[str] = []
    apply = True
    if wrong_station:
        flags.append(Flag.WRONG_STATION)
        apply = False
    if info.outcome != "OK":
        flags.append(Flag.OUTCOME_KO)
        apply = False
    status = PaymentOption.Status
    if option is None:
        flags.append(Flag.UNKNOWN_NOTICE)
        apply = False
    elif option.status == status.PAID:
        flags.append(Flag.ALREADY_PAID)
        apply = False
    elif option.status == status.CANCELLED:
        flags.append(Flag.CANCELLED)
        apply = False
    elif option.status == status.SUPERSEDED or (
            facts.other_plan_paid(option) if facts is not None else other_plan_paid(option)):
        # The debt is already being paid with another plan: applying this one too would
        # collect twice (e.g. 160 € on a 120 € debt). Stored for a refund, not applied.
        flags.append(Flag.OTHER_PLAN)
        apply = False
    else:
        if option.status == status.EXPIRED:
            flags.append(Flag.EXPIRED)
        if info.creditor_reference_id != option.iuv:
            # Same notice number, another IUV: not the payment of this option as we know
            # it (and the reconciliation would not match it). Staff decide.
            flags.append(Flag.IUV_MISMATCH)
            apply = False
        flags.extend(_amount_flags(option, info, facts))
        if info.stand_in and not (facts.activated if facts is not None
                                  else option.activations.exists()):
            flags.append(Flag.STANDIN_WITHOUT_ACTIVATION)
        aca_amount = (facts.aca_amount if facts is not None else _aca_amount(option)
                      if info.stand_in else None)
        if info.stand_in and aca_amount not in (None, info.amount_cents):
            # Stand-In activates with ACA's data: another amount there means ACA held
            # something else than what we sent last (or the Node changed it).
            flags.append(Flag.STANDIN_AMOUNT)
    receipt.flags = [str(flag) for flag in flags]
    receipt.needs_attention = bool(flags)
    return apply


def _aca_amount(option: PaymentOption) -> int | None:
    """The amount ACA last accepted for the option (what a Stand-In activation used)."""
    return (AcaPush.objects.filter(option=option, pushed_at__isnull=False)
            .values_list("pushed_amount_cents", flat=True).first())


def _amount_flags(option: PaymentOption, info: ReceiptInfo,
                  facts: _Facts | None = None) -> list[str]:
    """The receipt's amount judged against what the Ente answered at activation (the
    amount the PSP was told to collect, late charge and SEND fee included): that payment's
    activation (idCart in ``paymentNote``), else one with the same amount, else the latest.
    Without any activation (Stand-In) against the amount due on the day it was paid. A
    position whose own amount changed after the activation is flagged too."""
    if facts is not None:  # ranked the same way in _read_facts's statement
        amounts = (None if facts.activation_amount is None else
                   (facts.activation_amount, facts.activation_option_amount))
    else:
        # One statement: the activations ranked by that preference, the latest first.
        preferred = [When(amount_cents=info.amount_cents, then=Value(1))]
        if info.payment_note:
            preferred.insert(0, When(payment_note=info.payment_note[:210], then=Value(0)))
        amounts = (option.activations.exclude(amount_cents=None)
                   .order_by(Case(*preferred, default=Value(2)), "-created_at", "-pk")
                   .values_list("amount_cents", "option_amount_cents").first())
    if amounts is None:
        if info.amount_cents == option.amount_cents:
            return []  # the option's own amount: no need to work out the day's
        day = info.payment_date_time.date() if info.payment_date_time else None
        expected = {option.amount_cents, amount_due(option, day).total_cents}
        return [] if info.amount_cents in expected else [Flag.AMOUNT_MISMATCH]
    amount, option_amount = amounts
    flags = []
    if info.amount_cents != amount:
        flags.append(Flag.AMOUNT_MISMATCH)
    if option_amount not in (None, option.amount_cents):
        flags.append(Flag.CHANGED_AFTER_ACTIVATION)
    return flags


def _redelivered(receipt: Receipt, option: PaymentOption | None, info: ReceiptInfo,
                 raw_xml: str, version: int) -> Receipt:
    """The stored, unapplied ``receipt`` as the Node sends it now; what it said before
    (message, outcome, flags) is kept in ``earlier_deliveries``, never lost."""
    delivered_at = receipt.last_delivered_at or receipt.received_at
    earlier = {"received_at": delivered_at.isoformat() if delivered_at else None,
               "version": receipt.version, "outcome": receipt.outcome,
               "amount_cents": receipt.amount_cents,
               "creditor_reference_id": receipt.creditor_reference_id,
               "flags": list(receipt.flags), "raw_xml": receipt.raw_xml}
    attempt = receipt.attempt
    for name, value in _fields(receipt.organization, option, info, raw_xml, version).items():
        setattr(receipt, name, value)
    receipt.attempt = attempt or receipt.attempt
    receipt.earlier_deliveries = [*receipt.earlier_deliveries, earlier]
    receipt.deliveries += 1
    receipt.last_delivered_at = timezone.now()
    return receipt


def _new_receipt(organization: Organization, option: PaymentOption | None,
                 info: ReceiptInfo, raw_xml: str, version: int) -> Receipt:
    return Receipt(organization=organization,
                   **_fields(organization, option, info, raw_xml, version))


def _fields(organization: Organization, option: PaymentOption | None, info: ReceiptInfo,
            raw_xml: str, version: int) -> dict:
    """Every field a delivery of ``info`` sets on its Receipt row."""
    return dict(
        option=option, raw_xml=raw_xml, version=version,
        attempt=_attempt_for(organization, option, info),
        receipt_id=info.receipt_id, notice_number=info.notice_number,
        fiscal_code=info.fiscal_code, creditor_reference_id=info.creditor_reference_id,
        outcome=info.outcome, amount_cents=info.amount_cents, fee_cents=info.fee_cents,
        primary_ci_incurred_fee_cents=info.primary_ci_incurred_fee_cents,
        description=info.description, company_name=info.company_name,
        office_name=info.office_name or "", id_psp=info.id_psp,
        psp_company_name=info.psp_company_name, psp_fiscal_code=info.psp_fiscal_code or "",
        psp_partita_iva=info.psp_partita_iva or "", id_channel=info.id_channel,
        channel_description=info.channel_description,
        payment_method=info.payment_method or "", payment_note=info.payment_note or "",
        id_bundle=info.id_bundle or "", id_ci_bundle=info.id_ci_bundle or "",
        payment_date_time=_aware(info.payment_date_time),
        application_date=info.application_date, transfer_date=info.transfer_date,
        stand_in=info.stand_in, debtor=_subject(info.debtor), payer=_subject(info.payer),
        transfers=[_transfer(t) for t in info.transfers],
        metadata=[list(pair) for pair in info.metadata],
    )


def _apply(receipt: Receipt, option: PaymentOption) -> None:
    """The one place where a position becomes paid (inside the lock). A delivery has just
    saved the receipt's row with ``applied`` set: no UPDATE of it then. The position's
    other options come with ``option`` when a delivery read them under the lock
    (``siblings_under_lock``); staff's review lets ``mark_paid`` read them."""
    option.mark_paid(receipt.payment_date_time or timezone.now(),
                     siblings=getattr(option, "siblings_under_lock", None))
    if not receipt.applied:  # staff's review: the row was stored unapplied
        receipt.applied = True
        receipt.save(update_fields=["applied"])
    attempt = receipt.attempt
    if attempt is not None and not attempt.options.exclude(
            status=PaymentOption.Status.PAID).exists():
        # Already paid: the cart's status never costs a receipt.
        with contextlib.suppress(InvalidTransition):
            attempt.mark_paid()
    receipt_applied.send(sender=Receipt, receipt=receipt, option=option)


def _attempt_for(organization: Organization, option: PaymentOption | None,
                 info: ReceiptInfo) -> PaymentAttempt | None:
    """The cart this payment came from, by idCart (paymentNote) only. Never guessed by
    time: an attempt someone opened and abandoned on the same option is not the
    payment, and its email must not receive the quietanza."""
    return attempt_for_note(organization, info.payment_note)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    if value is None or timezone.is_aware(value):
        return value
    return timezone.make_aware(value)  # pagoPA sends local Italian time without offset


def _subject(subject: DebtorInfo | None) -> dict | None:
    if subject is None:
        return None
    return {key: value for key, value in dataclasses.asdict(subject).items()
            if value is not None}


def _transfer(transfer) -> dict:
    data = {
        "id_transfer": transfer.id_transfer, "amount_cents": transfer.amount_cents,
        "fiscal_code_pa": transfer.fiscal_code_pa,
        "remittance_information": transfer.remittance_information,
        "transfer_category": transfer.transfer_category,
        "iban": transfer.iban, "company_name": transfer.company_name,
        "metadata": [list(pair) for pair in transfer.metadata],
        "mbd_attachment": bool(transfer.mbd_attachment),
    }
    return {key: value for key, value in data.items() if value not in (None, [])}
