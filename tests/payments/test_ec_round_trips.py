"""paGetPaymentV2 on PostgreSQL outside a transaction (as the endpoint runs it): the
activation is one INSERT in autocommit that commits without waiting for the WAL flush,
instead of BEGIN, SET LOCAL, INSERT, COMMIT (issue 17: four round trips were a third of
the call's time at one client). psycopg prepares the statements a connection repeats."""

from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from pagopa.messages import GetPaymentRequest, RequestHeader
from payments import ec
from payments.models import Activation, PaymentAttempt

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements and synchronous_commit: PostgreSQL only")


def _request(organization, option, note: str | None = None) -> GetPaymentRequest:
    header = RequestHeader(organization.fiscal_code, organization.broker_id,
                           organization.station_id)
    return GetPaymentRequest(header, organization.fiscal_code, option.notice_number,
                             payment_note=note)


def test_an_activation_is_one_round_trip_after_the_lookup(make_position, organization):
    option = make_position().options.get()
    ec.get_payment(_request(organization, option))
    with (CaptureQueriesContext(connection) as queries,
          mock.patch.object(connection, "commit", wraps=connection.commit) as commit,
          mock.patch.object(connection, "set_autocommit",
                            wraps=connection.set_autocommit) as set_autocommit):
        ec.get_payment(_request(organization, option))
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 2 and sql[0].startswith("SELECT"), sql
    assert sql[1].startswith("INSERT") and "set_config('synchronous_commit'" in sql[1], sql
    # No transaction of Django's around it (no BEGIN, no COMMIT): autocommit all along.
    assert not commit.called and not set_autocommit.called
    assert connection.get_autocommit()
    assert Activation.objects.filter(option=option).count() == 2


def test_the_activation_stores_what_the_orm_would(make_position, organization,
                                                           other_organization):
    option = make_position().options.get()
    cart = PaymentAttempt.objects.create(organization=organization,
                                         amount_cents=option.amount_cents)
    elsewhere = PaymentAttempt.objects.create(organization=other_organization,
                                              amount_cents=100)
    notes = (cart.public_id.hex, elsewhere.public_id.hex, "not an idCart", None)
    infos = [ec.get_payment(_request(organization, option, note)) for note in notes]
    rows = list(Activation.objects.filter(option=option).order_by("pk"))
    assert [(a.payment_note, a.attempt_id) for a in rows] == [
        (cart.public_id.hex, cart.pk), (elsewhere.public_id.hex, None),
        ("not an idCart", None), ("", None)]
    for activation, info in zip(rows, infos, strict=True):
        assert activation.organization_id == organization.pk and activation.version == 2
        assert activation.amount_cents == info.amount_cents
        assert activation.option_amount_cents == option.amount_cents
        assert activation.created_at.tzinfo is not None


def test_the_activation_commits_before_the_wal_is_flushed(make_position, organization):
    """Right after a synchronous commit the WAL is flushed up to where it is written
    (nothing else writing); after an asynchronous one the flush lags until the WAL
    writer's next round (``wal_writer_delay``, 200 ms by default). Other sessions of the
    server may flush it meanwhile, hence a few tries."""
    option = make_position().options.get()
    ec.get_payment(_request(organization, option))
    lagging = []
    with connection.cursor() as cursor:
        for _ in range(10):
            ec.get_payment(_request(organization, option))
            cursor.execute("SELECT pg_current_wal_flush_lsn() < pg_current_wal_insert_lsn()")
            lagging.append(cursor.fetchone()[0])
            cursor.execute("SHOW synchronous_commit")
            assert cursor.fetchone()[0] == "on"  # only that transaction was asynchronous
    assert any(lagging), lagging


def test_a_receipt_s_ente_is_one_statement_prepared_by_psycopg(organization):
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert ec.ente(organization.fiscal_code).pk == organization.pk
        assert len(queries.captured_queries) == 1
    sql, _columns = ec._ente_statement(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert any(statement.startswith(sql.split(" WHERE ")[0]) for statement in prepared), prepared
