"""``manage.py send_reminders [--dry-run] [--date YYYY-MM-DD]``: the day's email reminders.

Scheduled (``SCHEDULE["send_reminders"]``); safe to run often and from several workers
at once: each reminder is recorded once (see ``reminders.sending``)."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reminders import sending


class Command(BaseCommand):
    help = "Send the email reminders due today (or on --date); --dry-run only lists them."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true",
                            help="List what would go out, send and record nothing.")
        parser.add_argument("--date", help="The day to act as, YYYY-MM-DD (default today).")

    def handle(self, *args, dry_run: bool = False, date: str | None = None,
               **options) -> None:
        on = _parse(date) if date else timezone.localdate()
        if dry_run:
            self._list(on)
            return
        counts = sending.send(on)
        self.stdout.write(f"{on.isoformat()}: {counts['positions']} positions reminded, "
                          f"{counts['emails']} emails queued, "
                          f"{counts['unreachable']} without any email address")

    def _list(self, on: date) -> None:
        planned = sending.plan(on)
        for item in planned:
            position = item.position
            to = ", ".join(item.recipients) or "NO EMAIL (recorded as unreachable)"
            cents = sum(o.amount_now_cents for o in item.options)
            total = f"{cents // 100},{cents % 100:02d} EUR"
            self.stdout.write(
                f"{position.organization.slug}\tposition {position.pk}\t{item.kind}\t"
                f"due {item.due_date.isoformat()}\t{total}\t"
                f"{len(item.options)} option(s)\tto: {to}")
        self.stdout.write(f"{on.isoformat()}: {len(planned)} reminders would go out "
                          "(dry run: nothing sent or recorded)")


def _parse(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--date must be YYYY-MM-DD, not {value!r}") from exc
