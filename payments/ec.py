"""The Ente's answers to the pagoPA Node: paVerifyPaymentNotice and paGetPayment(V2).

Both are reads of the position as it is now (RULES §5, §8): the amount is the current
one, the position stays open, and repeated calls give the same data. The only write is
an :class:`~payments.models.Activation` row after a positive paGetPayment, which
records that a payment started; it touches no state of the option.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import threading
from dataclasses import dataclass

from django.db import (
    DEFAULT_DB_ALIAS,
    connections,
)
from django.utils import timezone

from catalog.models import Service
from organizations.models import Organization
from pagopa.messages import (
    DebtorInfo,
    FaultCode,
    GetPaymentRequest,
    PaymentInfo,
    PaymentNoticeInfo,
    RequestHeader,
    TransferInfo,
    VerifyRequest,
)
from payments.models import Activation, PaymentAttempt
from positions.amounts import NOTIFICATION_FEE, Due, amount_due
from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer
from sportello.sqlrows import Columns

#: paGetPayment's ``dueDate`` is mandatory; an option "senza scadenza" answers this.
NO_DUE_DATE = dt.date(2099, 12, 31)
_EMAIL = re.compile(r"^[a-zA-Z0-9_.+\-]+@[a-zA-Z0-9\-]+(\.[a-zA-Z0-9\-]+)*$")


class EcFault(Exception):
    """A KO the Ente answers on purpose (a business outcome, not a failure)."""

    def __init__(self, code: FaultCode, description: str | None = None) -> None:
        super().__init__(description or code.fault_string)
        self.code = code
        self.description = description


def check_station(organization: Organization, header: RequestHeader) -> None:
    if header.id_broker_pa != organization.broker_id:
        raise EcFault(FaultCode.ID_INTERMEDIARIO_ERRATO)
    if header.id_station != organization.station_id:
        raise EcFault(FaultCode.STAZIONE_INT_ERRATA)


#: The fault description when another plan of the same debt has a paid option.
OTHER_PLAN_PAID = "Another payment option of this debt (single payment or installments) is paid"


def other_plan_paid(option: PaymentOption) -> bool:
    """An option of another plan of the same position is paid: this one is not payable
    (``mark_paid`` supersedes it; this also covers data written before plans existed)."""
    return (PaymentOption.objects.filter(position_id=option.position_id,
                                         status=PaymentOption.Status.PAID)
            .exclude(plan=option.plan).exists())


@dataclass
class Notice:
    """What one call needs about a notice, read by :func:`lookup` in one statement."""

    organization: Organization
    option: PaymentOption | None  # None: no such notice at this Ente
    other_plan_paid: bool
    transfers: list[Transfer]


#: The columns each call reads; the others stay deferred (loaded on access, never on our
#: path). Every column of the option, debtor and transfer: they travel to the Node.
_ORGANIZATION = ("id", "slug", "fiscal_code", "name", "sector", "broker_id", "station_id",
                 "iban", "postal_iban", "segregation_code")
_POSITION = ("id", "organization_id", "debtor_id", "service_id", "causale", "status",
             "validity_date", "switch_to_expired", "notification_fee_cents")
_SERVICE = ("id", "organization_id", "name", "late_rule", "late_penalty_cents")


_per_thread = threading.local()


def _lookup_statement(alias: str) -> tuple[str, tuple[Columns, ...]]:
    """The one SELECT of a verify or activation, built once per thread and database (the
    ORM compiled four statements on every call, costing more than running them). Per
    thread because the converters are bound to the thread's own connection."""
    built = _per_thread.__dict__.setdefault("lookup", {})
    if alias not in built:
        built[alias] = _build_lookup(connections[alias])
    return built[alias]


