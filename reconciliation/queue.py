"""What staff do with an item of the work queue, each action audited in its transaction.

Resolve (with a note saying how), ignore (with the reason), add a note, and, for a
payment in a flow without our receipt, recover it: the core's ``mark_recovered`` marks
the option paid through the domain after the person's review. Every action locks the
issue row, so two people acting at once cannot both close it.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import log_action
from reconciliation.credits import _append
from reconciliation.models import ReconciliationIssue

State = ReconciliationIssue.State


class ActionRefused(ValueError):
    """The action cannot be done on this issue now; the message says why, in Italian."""


def _who(user) -> str:
    return getattr(user, "email", "") or str(user)


def _locked(issue: ReconciliationIssue) -> ReconciliationIssue:
    return ReconciliationIssue.objects.select_for_update().get(pk=issue.pk)


def _required(text: str, message: str) -> str:
    text = (text or "").strip()
    if not text:
        raise ActionRefused(message)
    return text


def _audit(action: str, issue: ReconciliationIssue, user, request, **data) -> None:
    log_action(action, obj=issue, request=request, actor=user,
               organization=issue.organization,
               data={"kind": issue.kind, "key": issue.key, **data})


def close(issue: ReconciliationIssue, user, note: str, *, ignore: bool = False,
          request=None) -> ReconciliationIssue:
    """Resolve (what was done) or ignore (why it needs nothing) an open issue."""
    note = _required(note, _("Scrivi il motivo per cui l'anomalia si può ignorare.") if ignore
                     else _("Scrivi una nota: come è stata risolta l'anomalia."))
    with transaction.atomic():
        issue = _locked(issue)
        if issue.state != State.OPEN:
            raise ActionRefused(_("L'anomalia è già chiusa."))
        now = timezone.now()
        issue.state = State.IGNORED if ignore else State.RESOLVED
        issue.resolved_at, issue.resolved_by = now, user
        prefix = _("Ignorata: ") if ignore else _("Risolta: ")
        issue.notes = _append(issue.notes, _who(user), prefix + note, now)
        issue.save(update_fields=["state", "resolved_at", "resolved_by", "notes", "updated_at"])
        _audit("reconciliation.issue_ignored" if ignore else "reconciliation.issue_resolved",
               issue, user, request, note=note)
    return issue


def add_note(issue: ReconciliationIssue, user, note: str, *, request=None
             ) -> ReconciliationIssue:
    note = _required(note, _("Scrivi il testo della nota."))
    with transaction.atomic():
        issue = _locked(issue)
        now = timezone.now()
        issue.notes = _append(issue.notes, _who(user), note, now)
        issue.save(update_fields=["notes", "updated_at"])
        _audit("reconciliation.issue_noted", issue, user, request, note=note)
    return issue


def can_recover(issue: ReconciliationIssue) -> bool:
    return (issue.state == State.OPEN
            and issue.kind == ReconciliationIssue.Kind.NO_RECEIPT
            and issue.payment_id is not None and _mark_recovered() is not None)


def _mark_recovered():
    """The core's action (reconciliation.matching.mark_recovered), when it is installed."""
    try:
        from reconciliation import matching
    except ImportError:  # pragma: no cover - the core's matching not merged yet
        return None
    return getattr(matching, "mark_recovered", None)


def recover(issue: ReconciliationIssue, user, note: str, *, request=None):
    """After review, the payment in the flow is taken as proof: the option is marked paid
    by the core (under the position's lock, audited there); the issue records who and why."""
    note = _required(note, _("Scrivi una nota: che cosa hai verificato prima di segnare "
                             "pagato l'avviso."))
    mark_recovered = _mark_recovered()
    if not can_recover(issue) or mark_recovered is None:
        raise ActionRefused(_("Per questa anomalia non si può segnare pagato l'avviso."))
    try:
        mark_recovered(issue, user)
    except ValueError as refusal:
        raise ActionRefused(str(refusal)) from None
    issue.refresh_from_db()
    with transaction.atomic():
        issue = _locked(issue)
        now = timezone.now()
        issue.notes = _append(issue.notes, _who(user), _("Avviso segnato pagato: ") + note, now)
        if issue.state == State.OPEN:
            issue.state, issue.resolved_at, issue.resolved_by = State.RESOLVED, now, user
        issue.save(update_fields=["state", "resolved_at", "resolved_by", "notes", "updated_at"])
        _audit("reconciliation.issue_recovered", issue, user, request, note=note)
    return issue
