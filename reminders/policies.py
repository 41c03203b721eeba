"""Staff switch a service's email reminders on or off and choose the days (audited)."""

from __future__ import annotations

from django.db import transaction

from audit.log import log_action
from catalog.models import Service
from reminders.models import ReminderPolicy

FIELDS = ("enabled", "days_before", "day_after")


def policy_of(service: Service) -> ReminderPolicy:
    """The service's policy, or the default one (unsaved: off, 7 days, the day after)."""
    try:
        return service.reminder_policy
    except ReminderPolicy.DoesNotExist:
        return ReminderPolicy(service=service)


def save_policy(service: Service, *, enabled: bool, days_before: int, day_after: bool,
                actor=None, request=None) -> ReminderPolicy:
    with transaction.atomic():
        policy, _created = ReminderPolicy.objects.select_for_update().get_or_create(
            service=service)
        before = {name: getattr(policy, name) for name in FIELDS}
        policy.enabled, policy.days_before, policy.day_after = enabled, days_before, day_after
        policy.save()
        after = {name: getattr(policy, name) for name in FIELDS}
        if before != after:
            log_action("reminder_policy.updated", obj=service, actor=actor, request=request,
                       organization=service.organization,
                       data={"before": before, "after": after})
    return policy
