"""paVerifyPaymentNotice is on the Node's hot path: the Ente is read once per call."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from pagopa.messages import RequestHeader, VerifyRequest
from payments import ec


def test_verify_reads_the_ente_once(make_position, organization):
    option = make_position().options.get()
    header = RequestHeader(organization.fiscal_code, organization.broker_id,
                           organization.station_id)
    with CaptureQueriesContext(connection) as queries:
        info = ec.verify(VerifyRequest(header, organization.fiscal_code, option.notice_number))
    assert info.amount_cents == option.amount_cents
    reads = [q["sql"] for q in queries.captured_queries
             if 'FROM "organizations_organization"' in q["sql"]]
    assert len(reads) == 1, reads
