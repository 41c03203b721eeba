"""Mirroring every option to pagoPA's central archive of notices (ACA, RULES §11).

Every save of an option (creation, payment, cancellation, expiry, amount change) marks
its :class:`~payments.models.AcaPush` pending and, after commit, enqueues a push. The
push sends the option *as it is when sent* (amount 0 once it can no longer be paid), so
retries are idempotent and a late retry never sends stale data. Failures are retried
with back-off for two days (by the task itself when the queue can defer, and by
``manage.py push_aca`` in any case), then marked failed for staff.

ACA's own rules (pagopa-aca-service): it changes a position only while it is
DRAFT/PUBLISHED/VALID/EXPIRED and answers 409 otherwise; amount 0 invalidates, and
INVALID is final. So an option that can no longer be paid is invalidated; one that
becomes payable again after that cannot be brought back under the same IUV: the push is
refused (409), the option is flagged for staff (``AcaPush.needs_attention``, an error
log line) and staff give it a new IUV and codice avviso (:func:`renumber`), which ACA
registers as a new position. A 409 on an invalidation means ACA already holds the
position closed (paid in Stand-In, or invalid): nothing is payable there, so it is done.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from pagopa.aca import AcaError, AcaPermanentError, DebtPosition, create_or_update_position
from payments.models import AcaPush
from positions.models import PaymentOption
from positions.services import renumber_option
from sportello import outbox

log = logging.getLogger(__name__)

LEASE = dt.timedelta(minutes=2)
GIVE_UP_AFTER = dt.timedelta(days=2)
FIRST_DELAY = dt.timedelta(minutes=2)  # after the first failure, then doubling
MAX_DELAY = dt.timedelta(hours=1)


def base_url() -> str:
    return settings.PAGOPA_ACA_URL or f"{settings.SITE_URL}/sandbox/aca/v1"


def schedule(option_id: int) -> None:
    """Mark the option's mirror stale; the push job commits with the change (after
    commit where the job queue is not the database)."""
    _mark_pending(option_id)
    from payments.tasks import push_aca

    outbox.enqueue_with_change(push_aca, option_id, log,
                               "Could not enqueue the ACA push of option %s")


def _mark_pending(option_id: int) -> None:
    """The option's push row, created pending or made pending again (a row already
    pending keeps its time and attempts): one upsert, where an UPDATE then a
    get_or_create took one to four statements inside a receipt's lock."""
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    with connection.cursor() as cursor:
        cursor.execute(_mark_pending_sql(connection.vendor),
                       [option_id, AcaPush.Status.PENDING, now, now, False,
                        AcaPush.Status.PENDING])


@functools.cache
def _mark_pending_sql(vendor: str) -> str:
    """:func:`_mark_pending`'s statement, written once per database vendor from the
    model's ``_meta`` (every paid receipt runs it)."""
    meta, quote = AcaPush._meta, connection.ops.quote_name
    table = quote(meta.db_table)
    column = {name: quote(meta.get_field(name).column) for name in (
        "option", "status", "attempts", "pending_since", "next_attempt_at", "last_error",
        "aca_iuv", "needs_attention")}
    return (
        f"INSERT INTO {table} ({', '.join(column.values())}) "  # noqa: S608
        f"VALUES (%s, %s, 0, %s, %s, '', '', %s) ON CONFLICT ({column['option']}) "
        f"DO UPDATE SET {column['status']} = EXCLUDED.{column['status']}, "
        f"{column['pending_since']} = EXCLUDED.{column['pending_since']}, "
        f"{column['next_attempt_at']} = EXCLUDED.{column['next_attempt_at']}, "
        f"{column['attempts']} = 0 WHERE {table}.{column['status']} <> %s")


def schedule_created(position_ids: list[int]) -> None:
    """Mirror the options of positions created in bulk (``bulk_create`` sends no
    ``post_save``): their push rows in one ``INSERT … SELECT`` (nothing read back into
    Python but the ids, which the job needs), one job for the lot after commit.
    Options that already have a row (created one by one, whose ``post_save`` scheduled
    them) and anagrafiche an account declared are left out, as in :func:`schedule`."""
    if not position_ids:
        return
    options = PaymentOption.objects.filter(
        position_id__in=position_ids, position__debtor__declared_by__isnull=True,
        aca_push__isnull=True).order_by().values_list("id")
    select, params = options.query.sql_with_params()
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    meta, quote = AcaPush._meta, connection.ops.quote_name
    columns = ", ".join(quote(meta.get_field(name).column) for name in (
        "option", "status", "attempts", "pending_since", "next_attempt_at", "last_error",
        "aca_iuv", "needs_attention"))
    option_column = quote(meta.get_field("option").column)
    chosen_id = quote(PaymentOption._meta.pk.column)
    with connection.cursor() as cursor:
        # ``WHERE true`` lets SQLite parse ON CONFLICT after a SELECT.
        cursor.execute(
            f"INSERT INTO {quote(meta.db_table)} ({columns}) "  # noqa: S608
            f"SELECT chosen.{chosen_id}, %s, 0, %s, %s, '', '', %s FROM ({select}) AS chosen "
            f"WHERE true ON CONFLICT ({option_column}) DO NOTHING RETURNING {option_column}",
            [AcaPush.Status.PENDING, now, now, False, *params])
        option_ids = [pk for (pk,) in cursor.fetchall()]
    if option_ids:
        transaction.on_commit(lambda: enqueue_many(option_ids))


def enqueue_many(option_ids: list[int]) -> None:
    from payments.tasks import push_aca_many

    outbox.enqueue(push_aca_many, option_ids, log,
                   "Could not enqueue the ACA pushes of options %s")


