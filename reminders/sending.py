"""Email reminders of a due date: which are due on a day, and sending them once.

A reminder is due for an option still *unpaid* of a service whose ``ReminderPolicy`` is
on: ``before`` from ``days_before`` days ahead of its due date until the day before it,
``after`` from the day after the due date for ``AFTER_WINDOW_DAYS`` days. A window
rather than one exact day: a run missed (worker down, a holiday deploy) is caught up by
the next one, and the ``Reminder`` row (unique on option, kind, due date) makes sure it
goes once whatever the number of runs. A due date moved by staff is a new date: it gets
its own reminders. Paid, cancelled, expired and superseded options are never reminded.

One email per position, kind and recipient (a plan's installments falling due together
are one email), each with the position's pay link and its own unsubscribe link.
Recipients: the Ente's debtor email and the accounts that follow the position with an
activated, open account; addresses that unsubscribed are left out. A position with no
address left is recorded ``unreachable`` (once per option and date: not retried for
ever) and listed for staff by :func:`unreachable_by_email`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q, Subquery
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from mail.outbox import queue_email
from positions.models import PaymentOption, PaymentPosition, PositionClaim
from reminders import optout, paylinks
from reminders.models import Reminder, ReminderOptOut, ReminderPolicy
from reminders.signals import reminder_due

log = logging.getLogger(__name__)

#: Days after the due date during which the "after" reminder may still go (catch-up).
AFTER_WINDOW_DAYS = 7


@dataclass
class Planned:
    """What would go out for one position and kind (the dry run prints these)."""

    position: PaymentPosition
    kind: str
    options: list[PaymentOption]
    recipients: list[str] = field(default_factory=list)

    @property
    def due_date(self) -> date:
        return min(o.due_date for o in self.options)


def due_options(on: date):
    """Unpaid options of services with reminders on, whose reminder window contains
    ``on`` and not yet reminded for that kind and due date, with their kind."""
    policies = ReminderPolicy.objects.filter(enabled=True).select_related("service")
    found: list[tuple[PaymentOption, str]] = []
    base = (PaymentOption.objects.filter(status=PaymentOption.Status.UNPAID,
                                         due_date__isnull=False)
            .exclude(position__status__in=[PaymentPosition.Status.CANCELLED,
                                           PaymentPosition.Status.PAID])
            .select_related("position__service", "position__debtor",
                            "position__organization", "organization"))
    for policy in policies:
        of_service = base.filter(position__service=policy.service)
        if policy.days_before:
            before = of_service.filter(
                due_date__gt=on, due_date__lte=on + timedelta(days=policy.days_before)
            ).exclude(_reminded(Reminder.Kind.BEFORE))
            found += [(o, Reminder.Kind.BEFORE) for o in before]
        if policy.day_after:
            after = of_service.filter(
                due_date__lt=on, due_date__gte=on - timedelta(days=AFTER_WINDOW_DAYS)
            ).exclude(_reminded(Reminder.Kind.AFTER))
            found += [(o, Reminder.Kind.AFTER) for o in after]
    return found


def _reminded(kind: str) -> Exists:
    """This option already has a reminder of ``kind`` for its current due date."""
    return Exists(Reminder.objects.filter(option=OuterRef("pk"), kind=kind,
                                          due_date=OuterRef("due_date")))


def plan(on: date) -> list[Planned]:
    """The reminders due on ``on``, grouped by position and kind, with recipients."""
    groups: dict[tuple[int, str], Planned] = {}
    for option, kind in due_options(on):
        key = (option.position_id, kind)
        if key not in groups:
            groups[key] = Planned(position=option.position, kind=kind, options=[])
        groups[key].options.append(option)
    planned = sorted(groups.values(), key=lambda p: (p.position.organization_id,
                                                     p.position.pk, p.kind))
    for item, addresses in zip(planned, recipients_of([p.position for p in planned]),
                               strict=True):
        item.recipients = addresses
    return planned


def recipients_for(position: PaymentPosition) -> list[str]:
    """Addresses that may get this position's reminders (unsubscribed ones left out)."""
    return recipients_of([position])[0]