def _build_lookup(connection) -> tuple[str, tuple[Columns, ...]]:
    quote = connection.ops.quote_name
    parts = (
        Columns(Organization, "e", connection, _ORGANIZATION),
        Columns(PaymentOption, "o", connection),
        Columns(PaymentPosition, "p", connection, _POSITION),
        Columns(Debtor, "d", connection),
        Columns(Service, "s", connection, _SERVICE),
        Columns(Transfer, "t", connection),
    )
    start = 0
    for part in parts:
        part.start, start = start, start + len(part.attnames)
    table = {model: quote(model._meta.db_table)
             for model in (Organization, PaymentOption, PaymentPosition, Debtor, Service,
                           Transfer)}
    option = PaymentOption._meta
    column = {name: quote(option.get_field(name).column)
              for name in ("organization", "notice_number", "position", "plan", "status")}
    position, transfer = PaymentPosition._meta, Transfer._meta
    # Another plan of the same position with a paid option (see other_plan_paid).
    other_paid = (
        f"EXISTS (SELECT 1 FROM {table[PaymentOption]} x"  # noqa: S608 - names from _meta
        f" WHERE x.{column['position']} = o.{column['position']}"
        f" AND x.{column['status']} = %s AND x.{column['plan']} <> o.{column['plan']})")
    sql = (
        f"SELECT {', '.join(c for part in parts for c in part.sql)}, {other_paid}"  # noqa: S608
        f" FROM {table[Organization]} e"
        f" LEFT JOIN {table[PaymentOption]} o ON o.{column['organization']} = e.id"
        f" AND o.{column['notice_number']} = %s"
        f" LEFT JOIN {table[PaymentPosition]} p ON p.id = o.{column['position']}"
        f" LEFT JOIN {table[Debtor]} d"
        f" ON d.id = p.{quote(position.get_field('debtor').column)}"
        f" LEFT JOIN {table[Service]} s"
        f" ON s.id = p.{quote(position.get_field('service').column)}"
        f" LEFT JOIN {table[Transfer]} t"
        f" ON t.{quote(transfer.get_field('option').column)} = o.id"
        f" WHERE e.{quote(Organization._meta.get_field('fiscal_code').column)} = %s"
        f" ORDER BY t.{quote(transfer.get_field('index').column)}")
    return sql, parts


def lookup(id_pa: str, notice_number: str, using: str = DEFAULT_DB_ALIAS) -> Notice | None:
    """The Ente ``id_pa`` and its option behind ``notice_number`` (with position, debtor,
    service, transfers and whether another plan is paid), in one statement; None when no
    Ente has that fiscal code. The Ente is read fresh on every call, so a change of its
    broker or station ids by staff applies to the very next call."""
    sql, parts = _lookup_statement(using)
    connection = connections[using]
    params = (PaymentOption.Status.PAID, notice_number, id_pa)
    # PostgreSQL plans these seven tables in ~0.5 ms and runs them in ~0.1 ms: on
    # PostgreSQL psycopg prepares the statement once per connection and reuses its plan
    # (DATABASE_PREPARE_THRESHOLD, sportello/settings).
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    if not rows:
        return None
    ente, option_part, position_part, debtor, service, transfer_part = parts
    first = rows[0]
    organization = ente.build(first, connection)
    if first[option_part.start] is None:  # the option's id: no such notice
        return Notice(organization, None, False, [])
    option = option_part.build(first, connection)
    position = position_part.build(first, connection)
    position.debtor = debtor.build(first, connection)
    position.service = service.build(first, connection)
    option.position = position
    option.organization = organization
    transfers = []
    for row in rows:
        if row[transfer_part.start] is not None:
            transfer = transfer_part.build(row, connection)
            transfer.option = option
            transfers.append(transfer)
    return Notice(organization, option, bool(first[-1]), transfers)


def _ente_statement(alias: str) -> tuple[str, Columns]:
    """The SELECT of an Ente by fiscal code with every column, built once per thread and
    database (as :func:`_lookup_statement`)."""
    built = _per_thread.__dict__.setdefault("ente", {})
    if alias not in built:
        connection = connections[alias]
        quote = connection.ops.quote_name
        columns = Columns(Organization, "e", connection)
        meta = Organization._meta
        built[alias] = (
            f"SELECT {', '.join(columns.sql)} FROM {quote(meta.db_table)} e"  # noqa: S608
            f" WHERE e.{quote(meta.get_field('fiscal_code').column)} = %s", columns)
    return built[alias]


def ente(fiscal_code: str, using: str = DEFAULT_DB_ALIAS) -> Organization | None:
    """The Ente with this fiscal code (unique), every field loaded as the ORM loads it, or
    None: what paSendRTV2 needs before storing a receipt, read fresh on every call in one
    prepared statement (the ORM spent ~1 ms of CPU compiling and building it)."""
    sql, columns = _ente_statement(using)
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(sql, (fiscal_code,))
        row = cursor.fetchone()
    return columns.build(row, connection) if row is not None else None


def identify_notice(header: RequestHeader, fiscal_code: str | None,
                    notice_number: str) -> Notice:
    """The Ente the Node is calling, checked against its broker and station ids (in this
    order), with the notice's data read in the same statement."""
    if fiscal_code is not None and fiscal_code != header.id_pa:
        raise EcFault(FaultCode.ID_DOMINIO_ERRATO, "qrCode.fiscalCode differs from idPA")
    notice = lookup(header.id_pa, notice_number)
    if notice is None:
        raise EcFault(FaultCode.ID_DOMINIO_ERRATO)
    check_station(notice.organization, header)
    return notice