def enqueue(option_id: int, run_after: dt.datetime | None = None) -> None:
    from payments.tasks import push_aca

    outbox.enqueue(push_aca, option_id, log, "Could not enqueue the ACA push of option %s",
                   run_after=run_after)


def debt_position(option: PaymentOption) -> DebtPosition:
    """paCreatePosition body for the option now; amount 0 closes it in ACA."""
    position = option.position
    debtor = position.debtor
    due = option.due_date or dt.date(2099, 12, 31)
    expiration = timezone.make_aware(dt.datetime.combine(due, dt.time(23, 59, 59)))
    iban = option.transfers.order_by("index").values_list("iban", flat=True).first()
    return DebtPosition(
        pa_fiscal_code=option.organization.fiscal_code,
        entity_type=debtor.entity_type or "F",
        entity_fiscal_code=debtor.fiscal_code,
        entity_full_name=debtor.full_name,
        iuv=option.iuv,
        nav=option.notice_number,
        amount_cents=option.amount_cents if option.is_payable else 0,
        description=option.payment_description,
        expiration_date=expiration,
        iban=iban if iban and len(iban) == 27 else None,
        switch_to_expired=position.switch_to_expired,
    )


def push(option_id: int, now: dt.datetime | None = None) -> dt.datetime | None:
    """One delivery attempt if due. Returns when to retry (None: done or not due)."""
    now = now or timezone.now()
    pending = AcaPush.objects.filter(option_id=option_id, status=AcaPush.Status.PENDING)
    if not outbox.claim(pending, now, LEASE):
        return None
    record = AcaPush.objects.select_related(
        "option__position__debtor", "option__organization").get(option_id=option_id)
    body = debt_position(record.option)
    if record.aca_iuv and record.aca_iuv != body.iuv:
        # A new IUV (renumbered): for ACA a new position, whatever the old one became.
        record.pushed_at, record.invalidated_at = None, None
    invalidate = body.amount_cents == 0
    if invalidate and (record.pushed_at is None or record.invalidated_at is not None):
        # ACA never heard of it (it refuses amount 0 for a new position), or already
        # holds it invalid, which is final: nothing to send.
        _finish(record, AcaPush.Status.DONE, invalidated_at=record.invalidated_at,
                pushed_at=record.pushed_at)
        return None
    try:
        create_or_update_position(base_url(), settings.PAGOPA_ACA_KEY, body)
    except AcaError as exc:
        if exc.status == 409 and invalidate:
            # Already closed in ACA (paid in Stand-In, or invalid): nothing payable there.
            _finish(record, AcaPush.Status.DONE, pushed_at=record.pushed_at or now,
                    invalidated_at=now, aca_iuv=body.iuv, last_status_code=409,
                    last_error=_error(exc))
            return None
        return _failed(record, exc, now)
    _finish(record, AcaPush.Status.DONE, pushed_at=now, pushed_amount_cents=body.amount_cents,
            aca_iuv=body.iuv, invalidated_at=now if invalidate else None,
            last_status_code=200, last_error="")
    return None


def _finish(record: AcaPush, status: str, **facts) -> None:
    """Record what ACA now holds (always), and the status unless a newer change re-armed
    the row meanwhile (then the pending push will send the newer truth)."""
    facts.setdefault("last_error", "")
    AcaPush.objects.filter(pk=record.pk).update(needs_attention=False, **facts)
    AcaPush.objects.filter(pk=record.pk, pending_since=record.pending_since).update(
        status=status)


def _error(exc: AcaError) -> str:
    return f"{type(exc).__name__}: {exc}"[:2000]


def _failed(record: AcaPush, exc: AcaError, now: dt.datetime) -> dt.datetime | None:
    error = _error(exc)
    if isinstance(exc, AcaPermanentError) or now - record.pending_since > GIVE_UP_AFTER:
        status = AcaPush.Status.REFUSED if exc.status == 409 else AcaPush.Status.FAILED
        AcaPush.objects.filter(pk=record.pk).update(
            status=status, last_error=error, last_status_code=exc.status,
            needs_attention=True)
        # The alert: the option stays payable at the Ente but is missing from Stand-In.
        log.error("ACA push of option %s %s: %s", record.option_id,
                  "refused" if status == AcaPush.Status.REFUSED else "given up", error,
                  extra={"event": "aca_push_" + status, "option_id": record.option_id})
        return None
    retry_at = now + outbox.backoff(record.attempts, FIRST_DELAY, MAX_DELAY)
    AcaPush.objects.filter(pk=record.pk).update(next_attempt_at=retry_at, last_error=error,
                                                last_status_code=exc.status)
    log.warning("ACA push of option %s failed (attempt %s), retry at %s: %s",
                record.option_id, record.attempts, retry_at, error)
    return retry_at


def renumber(push: AcaPush) -> PaymentOption:
    """Staff's way out of a refusal: ACA will never accept the old IUV again, so the
    option gets a new IUV and codice avviso (through the positions' domain), which the
    push that follows registers in ACA as a new position."""
    option = renumber_option(push.option)
    log.warning("Option %s renumbered for ACA: IUV %s (was %s)", option.pk, option.iuv,
                push.aca_iuv)
    return option


def push_due(now: dt.datetime | None = None, limit: int = 500) -> int:
    """Try every pending mirror whose time has come (the sweeper). Returns how many."""
    now = now or timezone.now()
    due = outbox.due(AcaPush.objects.filter(status=AcaPush.Status.PENDING), now, "option_id",
                     limit)
    for option_id in due:
        push(option_id, now)
    return len(due)
