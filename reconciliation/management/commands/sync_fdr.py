from django.core.management.base import BaseCommand, CommandError

from organizations.models import Organization
from reconciliation.sync import sync_all


class Command(BaseCommand):
    help = ("Fetch the reporting flows (FdR) pagoPA published for each Ente since the "
            "last sync, store them and match their payments against the receipts.")

    def add_arguments(self, parser) -> None:
        parser.add_argument("--organization", action="append", default=[],
                            metavar="SLUG_OR_FISCAL_CODE",
                            help="Only this Ente (repeatable).")
        parser.add_argument("--retries", type=int, default=2,
                            help="Retries of a call when FdR is unavailable (default 2).")

    def handle(self, *args, organization: list[str], retries: int, **options) -> None:
        organizations = None
        if organization:
            organizations = []
            for name in organization:
                found = (Organization.objects.filter(slug=name).first()
                         or Organization.objects.filter(fiscal_code=name).first())
                if found is None:
                    raise CommandError(f"Unknown Ente: {name}")
                organizations.append(found)
        result = sync_all(organizations, retries=max(retries, 0))
        for run in result.runs:
            line = (f"{run.organization.slug}: {run.outcome}, {run.flows_listed} listed, "
                    f"{run.flows_stored} stored, {run.payments_stored} payments, "
                    f"{run.flows_ignored} ignored, {run.flows_refused} refused")
            if run.error:
                line += f" ({run.error})"
            self.stdout.write(line)
            for problem in run.problems:
                self.stdout.write(f"  {problem['fdr']} rev. {problem['revision']} "
                                  f"({problem['psp']}): {problem['reason']}")
        if result.failed:
            self.stderr.write("FdR sync failed for some Enti: the next run retries.")
            raise SystemExit(1)
