from sportello.outbox import SweeperCommand
from webhooks import delivery


class Command(SweeperCommand):
    help = "Send every webhook delivery whose (next) attempt is due (retries included)."
    loop_help = "Repeat every N seconds instead of running once."

    def sweep(self) -> int:
        return delivery.send_due()

    def report(self, count: int, verbosity: int) -> str | None:
        return f"{count} webhook deliveries attempted" if count else None
