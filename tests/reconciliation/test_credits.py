"""Importing a statement and matching its credits to flows: each state and its issue."""

from __future__ import annotations

import datetime as dt

import pytest

from audit.models import AuditEntry
from reconciliation.credits import ImportRefused, import_statement, reconcile_treasury
from reconciliation.models import Flow, ReconciliationIssue
from reconciliation.treasury import StatementError
from reconciliation.treasury_models import TreasuryCredit, TreasuryStatement
from tests.reconciliation.camt import Entry, statement
from tests.reconciliation.conftest import riversamento

Kind = ReconciliationIssue.Kind
pytestmark = pytest.mark.django_db


def open_issues(organization):
    return sorted(ReconciliationIssue.objects.filter(
        organization=organization, state="open").values_list("kind", flat=True))


def test_credit_matching_its_flow_agrees_and_is_audited(organization, make_flow):
    flow = make_flow("F-1", 12340)
    stored = import_statement(organization, "estratto.xml",
                              statement([riversamento("F-1", "123.40")]), None)
    credit = stored.credits.get()
    assert (credit.state, credit.flow, credit.fdr) == ("abbinato", flow, "F-1")
    assert stored.credits_count == 1 and stored.credits_amount_cents == 12340
    assert open_issues(organization) == []
    entry = AuditEntry.objects.get(action="treasury.imported")
    assert entry.data["credits"] == 1 and entry.organization == organization


def test_credit_of_another_amount_is_queued(organization, make_flow):
    flow = make_flow("F-1", 12340)
    import_statement(organization, "e.xml", statement([riversamento("F-1", "100.00")]), None)
    credit = TreasuryCredit.objects.get()
    assert credit.state == "importo_diverso" and credit.flow == flow
    issue = ReconciliationIssue.objects.get()
    assert issue.kind == Kind.CREDIT_AMOUNT and issue.credit == credit and issue.flow == flow
    assert issue.detail == {"fdr": "F-1", "revision": 1, "credit_cents": 10000,
                            "flow_cents": 12340}


def test_credit_without_flow_is_queued_and_closed_when_the_flow_arrives(organization,
                                                                        make_flow):
    import_statement(organization, "e.xml", statement([riversamento("F-9", "50.00")]), None)
    assert open_issues(organization) == [Kind.CREDIT_NO_FLOW]
    make_flow("F-9", 5000)
    reconcile_treasury(organization)
    issue = ReconciliationIssue.objects.get()
    assert issue.state == "resolved" and issue.resolved_by is None
    assert "ora corrisponde" in issue.notes and issue.notes.startswith("[")
    assert TreasuryCredit.objects.get().state == "abbinato"


def test_a_new_revision_of_the_flow_is_matched_again(organization, make_flow):
    old = make_flow("F-1", 12340)
    import_statement(organization, "e.xml", statement([riversamento("F-1", "100.00")]), None)
    new = make_flow("F-1", 10000, revision=2)
    Flow.objects.filter(pk=old.pk).update(status=Flow.Status.SUPERSEDED, superseded_by=new)
    reconcile_treasury(organization)
    credit = TreasuryCredit.objects.get()
    assert (credit.state, credit.flow) == ("abbinato", new)
    assert open_issues(organization) == []


def test_flow_without_credit_is_queued_after_the_days_allowed(organization, make_flow,
                                                              settings):
    settings.RECONCILIATION_CREDIT_DAYS = 3
    flow = make_flow("F-1", 12340, regulation_date=dt.date(2026, 11, 27))
    assert reconcile_treasury(organization, today=dt.date(2026, 11, 29)).flows_without_credit == 0
    assert reconcile_treasury(organization, today=dt.date(2026, 11, 30)).flows_without_credit == 1
    assert reconcile_treasury(organization, today=dt.date(2026, 12, 1)).flows_without_credit == 0
    issue = ReconciliationIssue.objects.get()
    assert (issue.kind, issue.flow) == (Kind.FLOW_NO_CREDIT, flow)
    import_statement(organization, "e.xml", statement([riversamento("F-1", "123.40")]), None)
    issue.refresh_from_db()
    assert issue.state == "resolved"


def test_other_credits_are_kept_but_not_queued(organization):
    import_statement(organization, "e.xml", statement([Entry("10.00", "AFFITTO", "X")]), None)
    assert TreasuryCredit.objects.get().state == "non_pagopa"
    assert open_issues(organization) == []


def test_the_same_file_twice_imports_nothing(organization, make_flow):
    data = statement([riversamento("F-1", "123.40")])
    import_statement(organization, "e.xml", data, None)
    with pytest.raises(ImportRefused, match="già stato caricato"):
        import_statement(organization, "copia.xml", data, None)
    assert TreasuryStatement.objects.count() == 1 and TreasuryCredit.objects.count() == 1


def test_an_entry_already_imported_from_an_overlapping_statement_counts_once(organization):
    import_statement(organization, "lun.xml", statement([riversamento("F-1", "1.00", "A")]),
                     None)
    second = import_statement(organization, "mar.xml", statement(
        [riversamento("F-1", "1.00", "A"), riversamento("F-2", "2.00", "B")],
        message_id="MSG-2"), None)
    assert second.credits_count == 1 and second.duplicates == 1
    assert TreasuryCredit.objects.count() == 2


def test_a_malformed_file_leaves_nothing_behind(organization):
    with pytest.raises(StatementError):
        import_statement(organization, "e.xml", statement([Entry("1,00", reference="Z")]), None)
    assert not TreasuryStatement.objects.exists() and not AuditEntry.objects.exists()


def test_another_account_is_refused(organization):
    with pytest.raises(ImportRefused, match="non è un conto di accredito"):
        import_statement(organization, "e.xml",
                         statement([Entry("1.00")], iban="IT02L1234512345123456789012"), None)


def test_flows_of_another_ente_are_never_matched(organization, other_organization, make_flow):
    make_flow("F-1", 12340, organization=other_organization)
    import_statement(organization, "e.xml", statement([riversamento("F-1", "123.40")]), None)
    assert TreasuryCredit.objects.get().state == "senza_flusso"

