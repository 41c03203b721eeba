"""Remove accounts whose activation link expired without being followed.

Run it daily (cron or systemd timer): ``python manage.py purge_unactivated_accounts``.
"""

from django.core.management.base import BaseCommand

from accounts.registration import purge_unactivated


class Command(BaseCommand):
    help = "Remove never-activated accounts older than ACCOUNT_ACTIVATION_HOURS."

    def handle(self, *args, **options):
        removed = purge_unactivated()
        self.stdout.write(f"{removed} never-activated account(s) removed.")