def check_payable(option: PaymentOption | None, another_plan_paid: bool,
                  today: dt.date | None = None) -> PaymentOption:
    """``option`` if it can be paid now, else the matching KO (``another_plan_paid``:
    :func:`other_plan_paid`, read by the caller)."""
    if option is None:
        raise EcFault(FaultCode.PAGAMENTO_SCONOSCIUTO)
    today = today or timezone.localdate()
    position = option.position
    status = PaymentOption.Status
    if option.status == status.PAID:
        raise EcFault(FaultCode.PAGAMENTO_DUPLICATO)
    if option.status == status.SUPERSEDED or another_plan_paid:
        # Plans are alternatives (SANP): another plan of the debt is being paid, so this
        # one is "concluso" for the Node, as GPD answers for a partially paid position.
        raise EcFault(FaultCode.PAGAMENTO_DUPLICATO, OTHER_PLAN_PAID)
    if option.status == status.CANCELLED:
        raise EcFault(FaultCode.PAGAMENTO_ANNULLATO)
    if option.status == status.EXPIRED or (
            position.switch_to_expired and option.due_date and option.due_date < today):
        raise EcFault(FaultCode.PAGAMENTO_SCADUTO)
    if position.validity_date and position.validity_date > today:
        # Not yet published: to the Node it does not exist (as GPD's DRAFT/PUBLISHED).
        raise EcFault(FaultCode.PAGAMENTO_SCONOSCIUTO)
    return option


#: paGetPayment's ``transferType`` (RULES §7): POSTAL asks the postal IBAN on the transfers,
#: PAGOPA asks the postal IBAN as metadata IBANAPPOGGIO next to the bank IBAN.
POSTAL, PAGOPA = "POSTAL", "PAGOPA"
IBAN_APPOGGIO = "IBANAPPOGGIO"


def all_ccp(transfers) -> bool:
    """``allCCP``: every transfer can be credited to a postal account (RULES §5.1)."""
    transfers = list(transfers)
    return bool(transfers) and all(t.postal_iban for t in transfers)


def transfer_account(transfer, transfer_type: str | None) -> tuple[str, tuple]:
    """The IBAN a transfer answers and its account metadata, for ``transfer_type``.

    POSTAL: the postal IBAN (a payment at Poste, or Checkout with allCCP). PAGOPA: the bank
    IBAN with the postal one as ``IBANAPPOGGIO``, so the PSP may use either. Without a
    transferType the Ente chooses: its bank IBAN (SANP best practice, "Fase di
    attivazione")."""
    if transfer_type == POSTAL and transfer.postal_iban:
        return transfer.postal_iban, ()
    if transfer_type == PAGOPA and transfer.postal_iban:
        return transfer.iban, ((IBAN_APPOGGIO, transfer.postal_iban),)
    return transfer.iban, ()


def notice_info(option: PaymentOption, due: Due | None = None) -> PaymentNoticeInfo:
    organization = option.organization
    due = due or amount_due(option)
    return PaymentNoticeInfo(
        amount_cents=due.total_cents,
        payment_description=option.payment_description,
        fiscal_code_pa=organization.fiscal_code,
        company_name=organization.name[:140],
        all_ccp=all_ccp(transfer for transfer, _ in due.transfers),
        due_date=option.due_date,
        detail_description=option.description or None,
        office_name=organization.sector or None,
    )


def debtor_info(option: PaymentOption) -> DebtorInfo:
    debtor = option.position.debtor
    return DebtorInfo(
        id_type=debtor.entity_type or "F",
        id_value=debtor.fiscal_code,
        full_name=debtor.full_name[:70],
        street_name=debtor.address[:70] or None,
        postal_code=debtor.postal_code[:16] or None,
        city=debtor.city[:35] or None,
        state_province_region=debtor.province or None,
        country=debtor.nation if re.fullmatch(r"[A-Z]{2}", debtor.nation or "") else None,
        email=debtor.email if _EMAIL.match(debtor.email or "") else None,
    )


def payment_info(option: PaymentOption, transfer_type: str | None = None,
                 due: Due | None = None) -> PaymentInfo:
    """The payment data answered at activation: the amount as it is today (late charge
    and SEND fee on the Ente's first transfer, ``positions.amounts``)."""
    organization = option.organization
    due = due or amount_due(option)
    transfers = []
    for t, amount_cents in due.transfers:
        iban, metadata = transfer_account(t, transfer_type)
        transfers.append(TransferInfo(
            id_transfer=t.index,
            amount_cents=amount_cents,
            fiscal_code_pa=t.beneficiary_fiscal_code,
            remittance_information=t.remittance_information,
            transfer_category=t.taxonomy_code,
            iban=iban,
            company_name=t.beneficiary_name[:140] or None,
            metadata=metadata,
        ))
    transfers = tuple(transfers)
    metadata = (((NOTIFICATION_FEE, str(due.notification_fee_cents)),)
                if due.notification_fee_cents else ())
    return PaymentInfo(
        creditor_reference_id=option.iuv,
        amount_cents=due.total_cents,
        due_date=option.due_date or NO_DUE_DATE,
        description=option.payment_description,
        debtor=debtor_info(option),
        transfers=transfers,
        company_name=organization.name[:140],
        office_name=organization.sector or None,
        metadata=metadata,
    )


