from payments import aca
from sportello.outbox import SweeperCommand


class Command(SweeperCommand):
    help = "Push to ACA every position change still waiting (retries included)."
    loop_help = "Repeat every N seconds instead of running once."

    def sweep(self) -> int:
        return aca.push_due()

    def report(self, count: int, verbosity: int) -> str | None:
        return f"{count} ACA pushes attempted" if count else None
