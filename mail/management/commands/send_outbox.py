"""Send the queued emails that are due, once or in a loop (``serve`` runs the loop).

Also the safety net for cron: whatever was queued but never delivered (SMTP down, a
worker restart) leaves on the next pass."""

from mail.outbox import send_due
from sportello.outbox import SweeperCommand


class Command(SweeperCommand):
    help = "Deliver queued emails that are due (retrying failed ones with back-off)."

    def sweep(self) -> int:
        return send_due()

    def report(self, count: int, verbosity: int) -> str | None:
        return f"{count} email(s) sent" if count or verbosity > 1 else None
