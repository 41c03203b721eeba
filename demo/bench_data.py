"""Benchmark data: one Ente with many positions, written in bulk.

Used by ``manage.py generate_bench_data`` and the scripts of ``bench/``. The rows are
what the position service would write for an Ente's import (single payment, one transfer,
an IUV from the Ente's counter), but written without signals or per-row validation:
PostgreSQL's ``COPY`` (ids taken from the sequences first), ``bulk_create`` elsewhere.
No ACA push, no email: the data describe a past, not events.

Two debtors are known to the benchmarks: :data:`SMALL` owns 10 positions and :data:`BIG`
500, each with an account (:data:`PASSWORD`) whose codice fiscale staff verified, so the
payer's pages can be measured for both sizes at any database size.
"""

from __future__ import annotations

import datetime as dt
import io
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.db import connection, models, transaction
from django.utils import timezone
from stdnum import luhn

from accounts.models import FiscalCodeVerification, User
from catalog.models import Service
from organizations.models import Organization
from pagopa.identifiers import make_iuv, notice_number_for_iuv
from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer

FISCAL_CODE = "01234567891"
SLUG = "bench"
IBAN = "IT60X0542811101000000123456"
PASSWORD = "Bench-password-2026"  # noqa: S105 - a benchmark database's known login
BATCH = 10_000
SERVICES = [("tari", "TARI", "9/0101100IM/"), ("mensa", "Mensa scolastica", "9/0106103SP/"),
            ("trasporto", "Trasporto scolastico", "9/0106104SP/"),
            ("cosap", "Occupazione suolo pubblico", "9/0101108TS/")]


@dataclass(frozen=True)
class KnownDebtor:
    index: int
    positions: int
    email: str


SMALL = KnownDebtor(0, 10, "bench10@bench.example")
BIG = KnownDebtor(1, 500, "bench500@bench.example")


def partita_iva(number: int) -> str:
    """A valid 11-digit partita IVA (7 digits of ``number``, office 001, Luhn check)."""
    base = f"{number % 10_000_000:07d}001"
    return base + luhn.calc_check_digit(base)


def reference(number: int) -> str:
    return f"BENCH-{number:08d}"


def organization() -> Organization:
    ente, _ = Organization.objects.get_or_create(
        fiscal_code=FISCAL_CODE,
        defaults=dict(slug=SLUG, name="Comune del Benchmark", segregation_code="07",
                      broker_id=FISCAL_CODE, station_id=f"{FISCAL_CODE}_01", iban=IBAN,
                      email="tributi@bench.example"))
    return ente


def _insert(model: type[models.Model], rows: Sequence[models.Model]) -> None:
    """Insert model instances and set their primary keys (see :func:`_insert_rows`)."""
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(rows, batch_size=2000)
        return
    values = [{f.attname: getattr(row, f.attname) for f in model._meta.concrete_fields
               if not f.primary_key} for row in rows]
    for row, pk in zip(rows, _insert_rows(model, values), strict=True):
        row.pk = pk


