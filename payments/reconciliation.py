"""The safety net: what should have happened and did not, for a daily look by staff."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from payments.models import AcaPush, PaymentAttempt, Receipt


@dataclass(frozen=True)
class Report:
    attempts_without_receipt: list[PaymentAttempt]
    flagged_receipts: list[Receipt]
    failed_aca_pushes: list[AcaPush]

    @property
    def clean(self) -> bool:
        return not (self.attempts_without_receipt or self.flagged_receipts
                    or self.failed_aca_pushes)


def report(older_than: dt.timedelta, now: dt.datetime | None = None) -> Report:
    """Attempts that reached Checkout more than ``older_than`` ago with no receipt for
    any of their options; receipts flagged and not yet reviewed; ACA mirrors refused or
    given up."""
    cutoff = (now or timezone.now()) - older_than
    attempts = (PaymentAttempt.objects
                .filter(created_at__lt=cutoff, receipts__isnull=True,
                        status__in=[PaymentAttempt.Status.REDIRECTED])
                .exclude(returned__in=[PaymentAttempt.Return.CANCEL,
                                       PaymentAttempt.Return.ERROR])
                .select_related("organization").order_by("created_at"))
    return Report(
        attempts_without_receipt=list(attempts),
        flagged_receipts=list(Receipt.objects.needing_attention()
                              .select_related("organization").order_by("received_at")),
        failed_aca_pushes=list(AcaPush.objects.needing_attention()  # refused or given up
                               .select_related("option")),
    )
