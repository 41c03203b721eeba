import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from positions.expiry import expire_due


class Command(BaseCommand):
    help = ("Expire the unpaid options past their due date of positions that stop being "
            "payable then (switch_to_expired), skipping those with a payment in progress.")

    def add_arguments(self, parser):
        parser.add_argument("--today", metavar="YYYY-MM-DD",
                            help="Pretend today is this date (default: the Ente's today).")

    def handle(self, *args, today: str | None = None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError as exc:
            raise CommandError("--today must be a date as YYYY-MM-DD") from exc
        run = expire_due(day)
        self.stdout.write(f"{run.expired} options expired in {run.positions} positions; "
                          f"{run.skipped_in_progress} skipped (payment in progress)")
