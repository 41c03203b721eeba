"""The sandbox's treasurer writes the statement (camt.053.001.02, valid against the
official XSD in the sandbox's own tests); the portal imports it and matches its credits."""

from __future__ import annotations

import pytest
from django.utils import timezone

from reconciliation.credits import import_statement
from reconciliation.models import ReconciliationIssue
from reconciliation.treasury import parse_camt053
from sandbox import fdr_publish, treasury
from tests.sandbox.conftest import EC, sandbox_payment  # noqa: F401 - the fixture

pytestmark = pytest.mark.django_db


def test_the_sandbox_statement_is_imported_and_matched(request, organization, make_flow):
    assert organization.fiscal_code == EC
    pay = request.getfixturevalue("sandbox_payment")
    at = timezone.localtime().replace(hour=10, minute=0)  # 10:00 of the Ente's day
    for n in range(3):
        pay(f"0200000000000000{n}", paid_at=at)
    today = timezone.localdate()
    report = fdr_publish.publish_day(today, EC, frozenset({"orphan_credit"}))
    flow = report.flows[0]
    data = treasury.statement(today, EC)
    parsed = parse_camt053(data)
    assert [c.flow_id for c in parsed.credits] == [flow.fdr, f"{today:%Y-%m-%d}SNDBXIT1-9999"]
    ours = make_flow(flow.fdr, flow.sum_payments_cents, regulation_date=today)
    stored = import_statement(organization, treasury.filename(today, EC), data, None)
    credits = {c.fdr: c for c in stored.credits.all()}
    assert (credits[flow.fdr].state, credits[flow.fdr].flow) == ("abbinato", ours)
    assert credits[flow.fdr].amount_cents == 6600 and credits[flow.fdr].reference
    issue = ReconciliationIssue.objects.get(organization=organization, state="open")
    assert issue.kind == ReconciliationIssue.Kind.CREDIT_NO_FLOW
    assert issue.credit.amount_cents == fdr_publish.ORPHAN_CENTS