def recipients_of(positions: list[PaymentPosition]) -> list[list[str]]:
    """:func:`recipients_for` of many positions in three queries, whatever their number:
    the debtor's email (already loaded), the followers' and the opt-outs."""
    followers: dict[int, list[str]] = {}
    claims = (PositionClaim.objects.filter(
        position__in=[p.pk for p in positions], user__is_active=True,
        user__awaiting_activation=False, user__closed_at__isnull=True)
        .exclude(user__email="").order_by("pk").values_list("position_id", "user__email"))
    for position_id, email in claims:
        followers.setdefault(position_id, []).append(email.lower())
    wanted = []
    for position in positions:
        own = [position.debtor.email.lower()] if position.debtor.email else []
        wanted.append(list(dict.fromkeys(own + followers.get(position.pk, []))))
    refused = set(ReminderOptOut.objects.filter(
        organization_id__in={p.organization_id for p in positions},
        email__in={e for addresses in wanted for e in addresses})
        .values_list("organization_id", "email"))
    return [[e for e in addresses if (position.organization_id, e) not in refused]
            for position, addresses in zip(positions, wanted, strict=True)]


def send(on: date | None = None) -> dict[str, int]:
    """Record and queue every reminder due on ``on`` (today). Safe to run twice at once:
    the unique row decides who sends. Returns counts for the log."""
    on = on or timezone.localdate()
    counts = {"emails": 0, "positions": 0, "unreachable": 0}
    for item in plan(on):
        emails = _send_one(item)
        if emails is None:
            continue
        counts["positions"] += 1
        counts["emails"] += emails
        counts["unreachable"] += 0 if emails else 1
    log.info("Reminders for %s: %s", on.isoformat(), counts)
    return counts


def _send_one(item: Planned) -> int | None:
    """One position's reminder in one transaction: the rows, the signal, the emails.
    None when another run recorded every option first."""
    outcome = Reminder.Outcome.QUEUED if item.recipients else Reminder.Outcome.UNREACHABLE
    with transaction.atomic():
        recorded = []
        for option in item.options:
            try:
                with transaction.atomic():
                    Reminder.objects.create(
                        organization_id=option.organization_id, position=item.position,
                        option=option, kind=item.kind, due_date=option.due_date,
                        outcome=outcome, recipients=len(item.recipients))
            except IntegrityError:
                continue  # another run got there first: it sends this one
            recorded.append(option)
        if not recorded:
            return None
        for option in recorded:
            reminder_due.send(sender=Reminder, position=item.position, option=option,
                              kind=item.kind, due_date=option.due_date)
        if not item.recipients:
            return 0
        link = paylinks.pay_link_url(item.position)
        for address in item.recipients:
            _queue(item, recorded, address, link)
    return len(item.recipients)


def _queue(item: Planned, options: list[PaymentOption], address: str, link: str) -> None:
    organization = item.position.organization
    due = min(o.due_date for o in options)
    context = {
        "organization": organization, "position": item.position, "options": options,
        "kind": item.kind, "due_date": due, "pay_link": link,
        "unsubscribe_link": optout.unsubscribe_url(organization, address),
        "total_cents": sum(o.amount_now_cents for o in options),
    }
    words = {"day": due.strftime("%d/%m/%Y"), "ente": organization.name}
    with translation.override(settings.LANGUAGE_CODE):
        if item.kind == Reminder.Kind.BEFORE:
            subject = _("Promemoria: pagamento in scadenza il %(day)s") % words
            context["intro"] = _("ti ricordiamo che il %(day)s scade un pagamento dovuto a "
                                 "%(ente)s.") % words
        else:
            subject = _("Promemoria: pagamento scaduto il %(day)s") % words
            context["intro"] = _("il pagamento dovuto a %(ente)s con scadenza il %(day)s non "
                                 "ci risulta ancora arrivato.") % words
        text = render_to_string("reminders/email/reminder.txt", context)
        html = render_to_string("reminders/email/reminder.html", context)
    queue_email(address, f"{subject} · {organization.name}", text, html,
                organization=organization)


def unreachable_by_email(organization):
    """Open positions of ``organization`` whose latest reminder found no email address
    (none known, or every one unsubscribed): for staff to reach them another way."""
    latest = (Reminder.objects.filter(position=OuterRef("pk")).order_by("-created_at", "-pk")
              .values("outcome")[:1])
    return (PaymentPosition.objects.for_organization(organization)
            .filter(Q(status=PaymentPosition.Status.VALID)
                    | Q(status=PaymentPosition.Status.PARTIALLY_PAID))
            .annotate(last_reminder=Subquery(latest))
            .filter(last_reminder=Reminder.Outcome.UNREACHABLE))
