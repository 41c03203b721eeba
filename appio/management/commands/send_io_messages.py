from appio.sending import send_due
from sportello.outbox import SweeperCommand


class Command(SweeperCommand):
    help = "Send the App IO messages whose time has come (retries included)."

    def sweep(self) -> int:
        return send_due()

    def report(self, count: int, verbosity: int) -> str | None:
        return f"{count} IO messages attempted" if count or verbosity > 1 else None