def payable_notice(request: VerifyRequest | GetPaymentRequest,
                   today: dt.date | None = None) -> tuple[PaymentOption, Due]:
    """The option behind the request's notice if the Node may be told to pay it, with its
    amount today; else the matching KO. One SQL statement."""
    notice = identify_notice(request.header, request.fiscal_code, request.notice_number)
    option = check_payable(notice.option, notice.other_plan_paid, today)
    return option, amount_due(option, today, transfers=notice.transfers)


def verify(request: VerifyRequest) -> PaymentNoticeInfo:
    """paVerifyPaymentNotice: what the notice asks for now. Writes nothing."""
    option, due = payable_notice(request)
    return notice_info(option, due)


def get_payment(request: GetPaymentRequest) -> PaymentInfo:
    """paGetPayment(V2): the payment data; records the activation, changes no state."""
    option, due = payable_notice(request)
    info = payment_info(option, request.transfer_type, due)
    # What was answered, and what the Ente held then: the receipt is judged against the
    # first, and a change of the position meanwhile is told by the second.
    record_activation(option, request.payment_note or "", request.version,
                      info.amount_cents)
    return info


@functools.cache
def _activation_statement(alias: str) -> tuple[str, tuple]:
    """The INSERT of an activation, built once: its attempt is found by the INSERT itself
    (a subquery on the idCart), so an activation is one statement and reads nothing back."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    meta = Activation._meta
    names = ("organization", "option", "attempt", "payment_note", "version", "amount_cents",
             "option_amount_cents", "created_at")
    fields = tuple(meta.get_field(name) for name in names)
    attempt = PaymentAttempt._meta
    values = ["%s"] * len(fields)
    values[names.index("attempt")] = (
        f"(SELECT a.id FROM {quote(attempt.db_table)} a"  # noqa: S608 - names from _meta
        f" WHERE a.{quote(attempt.get_field('organization').column)} = %s"
        f" AND a.{quote(attempt.get_field('public_id').column)} = %s)")
    sql = (f"INSERT INTO {quote(meta.db_table)}"  # noqa: S608 - names from _meta
           f" ({', '.join(quote(f.column) for f in fields)}) VALUES ({', '.join(values)})")
    return sql, fields


def record_activation(option: PaymentOption, note: str, version: int,
                      amount_cents: int, using: str = DEFAULT_DB_ALIAS) -> None:
    """Record a paGetPayment(V2) answered OK: one INSERT (no model save, no SELECT).

    ``attempt`` is the PaymentAttempt whose idCart Checkout copied into ``paymentNote``
    (as :func:`attempt_for_note`), found by a subquery of the INSERT."""
    sql, fields = _activation_statement(using)
    connection = connections[using]
    public_id = note if _ID_CART.fullmatch(note) else None
    if public_id is not None:
        public_id = PaymentAttempt._meta.get_field("public_id").get_db_prep_value(
            public_id, connection)
    params = (option.organization_id, option.pk, option.organization_id, public_id,
              note[:210], version, amount_cents, option.amount_cents,
              fields[-1].get_db_prep_value(timezone.now(), connection))
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # An activation is evidence for judging the receipt, not money: its commit does
        # not wait for the WAL flush (5–9 ms of a 10 ms paGetPaymentV2 on this machine's
        # disk). Consistency is untouched; only a crash of PostgreSQL itself may lose the
        # last fraction of a second of activations, and a receipt without one is judged
        # against the amount due on its day (payments.receipts._amount_flags). Receipts,
        # which are money, keep synchronous commits. The setting is made by the INSERT
        # itself (see _ASYNC_COMMIT), so the activation is one round trip in autocommit.
        with connection.cursor() as cursor:
            cursor.execute(sql + _ASYNC_COMMIT, params)
        return
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


#: Appended to the activation's INSERT when it runs alone in autocommit: the statement is
#: its own implicit transaction, and ``set_config(..., true)`` (SET LOCAL) evaluated in it
#: lasts until that transaction ends, after its commit record is written, so this one
#: commit skips waiting for the WAL flush and the next transaction is synchronous again.
#: One round trip instead of BEGIN, SET LOCAL, INSERT, COMMIT (four).
_ASYNC_COMMIT = " RETURNING set_config('synchronous_commit', 'off', true)"


_ID_CART = re.compile(r"[0-9a-f]{32}")


def attempt_for_note(organization: Organization, note: str | None) -> PaymentAttempt | None:
    """The attempt whose idCart Checkout copied into ``paymentNote``, if any."""
    if not note or not _ID_CART.fullmatch(note):
        return None
    return PaymentAttempt.objects.filter(organization=organization, public_id=note).first()
