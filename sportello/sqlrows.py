"""Hand-written SQL for the rows of the hot paths: SELECT, INSERT and UPDATE built once.

Why: on the EC's hot paths (verify, activation, a paid receipt, issue 17) the ORM's
per-call query compilation cost more CPU than PostgreSQL spent running the statements
(``Model.objects.create`` ~0.3–0.5 ms of CPU a row to build and compile the same INSERT
every time; a receipt's 40 columns compiled on every receipt; four statements compiled
for each verify). Each helper here builds its statement once from the model's ``_meta``
(quoted names, ``%s`` placeholders) and caches it, so the text is the same on every call
and psycopg prepares it on PostgreSQL like the ORM's repeated statements
(``DATABASE_PREPARE_THRESHOLD``).

The rule: each helper behaves as the ORM call it replaces, values converted and stored
exactly as the ORM converts and stores them, and tests check it against the ORM:

- :class:`Columns`: a SELECT's column list for one model under an alias, and the row's
  slice back into an instance as ``Model.from_db`` gives it (``payments.ec``'s lookup
  and Ente, ``payments.receipts``' lock; ``tests/core/test_sqlrows.py``).
- :class:`Insert`: ``objects.create``/``bulk_create`` of rows given as values (the job,
  the email and its files, the audit entry). No signals, no ``auto_now_add``: what it
  skips is the caller's to keep. The models written through it have no signal receiver
  of ours (``grep -rn "post_save\\|pre_save"``); django-tasks' ``pre_save`` on its job
  row (``run_after`` None means "now") is reproduced in ``sportello.outbox``.
- :func:`insert_instance`: ``instance.save()`` of a new instance (the receipt), signals
  and ``auto_now_add`` as ``save()`` has them.
- :func:`update_columns`: ``instance.save(update_fields=...)`` (the option's and the
  position's status), signals and ``auto_now`` as ``save()`` has them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.db import DatabaseError, connections, router
from django.db.models import Model
from django.db.models.base import ModelState
from django.db.models.fields.files import FileDescriptor
from django.db.models.fields.related_descriptors import ForeignKeyDeferredAttribute
from django.db.models.query_utils import DeferredAttribute
from django.db.models.signals import post_init, post_save, pre_init, pre_save


class Columns:
    """The columns of one model that a hand-written SELECT reads under ``alias`` (all its
    concrete fields, or the attnames in ``only``), and how to turn a slice of the row
    (from ``start``, set by the caller that joins several) back into an instance, with
    the converters the ORM would apply, so dates, booleans and datetimes come out the
    same on SQLite and PostgreSQL. The converters are bound to ``connection``: build one
    per thread and database."""

    def __init__(self, model: type[Model], alias: str, connection,
                 only: tuple[str, ...] | None = None) -> None:
        fields = [f for f in model._meta.concrete_fields if only is None or f.attname in only]
        quote = connection.ops.quote_name
        self.model, self.alias, self.start = model, alias, 0
        self.attnames = [f.attname for f in fields]
        self.sql = [f"{alias}.{quote(f.column)}" for f in fields]
        self.converters = []
        for index, field in enumerate(fields):
            column = field.get_col(alias)
            converters = (connection.ops.get_db_converters(column)
                          + column.get_db_converters(connection))
            if converters:
                self.converters.append((index, column, converters))
        # Model.__init__ was ~40% of the EC lookup's CPU (six instances a call, each value
        # set through its descriptor, two signals sent). For a model that adds nothing
        # to it (no __init__ or from_db of its own, only descriptors that store the value
        # as it is into __dict__ on a fresh instance), the instance is built directly.
        self.direct = (
            model.__init__ is Model.__init__
            and model.from_db.__func__ is Model.from_db.__func__
            and all(type(_class_attribute(model, attname)) in _PLAIN_DESCRIPTORS
                    or isinstance(_class_attribute(model, attname), FileDescriptor)
                    for attname in self.attnames))

    def build(self, row: tuple, connection) -> Model:
        values = list(row[self.start:self.start + len(self.attnames)])
        for index, column, converters in self.converters:
            for converter in converters:
                values[index] = converter(values[index], column, connection)
        model = self.model
        if not self.direct or pre_init.has_listeners(model) or post_init.has_listeners(model):
            return model.from_db(connection.alias, self.attnames, values)
        # What from_db gives: the selected attributes set, the others deferred (absent
        # from __dict__), and the state of an instance loaded from this database.
        instance = model.__new__(model)
        instance._state = ModelState()
        instance._state.adding, instance._state.db = False, connection.alias
        instance.__dict__.update(zip(self.attnames, values, strict=True))
        return instance


def _class_attribute(model: type[Model], name: str) -> object:
    """What ``model`` (or the first class of its MRO that has it) holds under ``name``,
    without running a descriptor's ``__get__``."""
    return next((klass.__dict__[name] for klass in model.__mro__ if name in klass.__dict__),
                None)


#: Descriptors whose ``__set__`` on a new instance only stores the value in ``__dict__``
#: (a plain column has none; a foreign key's id also drops a cached object, absent here).
#: FileDescriptor and its subclasses (ImageField's) do the same when nothing was there.
_PLAIN_DESCRIPTORS = (type(None), DeferredAttribute, ForeignKeyDeferredAttribute)


class Insert:
    """``INSERT INTO <model's table> (<fields' columns>) VALUES …`` for one model and a
    fixed list of fields (foreign keys by ``attname``, ``organization_id``), built once
    per database vendor and number of rows (``RETURNING`` the primary key: SQLite >= 3.35
    and PostgreSQL). Every value passes through its field's ``get_db_prep_save``, so
    JSON, UUIDs and datetimes are stored exactly as the ORM stores them."""

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


#: ``update_columns``'s statements, built once per model, columns and database vendor.
_UPDATES: dict[tuple[type[Model], tuple[str, ...], str], str] = {}


def update_columns(instance: Model, names: tuple[str, ...]) -> None:
    """``instance.save(update_fields=names)`` without compiling a query on every call (the
    ORM spent more CPU building a receipt's UPDATEs than PostgreSQL running them).

    The same effects: pre_save and post_save sent as save() sends them, each value
    through its field's ``pre_save`` (``auto_now``) and ``get_db_prep_save``, and the
    same DatabaseError when no row was updated."""
    model = type(instance)
    meta = model._meta
    using = router.db_for_write(model, instance=instance)
    connection = connections[using]
    fields = [meta.get_field(name) for name in names]
    key = (model, tuple(names), connection.vendor)
    sql = _UPDATES.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = _UPDATES[key] = (f"UPDATE {quote(meta.db_table)} SET {assignments}"  # noqa: S608
                               f" WHERE {quote(meta.pk.column)} = %s")
    update_fields = frozenset(names)
    pre_save.send(sender=model, instance=instance, raw=False, using=using,
                  update_fields=update_fields)
    values = [field.get_db_prep_save(field.pre_save(instance, False), connection)
              for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, meta.pk.get_db_prep_value(instance.pk, connection)])
        if cursor.rowcount < 1:
            raise DatabaseError("Save with update_fields did not affect any rows.")
    instance._state.adding, instance._state.db = False, using
    post_save.send(sender=model, instance=instance, created=False,
                   update_fields=update_fields, raw=False, using=using)
