import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from sandbox.fdr_publish import FAULTS, publish_day


class Command(BaseCommand):
    help = ("Sandbox PSPs: publish the reporting flows (FdR) of a day's payments, one per "
            "PSP per Ente, and book their credits at the treasurer.")

    def add_arguments(self, parser):
        parser.add_argument("--date", help="Day of the payments, YYYY-MM-DD (default: today).")
        parser.add_argument("--organization", help="Only this Ente (fiscal code).")
        parser.add_argument("--fault", action="append", default=[], choices=sorted(FAULTS),
                            help="A mishap on the first flow; may be repeated.")

    def handle(self, *args, date: str | None, organization: str | None, fault: list[str],
               **options):
        try:
            day = dt.date.fromisoformat(date) if date else timezone.localdate()
        except ValueError as exc:
            raise CommandError(f"--date: not a date ({date})") from exc
        report = publish_day(day, organization or None, frozenset(fault))
        for flow in report.flows:
            self.stdout.write(f"published {flow.fdr} revision {flow.revision} "
                              f"({flow.tot_payments} payments) for {flow.organization_id}")
        for credit in report.credits:
            self.stdout.write(f"credit {credit.amount_cents} cents {credit.remittance}")
        for reason in report.skipped:
            self.stdout.write(f"skipped {reason}")
        self.stdout.write(f"{len(report.flows)} flows, {len(report.credits)} credits")
