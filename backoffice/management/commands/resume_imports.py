from backoffice import imports
from sportello.outbox import SweeperCommand


class Command(SweeperCommand):
    help = "Queue again the file imports whose job stopped moving (a worker died)."
    loop_help = "Repeat every N seconds instead of running once."

    def sweep(self) -> int:
        return imports.resume_stale()

    def report(self, count: int, verbosity: int) -> str | None:
        return f"{count} imports resumed" if count else None
