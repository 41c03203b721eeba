import time

from django.core.management.base import BaseCommand

from payments import aca


class Command(BaseCommand):
    help = "Push to ACA every position change still waiting (retries included)."

    def add_arguments(self, parser):
        parser.add_argument("--loop", type=int, default=0,
                            help="Repeat every N seconds instead of running once.")

    def handle(self, *args, loop: int, **options):
        while True:
            tried = aca.push_due()
            if tried:
                self.stdout.write(f"{tried} ACA pushes attempted")
            if not loop:
                return
            time.sleep(loop)
