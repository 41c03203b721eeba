"""Delete ZIP bundles past their expiry: their bytes live in the database.

Run it daily (cron or systemd timer): ``python manage.py purge_document_bundles``.
"""

from django.core.management.base import BaseCommand

from documents.bundles import purge_expired_bundles


class Command(BaseCommand):
    help = "Delete document ZIP bundles whose 24-hour lifetime has ended."

    def handle(self, *args, **options):
        removed = purge_expired_bundles()
        self.stdout.write(f"{removed} expired document bundle(s) removed.")
