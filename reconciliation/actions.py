"""What staff do with an item of the work queue (the pages call these; each is audited
in the transaction of the change it records)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.log import log_action
from positions.models import PaymentOption, PaymentPosition
from reconciliation.models import MatchState, ReconciliationIssue

log = logging.getLogger(__name__)


class ActionRefused(Exception):
    """The action cannot be done now; the message is Italian, for the page."""


def _locked_issue(issue: ReconciliationIssue) -> ReconciliationIssue:
    locked = ReconciliationIssue.objects.select_for_update().get(pk=issue.pk)
    if locked.state != ReconciliationIssue.State.OPEN:
        raise ActionRefused(_("L'anomalia è già stata risolta."))
    return locked


def _close(issue: ReconciliationIssue, actor, note: str) -> None:
    issue.state = ReconciliationIssue.State.RESOLVED
    issue.resolved_at = timezone.now()
    issue.resolved_by = actor
    if note:
        issue.notes = f"{issue.notes}\n{note}".strip()
    issue.save(update_fields=["state", "resolved_at", "resolved_by", "notes", "updated_at"])


def resolve(issue: ReconciliationIssue, actor, note: str, *, request=None,
            ) -> ReconciliationIssue:
    """Staff settled the item outside Sportello (a refund asked of the PSP, a flow
    corrected…): it leaves the queue with their note. A note is required."""
    note = (note or "").strip()
    if not note:
        raise ActionRefused(_("Scrivi una nota: che cosa è stato fatto per questa "
                              "anomalia."))
    with transaction.atomic():
        issue = _locked_issue(issue)
        _close(issue, actor, note)
        log_action("reconciliation.resolved", obj=issue, request=request, actor=actor,
                   organization=issue.organization,
                   data={"kind": issue.kind, "note": note})
    return issue


def add_note(issue: ReconciliationIssue, actor, note: str, *, request=None,
             ) -> ReconciliationIssue:
    """A note on an open item (who was called, what was asked), kept with it."""
    note = (note or "").strip()
    if not note:
        raise ActionRefused(_("La nota è vuota."))
    with transaction.atomic():
        issue = ReconciliationIssue.objects.select_for_update().get(pk=issue.pk)
        issue.notes = f"{issue.notes}\n{note}".strip()
        issue.save(update_fields=["notes", "updated_at"])
        log_action("reconciliation.note_added", obj=issue, request=request, actor=actor,
                   organization=issue.organization, data={"kind": issue.kind, "note": note})
    return issue


def mark_recovered(issue: ReconciliationIssue, actor, note: str = "", *, request=None,
                   ) -> PaymentOption:
    """A payment the flow reports and no receipt ever confirmed: after staff checked it
    (with the PSP, the treasury credit), the option is marked paid through the domain,
    under the position's lock, and the item closes. Refused when the option can no
    longer be paid (paid, cancelled, the other plan paid)."""
    if issue.kind != ReconciliationIssue.Kind.NO_RECEIPT:
        raise ActionRefused(_("Solo un pagamento in flusso senza ricevuta può essere "
                              "registrato come pagato."))
    with transaction.atomic():
        issue = _locked_issue(issue)
        payment = issue.payment
        if payment is None or payment.option_id is None:
            raise ActionRefused(_("Il pagamento non corrisponde ad alcun avviso dell'Ente."))
        # Position first, then option: the order every writer of options uses.
        position = PaymentPosition.objects.select_for_update().get(
            pk=PaymentOption.objects.filter(pk=payment.option_id)
            .values_list("position_id", flat=True).get())
        option = PaymentOption.objects.select_for_update(of=("self",)).get(
            pk=payment.option_id)
        option.position = position
        if option.status == PaymentOption.Status.PAID:
            raise ActionRefused(_("L'avviso risulta già pagato."))
        if option.status not in (PaymentOption.Status.UNPAID, PaymentOption.Status.EXPIRED):
            raise ActionRefused(_("L'avviso non è più pagabile (%(status)s): va gestito a "
                                  "parte.") % {"status": option.get_status_display()})
        option.mark_paid(payment.pay_date or timezone.now())
        _close(issue, actor, (note or "").strip())
        log_action("reconciliation.recovered", obj=issue, request=request, actor=actor,
                   organization=issue.organization, position_id=position.pk,
                   data={"notice_number": option.notice_number, "iuv": payment.iuv,
                         "iur": payment.iur, "amount_cents": payment.amount_cents,
                         "flow": payment.flow.fdr, "note": (note or "").strip()})
    log.warning("Option %s marked paid from flow %s after review by %s (no receipt)",
                option.notice_number, payment.flow.fdr, getattr(actor, "pk", None))
    return option


__all__ = ["ActionRefused", "MatchState", "add_note", "mark_recovered", "resolve"]
