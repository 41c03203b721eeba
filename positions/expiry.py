"""Options that stop being payable at their due date (``switch_to_expired``) expire.

pagoPA's Node asks us about a notice (paVerify/paGetPayment) and we refuse past-due ones
of such positions already; this makes it a fact of the option, so that ACA is told
(amount 0, through the option's post_save), the back office and the payer see
*Scaduta*, and ``positions.events.options_expired`` (once per position, after all its
options due have expired) tells the Ente's systems.

One small transaction per position, with the position's row locked (the lock the
receipt handler takes first), so a receipt arriving meanwhile either waits or has
already paid the option; options with a payment in progress (a live token) are skipped
and expire on a later run once it is over.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from positions import events
from positions.editing import payment_in_progress
from positions.models import PaymentOption, PaymentPosition

log = logging.getLogger(__name__)


@dataclass
class ExpiryRun:
    expired: int = 0
    skipped_in_progress: int = 0
    positions: int = 0


def due_positions(today: dt.date, limit: int | None = None) -> list[int]:
    """Ids of the positions with an option to expire (unpaid, due before ``today``)."""
    rows = (PaymentOption.objects.filter(status=PaymentOption.Status.UNPAID,
                                         due_date__lt=today,
                                         position__switch_to_expired=True)
            .order_by("position_id").values_list("position_id", flat=True).distinct())
    return list(rows[:limit] if limit else rows)


def expire_position(position_id: int, today: dt.date) -> tuple[int, int]:
    """Expire what is due in one position; (expired, skipped because being paid)."""
    with transaction.atomic():
        position = (PaymentPosition.objects.select_for_update()
                    .filter(pk=position_id, switch_to_expired=True).first())
        if position is None:
            return 0, 0
        options = list(PaymentOption.objects.select_for_update(of=("self",))
                       .filter(position=position, status=PaymentOption.Status.UNPAID,
                               due_date__lt=today).order_by("plan", "pk"))
        busy = payment_in_progress(options) if options else set()
        expired = []
        for option in options:
            if option.pk in busy:
                continue
            option.position = position  # the locked row: refresh_status sees every option
            option.expire()
            expired.append(option)
        if expired:
            # Once for the lot, so a receiver can tell "the position can no longer be
            # paid" from "one installment ran out" without counting signals.
            payable = (PaymentOption.objects.filter(position=position,
                                                    status=PaymentOption.Status.UNPAID)
                       .exists())
            events.options_expired.send(PaymentPosition, position=position,
                                        options=expired, payable=payable)
        return len(expired), len(busy)


def expire_due(today: dt.date | None = None, limit: int | None = None) -> ExpiryRun:
    """Every option due to expire on ``today`` (the Ente's date), position by position."""
    today = today or timezone.localdate()
    run = ExpiryRun()
    for position_id in due_positions(today, limit):
        expired, skipped = expire_position(position_id, today)
        run.expired += expired
        run.skipped_in_progress += skipped
        run.positions += 1 if expired else 0
    if run.expired or run.skipped_in_progress:
        log.info("Expired %s options of %s positions (%s skipped: payment in progress)",
                 run.expired, run.positions, run.skipped_in_progress)
    return run
