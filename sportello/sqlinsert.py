"""Hand-written INSERTs for the rows a paid receipt writes (issue 17).

Two forms: :class:`Insert` writes rows given as values (the job, the email and its files,
the audit entry; no signals), :func:`insert_instance` is ``instance.save()`` of a new
instance (the receipt: signals and ``auto_now_add`` as ``save()`` has them).

``Model.objects.create`` costs ~0.3–0.5 ms of CPU a row to build and compile the same
INSERT every time; a paid receipt writes five such rows (two jobs, the email, its
attachment, the audit entry) inside its transaction.
:class:`Insert` writes the SQL once per model, fields and database vendor from the
model's ``_meta`` (quoted names, ``%s`` placeholders, ``RETURNING`` the primary key:
SQLite >= 3.35 and PostgreSQL) and passes every value through its field's
``get_db_prep_save``, so JSON, UUIDs and datetimes are stored exactly as the ORM
stores them. The text is the same on every call, so psycopg prepares it on PostgreSQL
like the ORM's repeated statements (``DATABASE_PREPARE_THRESHOLD``).

What it skips is the caller's to keep: ``pre_save``/``post_save`` signals and
``auto_now_add`` (the caller gives the time). The models written here have no signal
receiver of ours (``grep -rn "post_save\\|pre_save"``); django-tasks' ``pre_save`` on
its job row (``run_after`` None means "now") is reproduced in ``sportello.outbox``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import connections, router
from django.db.models import Model
from django.db.models.signals import post_save, pre_save


class Insert:
    """``INSERT INTO <model's table> (<fields' columns>) VALUES …`` for one model and a
    fixed list of fields (foreign keys by ``attname``, ``organization_id``), built once
    per database vendor."""

    def __init__(self, model: type[Model], field_names: Sequence[str], *,
                 returning_pk: bool = True) -> None:
        self.model = model
        self.field_names = tuple(field_names)
        self.returning_pk = returning_pk
        self._fields: tuple | None = None  # resolved on first use: apps must be ready
        self._sql: dict[tuple[str, int], str] = {}

    @property
    def fields(self) -> tuple:
        if self._fields is None:
            self._fields = tuple(self.model._meta.get_field(name)
                                 for name in self.field_names)
        return self._fields

    def sql(self, connection, rows: int = 1) -> str:
        """The statement for ``rows`` rows on ``connection``'s database (cached)."""
        key = (connection.vendor, rows)
        if key not in self._sql:
            quote = connection.ops.quote_name
            columns = ", ".join(quote(field.column) for field in self.fields)
            values = ", ".join(["(" + ", ".join(["%s"] * len(self.fields)) + ")"] * rows)
            returning = (f" RETURNING {quote(self.model._meta.pk.column)}"
                         if self.returning_pk else "")
            self._sql[key] = (f"INSERT INTO {quote(self.model._meta.db_table)} "  # noqa: S608
                              f"({columns}) VALUES {values}{returning}")
        return self._sql[key]

    def params(self, rows: Sequence[Mapping[str, Any]], connection) -> list:
        """The rows' values, each through its field as ``Model.save()`` prepares it."""
        pairs = tuple(zip(self.field_names, self.fields, strict=True))
        return [field.get_db_prep_save(row[name], connection)
                for row in rows for name, field in pairs]

    def execute(self, *rows: Mapping[str, Any], using: str = "default") -> list:
        """Insert ``rows`` (field name or ``attname`` as given to the constructor →
        Python value, every field given; a foreign key by its id) in one
        statement; the new primary keys in order when ``returning_pk``."""
        connection = connections[using]
        with connection.cursor() as cursor:
            cursor.execute(self.sql(connection, len(rows)), self.params(rows, connection))
            if not self.returning_pk:
                return []
            # RETURNING gives the rows in VALUES order on PostgreSQL and SQLite alike for
            # a plain multi-row VALUES (Django's bulk_create relies on the same).
            return [pk for (pk,) in cursor.fetchall()]

    def instance(self, pk: Any, row: Mapping[str, Any], using: str = "default") -> Model:
        """The saved row as the ORM's ``create`` would have returned it."""
        values = {name: row[name] for name in self.field_names}
        values[self.model._meta.pk.attname] = pk
        obj = self.model(**values)
        obj._state.adding = False
        obj._state.db = using
        return obj


#: :func:`insert_instance`'s statements by model and database vendor.
_INSTANCE_SQL: dict[tuple[type[Model], str], tuple[str, list, bool]] = {}


def insert_instance(instance: Model) -> None:
    """``instance.save()`` of a new row, in one INSERT built once per model (the ORM
    compiled a receipt's 40 columns on every receipt). Each value as the ORM stores it
    (the field's ``pre_save``, so ``auto_now_add``, then ``get_db_prep_save``), with
    ``pre_save``/``post_save`` sent as ``save()`` sends them; an IntegrityError
    propagates as from ``save()``. For a model without a ``save()`` of its own."""
    model = type(instance)
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    sql, fields, returning = _instance_statement(model, connection)
    pre_save.send(sender=model, instance=instance, raw=False, using=using,
                  update_fields=None)
    values = [field.get_db_prep_save(field.pre_save(instance, True), connection)
              for field in fields]
    meta = model._meta
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        if returning:
            (pk,) = cursor.fetchone()
        else:
            pk = connection.ops.last_insert_id(cursor, meta.db_table, meta.pk.column)
    instance.pk = pk
    instance._state.adding, instance._state.db = False, using
    post_save.send(sender=model, instance=instance, created=True, update_fields=None,
                   raw=False, using=using)


def _instance_statement(model: type[Model], connection) -> tuple[str, list, bool]:
    """Every concrete column but the generated id, ``RETURNING`` it where supported."""
    key = (model, connection.vendor)
    if key not in _INSTANCE_SQL:
        meta = model._meta
        quote = connection.ops.quote_name
        fields = [field for field in meta.local_concrete_fields if field is not meta.auto_field]
        returning = connection.features.can_return_columns_from_insert
        sql = (f"INSERT INTO {quote(meta.db_table)}"  # noqa: S608 - names from _meta
               f" ({', '.join(quote(field.column) for field in fields)})"
               f" VALUES ({', '.join(['%s'] * len(fields))})")
        if returning:
            sql += f" RETURNING {quote(meta.pk.column)}"
        _INSTANCE_SQL[key] = (sql, fields, returning)
    return _INSTANCE_SQL[key]
