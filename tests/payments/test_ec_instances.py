"""The EC endpoint's hand-written reads give the instances the ORM gives (issue 17): the
lookup of verify/activation builds them without Model.__init__ when nothing hooks into
it, and paSendRTV2 reads its Ente in one statement instead of through a queryset."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from organizations.models import Organization
from pagopa import soap
from pagopa.messages import RequestHeader, SendRTRequest
from payments import ec
from positions.models import PaymentOption
from tests.payments.test_receipt_review import info_for

pytestmark = pytest.mark.django_db


def _same_as_the_orm(instance, expected) -> None:
    """Every field the ORM loads has the same value and type; the rest stays deferred
    (loaded on access, as from the ORM's ``only()``); the state is of a loaded row."""
    assert type(instance) is type(expected)
    assert instance._state.adding is False and instance._state.db == "default"
    assert instance.get_deferred_fields() == expected.get_deferred_fields()
    for field in type(instance)._meta.concrete_fields:
        if field.attname in expected.get_deferred_fields():
            continue
        value, wanted = getattr(instance, field.attname), getattr(expected, field.attname)
        assert (value, type(value)) == (wanted, type(wanted)), field.attname


def test_the_lookup_builds_what_the_orm_loads(make_position, organization):
    option = make_position().options.get()
    notice = ec.lookup(organization.fiscal_code, option.notice_number)
    built = notice.option
    _same_as_the_orm(built, PaymentOption.objects.get(pk=option.pk))
    position = type(built.position).objects.only(*ec._POSITION).get(pk=option.position_id)
    _same_as_the_orm(built.position, position)
    _same_as_the_orm(built.position.debtor, position.debtor)
    _same_as_the_orm(built.position.service,
                     type(position.service).objects.only(*ec._SERVICE).get(
                         pk=position.service_id))
    _same_as_the_orm(notice.organization,
                     Organization.objects.only(*ec._ORGANIZATION).get(pk=organization.pk))
    assert [(t.pk, t.amount_cents) for t in notice.transfers] == [
        (t.pk, t.amount_cents) for t in option.transfers.order_by("index")]
    _same_as_the_orm(notice.transfers[0], option.transfers.order_by("index")[0])
    # A deferred field is loaded on access, as on an instance of the ORM's.
    with CaptureQueriesContext(connection) as queries:
        assert notice.organization.email == organization.email
    assert len(queries.captured_queries) == 1
    # Saving works as on a loaded instance: an UPDATE of that row.
    built.description = "changed"
    built.save(update_fields=["description"])
    assert PaymentOption.objects.get(pk=option.pk).description == "changed"


def test_a_model_with_an_init_receiver_is_built_by_the_orm(make_position, organization):
    """post_init receivers (a library's, a later change's) still see every instance."""
    option = make_position().options.get()
    seen = []

    def receiver(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(receiver, sender=PaymentOption)
    try:
        notice = ec.lookup(organization.fiscal_code, option.notice_number)
    finally:
        post_init.disconnect(receiver, sender=PaymentOption)
    assert seen == [notice.option] and seen[0] is notice.option


def test_ente_is_every_field_as_the_orm_loads_it(organization):
    organization.logo = "loghi/comune.png"
    organization.save()
    built = ec.ente(organization.fiscal_code)
    _same_as_the_orm(built, Organization.objects.get(pk=organization.pk))
    assert built.get_deferred_fields() == set()
    assert built.logo.name == "loghi/comune.png"
    assert ec.ente("00000000000") is None


def test_a_receipt_reads_its_ente_in_one_statement_without_the_orm(client, make_position,
                                                                    organization):
    option = make_position().options.get()
    header = RequestHeader(organization.fiscal_code, organization.broker_id,
                           organization.station_id)
    body = soap.build_send_rt_request(SendRTRequest(header, info_for(option)))
    with CaptureQueriesContext(connection) as queries:
        response = client.post("/pagopa/paForNode", data=body,
                               content_type="text/xml; charset=utf-8",
                               HTTP_SOAPACTION="paSendRTV2")
    assert response.status_code == 200 and b"<outcome>OK</outcome>" in response.content
    first = queries.captured_queries[0]["sql"]
    # Not the ORM's queryset, sorted by the model's ordering and limited to one row.
    assert "organizations_organization" in first, first
    assert "ORDER BY" not in first and "LIMIT" not in first, first
    assert PaymentOption.objects.get(pk=option.pk).status == PaymentOption.Status.PAID
