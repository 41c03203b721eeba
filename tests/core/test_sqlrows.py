"""``sportello.sqlrows``: each hand-written helper behaves as the ORM call it replaces.

``Columns`` is checked here directly against what the ORM loads (``Model.from_db``
through a queryset): same class, same ``__dict__`` (values and their types, deferred
fields absent), same state. ``update_columns`` against ``save(update_fields=...)``.
``Insert`` is checked by the rows its callers write (``tests/core/test_job_insert.py``,
``tests/mail/test_hand_written_rows.py``, ``tests/audit/test_hand_written_row.py``) and
``insert_instance`` by the receipt's row (``tests/payments/test_receipt_core.py``).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.signals import post_init, post_save

from catalog.models import Service
from organizations.models import Organization
from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer
from sportello.sqlrows import Columns, update_columns

pytestmark = pytest.mark.django_db

MODELS = (Organization, PaymentOption, PaymentPosition, Debtor, Service, Transfer)


@pytest.fixture
def rows(make_position, organization):
    """One saved row of each model, with a file, nulls, dates, datetimes and booleans."""
    organization.logo = "logos/comune.png"
    organization.save()
    option = make_position().options.get()
    position = option.position
    return {Organization: organization.pk, PaymentOption: option.pk,
            PaymentPosition: position.pk, Debtor: position.debtor_id,
            Service: position.service_id, Transfer: option.transfers.order_by("index")[0].pk}


def _select(parts: tuple[Columns, ...], model, pk):
    """The row of ``model`` ``pk`` read by hand: every part's columns, each part under
    its own alias on the same table, sliced as a joined SELECT slices them."""
    quote = connection.ops.quote_name
    start = 0
    for part in parts:
        part.start, start = start, start + len(part.attnames)
    table = quote(model._meta.db_table)
    first, *others = parts
    joins = "".join(f" JOIN {table} {part.alias} ON {part.alias}.{quote(model._meta.pk.column)}"
                    f" = {first.alias}.{quote(model._meta.pk.column)}" for part in others)
    sql = (f"SELECT {', '.join(c for part in parts for c in part.sql)}"  # noqa: S608
           f" FROM {table} {first.alias}{joins}"
           f" WHERE {first.alias}.{quote(model._meta.pk.column)} = %s")
    with connection.cursor() as cursor:
        cursor.execute(sql, [pk])
        return cursor.fetchone()


def _loaded(instance) -> dict:
    """What an instance holds: every loaded attribute with its type, and its state."""
    values = {name: (value, type(value)) for name, value in vars(instance).items()
              if name != "_state"}
    state = instance._state
    return {"class": type(instance), "values": values, "adding": state.adding,
            "db": state.db, "cached": dict(state.fields_cache),
            "deferred": instance.get_deferred_fields()}


def _subset(model) -> tuple[str, ...]:
    """Some of the model's columns, the primary key among them, as the EC's lookup reads."""
    attnames = [field.attname for field in model._meta.concrete_fields]
    return tuple(attnames[::2]) if attnames[0] == model._meta.pk.attname else (
        model._meta.pk.attname, *attnames[::2])


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
@pytest.mark.parametrize("only", [False, True], ids=["every column", "some columns"])
def test_columns_builds_the_instance_the_orm_loads(rows, model, only):
    subset = _subset(model) if only else None
    columns = Columns(model, "x", connection, subset)
    # The shortcut past Model.__init__ is what is checked here, not the fallback.
    assert columns.direct
    expected = (model.objects.only(*subset) if only else model.objects).get(pk=rows[model])
    built = columns.build(_select((columns,), model, rows[model]), connection)
    assert _loaded(built) == _loaded(expected)
    if only:
        assert built.get_deferred_fields()  # something is left to load on access


@pytest.mark.parametrize("model", MODELS, ids=lambda model: model.__name__)
def test_columns_reads_its_own_slice_of_a_joined_row(rows, model):
    first, second = Columns(model, "a", connection, _subset(model)), Columns(model, "b",
                                                                             connection)
    row = _select((first, second), model, rows[model])
    assert second.start == len(first.attnames) > 0
    assert _loaded(second.build(row, connection)) == _loaded(model.objects.get(
        pk=rows[model]))
    assert _loaded(first.build(row, connection)) == _loaded(model.objects.only(
        *_subset(model)).get(pk=rows[model]))


def test_with_an_init_receiver_columns_builds_through_the_orm(rows):
    """pre_init/post_init receivers (a library's, a later change's) see every instance,
    and the instance is still the ORM's."""
    columns = Columns(PaymentOption, "o", connection)
    row = _select((columns,), PaymentOption, rows[PaymentOption])
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=PaymentOption)
    try:
        built = columns.build(row, connection)
        expected = PaymentOption.objects.get(pk=rows[PaymentOption])
    finally:
        post_init.disconnect(receiver, sender=PaymentOption)
    assert seen == [built, expected] and seen[0] is built
    assert _loaded(built) == _loaded(expected)


def test_an_instance_built_by_columns_loads_and_saves_as_the_orms(rows):
    columns = Columns(Organization, "e", connection, ("id", "name"))
    organization = columns.build(_select((columns,), Organization, rows[Organization]),
                                 connection)
    assert organization.logo.name == "logos/comune.png"  # deferred: loaded on access
    organization.name = "Comune cambiato"
    organization.save(update_fields=["name"])
    assert Organization.objects.get(pk=rows[Organization]).name == "Comune cambiato"


def test_update_columns_is_save_with_update_fields(make_position):
    position = make_position()
    before = position.updated_at
    saved = []

    def on_save(sender, instance, created, update_fields, **kwargs):
        saved.append((instance.pk, created, update_fields))

    post_save.connect(on_save, sender=PaymentPosition)
    try:
        position.status = PaymentPosition.Status.EXPIRED
        update_columns(position, ("status", "updated_at"))
    finally:
        post_save.disconnect(on_save, sender=PaymentPosition)
    assert saved == [(position.pk, False, frozenset({"status", "updated_at"}))]
    stored = PaymentPosition.objects.get(pk=position.pk)
    assert stored.status == "expired"
    assert stored.updated_at == position.updated_at > before  # auto_now, as save() does
