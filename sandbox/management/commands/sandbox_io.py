"""Register what the simulated App IO knows: a service's subscription key, a citizen's
profile, a service the citizen blocked. Idempotent, so ``make run`` can call it."""

from django.core.management.base import BaseCommand, CommandError

from sandbox.models import IoProfile, IoService


class Command(BaseCommand):
    help = "Sandbox App IO: register a service key and/or citizens' profiles."

    def add_arguments(self, parser):
        parser.add_argument("--service-key", help="The IO service's subscription key.")
        parser.add_argument("--service-name", default="Servizio di prova")
        parser.add_argument("--ente", default="", help="The Ente's fiscal code (11 digits).")
        parser.add_argument("--profile", action="append", default=[], metavar="CF",
                            help="A fiscal code with an IO profile (repeatable).")
        parser.add_argument("--block", action="append", default=[], metavar="CF",
                            help="A citizen (with a profile) who blocked --service-key.")

    def handle(self, *args, service_key=None, service_name="", ente="", profile=(),
               block=(), **options):
        service = None
        if service_key:
            if ente and not (ente.isdigit() and len(ente) == 11):
                raise CommandError("--ente must be 11 digits")
            service, _created = IoService.objects.update_or_create(
                key=service_key, defaults={"name": service_name,
                                           "organization_fiscal_code": ente})
            self.stdout.write(f"IO service {service.name}: key registered")
        for fiscal_code in [*profile, *block]:
            IoProfile.objects.get_or_create(fiscal_code=fiscal_code.upper())
        if block:
            if service is None:
                raise CommandError("--block needs --service-key")
            for fiscal_code in block:
                IoProfile.objects.get(fiscal_code=fiscal_code.upper()).blocked_services.add(
                    service)
        if profile or block:
            self.stdout.write(f"{len(profile) + len(block)} IO profiles registered")
