"""What staff do with an item of the work queue, for the pages: the core's actions
(``reconciliation.actions``: resolve, note, mark paid after review) plus *ignore*, which
closes an item that needs nothing (a test payment, a known bank correction) with the
reason — kept apart from *resolved* so the accounting office can tell the two apart.
Each action locks the issue row and is audited in its transaction.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import log_action
from reconciliation import actions
from reconciliation.actions import ActionRefused, add_note, mark_recovered, resolve
from reconciliation.models import ReconciliationIssue

State = ReconciliationIssue.State

__all__ = ["ActionRefused", "add_note", "can_recover", "ignore", "mark_recovered", "resolve"]


def ignore(issue: ReconciliationIssue, actor, reason: str, *, request=None
           ) -> ReconciliationIssue:
    """Close an open item that needs no action, with the reason (required)."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Scrivi il motivo per cui l'anomalia si può ignorare."))
    with transaction.atomic():
        issue = actions._locked_issue(issue)
        issue.state = State.IGNORED
        issue.resolved_at, issue.resolved_by = timezone.now(), actor
        issue.notes = f"{issue.notes}\n{_('Ignorata:')} {reason}".strip()
        issue.save(update_fields=["state", "resolved_at", "resolved_by", "notes", "updated_at"])
        log_action("reconciliation.ignored", obj=issue, request=request, actor=actor,
                   organization=issue.organization, data={"kind": issue.kind, "note": reason})
    return issue


def can_recover(issue: ReconciliationIssue) -> bool:
    """The page offers *mark paid* only where the core's action may succeed."""
    return (issue.state == State.OPEN and issue.kind == ReconciliationIssue.Kind.NO_RECEIPT
            and issue.payment_id is not None and issue.payment.option_id is not None)
