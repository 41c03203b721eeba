"""The scheduler: every few seconds, enqueue the scheduled jobs that are due.

``manage.py serve`` runs it next to the web server and the worker, so one ``serve`` is a
complete installation (no cron). Several may run at once: each run is taken once (see
``scheduling.schedule``)."""

import time

from django.core.management.base import BaseCommand

from scheduling.schedule import tick


class Command(BaseCommand):
    help = "Enqueue the scheduled jobs (settings.SCHEDULE) when they are due."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=10, metavar="SECONDS",
                            help="Check every SECONDS (default 10).")
        parser.add_argument("--once", action="store_true", help="Check once and exit.")

    def handle(self, *args, interval: float, once: bool, **options):
        while True:
            started = tick()
            if started and options["verbosity"] > 1:
                self.stdout.write(f"Enqueued: {', '.join(started)}")
            if once:
                return
            time.sleep(interval)
