"""``manage.py import_positions FILE --organization CF [--dry-run]``: the back office's
import in a terminal, with a progress bar; the same reader and the same bulk writer."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from backoffice import imports
from backoffice.import_file import FileRefused, count_rows, kind_of
from organizations.models import Organization
from positions import bulk


class Command(BaseCommand):
    help = "Import positions from a CSV or XLSX file of the documented template."

    def add_arguments(self, parser):
        parser.add_argument("file", help="CSV (UTF-8 or Windows-1252, ; or ,) or XLSX")
        parser.add_argument("--organization", required=True, metavar="CF",
                            help="the Ente's codice fiscale")
        parser.add_argument("--dry-run", action="store_true",
                            help="check and report, write nothing")

    def handle(self, *args, file: str, organization: str, dry_run: bool, **options):
        ente = Organization.objects.filter(fiscal_code=organization).first()
        if ente is None:
            raise CommandError(f"No Ente with codice fiscale {organization}")
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"No such file: {file}")
        try:
            kind = kind_of(path.name)
            with path.open("rb") as stream:
                total = count_rows(stream, kind)
                with tqdm(total=total, unit="righe", disable=options["verbosity"] < 1,
                          file=self.stderr._out) as bar:
                    outcome = imports.import_stream(stream, kind, ente, dry_run=dry_run,
                                                    progress=bar.update)
        except FileRefused as exc:
            raise CommandError(str(exc)) from None
        for _reference, problem in sorted(outcome.problems, key=lambda p: p[1].line):
            self.stdout.write(f"riga {problem.line}"
                              f"{', ' + problem.column if problem.column else ''}: "
                              f"{problem.message}")
        counts = outcome.counts
        verb = "da creare" if dry_run else "create"
        self.stdout.write(
            f"{outcome.rows} righe: {counts[bulk.CREATED]} posizioni {verb}, "
            f"{counts[bulk.UPDATED]} {'da aggiornare' if dry_run else 'aggiornate'}, "
            f"{counts[bulk.UNCHANGED]} già presenti e invariate, "
            f"{counts[bulk.INVALID]} con errori, {counts[bulk.CONFLICT]} in conflitto"
            + (" (prova: nulla è stato scritto)" if dry_run else ""))
        if counts[bulk.INVALID] or counts[bulk.CONFLICT]:
            raise CommandError("Some positions were not imported: see the lines above.",
                               returncode=2)