def _insert_rows(model: type[models.Model], rows: list[dict]) -> list[int]:
    """Insert ``rows`` (attname → value; the other fields take their defaults) and return
    their ids: PostgreSQL's COPY with ids drawn from the sequence, else bulk_create.

    Every column of the model is written, so a field added later with a default needs
    nothing here; the defaults are prepared once, not per row."""
    if not rows:
        return []
    if connection.vendor != "postgresql":
        objects = model.objects.bulk_create([model(**row) for row in rows], batch_size=2000)
        return [obj.pk for obj in objects]
    fields = list(model._meta.concrete_fields)
    prototype = model()
    base = [f.get_db_prep_save(f.pre_save(prototype, True), connection) for f in fields]
    position = {f.attname: i for i, f in enumerate(fields)}
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) "
                       "FROM generate_series(1, %s)", [table, len(rows)])
        ids = [pk for (pk,) in cursor.fetchall()]
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        pk_index = position[model._meta.pk.attname]
        with cursor.cursor.copy(  # psycopg 3
                f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN") as copy:
            for pk, row in zip(ids, rows, strict=True):
                values = base.copy()
                values[pk_index] = pk
                for name, value in row.items():
                    values[position[name]] = value
                copy.write_row(values)
    return ids


def _debtors(ente: Organization, count: int) -> list[int]:
    """Ids of debtors 0..count-1 of the bench Ente, creating the missing ones."""
    have = dict(Debtor.ente_records.filter(organization=ente).values_list("fiscal_code", "pk"))
    missing = [Debtor(organization=ente, fiscal_code=partita_iva(i + 1), entity_type="G",
                      full_name=f"Impresa Benchmark {i + 1} S.r.l.",
                      address=f"Via del Lavoro {i % 200 + 1}", city="Roma", province="RM",
                      postal_code="00100", email=_debtor_email(i))
               for i in range(count) if partita_iva(i + 1) not in have]
    for start in range(0, len(missing), BATCH):
        with transaction.atomic():
            _insert(Debtor, missing[start:start + BATCH])
    have.update((d.fiscal_code, d.pk) for d in missing)
    return [have[partita_iva(i + 1)] for i in range(count)]


def _debtor_email(index: int) -> str:
    for known in (SMALL, BIG):
        if known.index == index:
            return known.email
    return f"impresa{index + 1}@bench.example"


def _accounts(ente: Organization) -> None:
    """The two known debtors' accounts, their codes verified by the Ente's staff."""
    for known in (SMALL, BIG):
        user = User.objects.filter(email=known.email).first()
        if user is None:
            user = User.objects.create_user(known.email, PASSWORD,
                                            fiscal_code=partita_iva(known.index + 1))
        FiscalCodeVerification.objects.get_or_create(
            user=user, fiscal_code=partita_iva(known.index + 1), organization=ente,
            defaults={"method": FiscalCodeVerification.Method.STAFF})


def _plan(total: int, debtors: int) -> Callable[[int], int]:
    """Which debtor (0-based) owns position number ``n`` (0-based): the known debtors'
    positions first, then the rest spread evenly over the other debtors."""
    known = SMALL.positions + BIG.positions
    others = max(debtors - 2, 1)

    def owner(n: int) -> int:
        if n < SMALL.positions:
            return SMALL.index
        if n < known:
            return BIG.index
        return 2 + (n - known) % others

    return owner


def generate(positions: int, debtors: int, out: io.TextIOBase | None = None) -> int:
    """Bring the bench Ente to ``positions`` positions over ``debtors`` debtors; returns
    how many positions were added (0 when it already has that many)."""
    if debtors < 3:
        raise ValueError("at least 3 debtors (two known ones and the rest)")
    if positions < SMALL.positions + BIG.positions:
        raise ValueError(f"at least {SMALL.positions + BIG.positions} positions")
    started = time.perf_counter()
    ente = organization()
    services = []
    for code, name, taxonomy in SERVICES:
        service, _ = Service.objects.get_or_create(
            organization=ente, code=code, defaults={"name": name, "taxonomy_code": taxonomy})
        services.append(service.pk)
    debtor_ids = _debtors(ente, debtors)
    _accounts(ente)
    existing = PaymentPosition.objects.filter(organization=ente).count()
    owner = _plan(positions, debtors)
    now = timezone.now()
    today = timezone.localdate()
    for start in range(existing, positions, BATCH):
        size = min(BATCH, positions - start)
        with transaction.atomic():
            bases = ente.reserve_iuv_bases(size)  # a block of the Ente's counter
            positions_rows, statuses, causali = [], [], []
            for k in range(size):
                n = start + k
                paid = n % 4 == 1  # a quarter paid, the rest open or (1 in 20) cancelled
                cancelled = n % 20 == 3
                statuses.append("paid" if paid else "cancelled" if cancelled else "valid")
                causali.append(f"{SERVICES[n % len(SERVICES)][1]} {2026 - n % 3} rata unica")
                positions_rows.append({
                    "organization_id": ente.pk, "debtor_id": debtor_ids[owner(n)],
                    "service_id": services[n % len(services)], "causale": causali[-1],
                    "external_reference": reference(n), "status": statuses[-1]})
            position_ids = _insert_rows(PaymentPosition, positions_rows)
            option_rows = []
            for k, position_id in enumerate(position_ids):
                n = start + k
                iuv = make_iuv(ente.segregation_code, bases[k])
                option_rows.append({
                    "position_id": position_id, "organization_id": ente.pk, "iuv": iuv,
                    "notice_number": notice_number_for_iuv(iuv),
                    "amount_cents": 1000 + n % 90_000,
                    "due_date": today + dt.timedelta(days=n % 400 - 100),
                    "status": {"paid": "paid", "cancelled": "cancelled"}.get(
                        statuses[k], "unpaid"),
                    "paid_at": (now - dt.timedelta(days=n % 365, minutes=n % 1440)
                                if statuses[k] == "paid" else None)})
            option_ids = _insert_rows(PaymentOption, option_rows)
            _insert_rows(Transfer, [{
                "option_id": option_id, "index": 1, "beneficiary_fiscal_code": FISCAL_CODE,
                "beneficiary_name": ente.name, "iban": IBAN,
                "amount_cents": option["amount_cents"],
                "remittance_information": causali[k][:140], "taxonomy_code": SERVICES[0][2],
            } for k, (option_id, option) in enumerate(zip(option_ids, option_rows,
                                                          strict=True))])
        if out is not None:
            out.write(f"  {start + size:,} / {positions:,} positions "
                      f"({time.perf_counter() - started:.0f} s)\n")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return max(positions - existing, 0)
