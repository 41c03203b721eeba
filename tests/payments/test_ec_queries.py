"""paVerifyPaymentNotice and paGetPayment(V2) are on the Node's hot path (issue 17): a
verify is one SQL statement (Ente, option, position, debtor, service, transfers and
"another plan paid" together), an activation adds one INSERT and reads nothing back."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from organizations.models import Organization
from pagopa.messages import FaultCode, GetPaymentRequest, RequestHeader, VerifyRequest
from payments import ec
from payments.models import Activation, PaymentAttempt


def _header(organization) -> RequestHeader:
    return RequestHeader(organization.fiscal_code, organization.broker_id,
                         organization.station_id)


def test_verify_is_one_statement_and_reads_the_ente_fresh(make_position, organization):
    option = make_position().options.get()
    request = VerifyRequest(_header(organization), organization.fiscal_code,
                            option.notice_number)
    with CaptureQueriesContext(connection) as queries:
        info = ec.verify(request)
    assert info.amount_cents == option.amount_cents
    assert info.fiscal_code_pa == organization.fiscal_code
    assert len(queries.captured_queries) == 1, [q["sql"] for q in queries.captured_queries]
    # Nothing of the Ente is kept between calls: staff's change applies to the next one.
    Organization.objects.filter(pk=organization.pk).update(station_id="NUOVA_STAZIONE")
    with pytest.raises(ec.EcFault) as fault:
        ec.verify(request)
    assert fault.value.code is FaultCode.STAZIONE_INT_ERRATA


def test_activation_is_one_insert_linked_to_the_cart(make_position, organization,
                                                     other_organization):
    option = make_position().options.get()
    cart = PaymentAttempt.objects.create(organization=organization,
                                         amount_cents=option.amount_cents)
    before = timezone.now()
    with CaptureQueriesContext(connection) as queries:
        info = ec.get_payment(GetPaymentRequest(
            _header(organization), organization.fiscal_code, option.notice_number,
            payment_note=cart.public_id.hex))
    sql = [q["sql"] for q in queries.captured_queries]
    assert len(sql) == 2 and sql[1].startswith("INSERT"), sql
    activation = Activation.objects.get()
    assert activation.attempt == cart and activation.option == option
    assert activation.organization == organization
    assert activation.payment_note == cart.public_id.hex and activation.version == 2
    assert activation.amount_cents == info.amount_cents
    assert activation.option_amount_cents == option.amount_cents
    assert before <= activation.created_at <= timezone.now() + dt.timedelta(seconds=1)
    # Only an attempt of this Ente, named exactly by its idCart, is linked.
    elsewhere = PaymentAttempt.objects.create(organization=other_organization,
                                              amount_cents=100)
    for note in (elsewhere.public_id.hex, "f" * 32, "not an idCart"):
        ec.get_payment(GetPaymentRequest(_header(organization), organization.fiscal_code,
                                         option.notice_number, payment_note=note))
    assert list(Activation.objects.exclude(pk=activation.pk).order_by("pk")
                .values_list("payment_note", "attempt")) == [
        (elsewhere.public_id.hex, None), ("f" * 32, None), ("not an idCart", None)]


@pytest.mark.django_db(transaction=True)
def test_postgresql_prepares_the_lookup_once_per_connection(make_position, organization):
    """Its seven tables cost PostgreSQL more to plan than to run: psycopg prepares it."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements: PostgreSQL only")
    option = make_position().options.get()
    request = VerifyRequest(_header(organization), organization.fiscal_code,
                            option.notice_number)
    for _ in range(3):
        with CaptureQueriesContext(connection) as queries:
            assert ec.verify(request).amount_cents == option.amount_cents
        assert len(queries.captured_queries) == 1
    lookup, _parts = ec._lookup_statement(connection.alias)
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    head = lookup.split(" FROM ")[0][:200]
    assert any(sql.startswith(head) for sql in prepared), prepared


@pytest.mark.django_db(transaction=True)
def test_postgresql_commits_an_activation_without_waiting_for_the_wal_flush(
        make_position, organization):
    """An activation is evidence, not money: its own transaction commits asynchronously,
    and that setting stays in it (the next transaction is synchronous again)."""
    if connection.vendor != "postgresql":
        pytest.skip("synchronous_commit: PostgreSQL only")
    option = make_position().options.get()
    with CaptureQueriesContext(connection) as queries:
        ec.get_payment(GetPaymentRequest(_header(organization), organization.fiscal_code,
                                         option.notice_number))
    sql = [q["sql"] for q in queries.captured_queries]
    # The setting is made by the INSERT itself, so it holds for that statement's own
    # implicit transaction (SET LOCAL semantics) and for nothing else.
    (insert,) = [s for s in sql if "INSERT" in s]
    assert "set_config('synchronous_commit', 'off', true)" in insert, sql
    assert Activation.objects.filter(option=option).count() == 1
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        assert cursor.fetchone()[0] == "on"
