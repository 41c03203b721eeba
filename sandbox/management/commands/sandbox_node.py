import time

from django.core.management.base import BaseCommand

from sandbox import node


class Command(BaseCommand):
    help = "Sandbox Node: deliver the receipts whose time has come (retries included)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0,
                            help="Repeat every N seconds instead of running once.")

    def handle(self, *args, loop: int, **options):
        while True:
            tried = node.deliver_due()
            if tried:
                self.stdout.write(f"{tried} receipt deliveries attempted")
            if not loop:
                return
            time.sleep(loop)
