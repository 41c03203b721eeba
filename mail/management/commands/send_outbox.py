"""Send the queued emails that are due, once or in a loop (``serve`` runs the loop).

Also the safety net for cron: whatever was queued but never delivered (SMTP down, a
worker restart) leaves on the next pass."""

import time

from django.core.management.base import BaseCommand

from mail.outbox import send_due


class Command(BaseCommand):
    help = "Deliver queued emails that are due (retrying failed ones with back-off)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=float, metavar="SECONDS",
                            help="Keep running, checking every SECONDS.")

    def handle(self, *args, loop=None, **options):
        while True:
            sent = send_due()
            if sent or options["verbosity"] > 1:
                self.stdout.write(f"{sent} email(s) sent")
            if not loop:
                return
            time.sleep(loop)
