import datetime as dt

from django.core.management.base import BaseCommand

from payments.reconciliation import report


class Command(BaseCommand):
    help = ("List payment attempts that never got a receipt, receipts flagged for staff and "
            "ACA mirrors given up. Exit status 1 when there is something to look at "
            "(for a daily cron that mails its output).")

    def add_arguments(self, parser):
        parser.add_argument("--older-than", type=int, default=60, metavar="MINUTES",
                            help="Only attempts started more than MINUTES ago (default 60).")

    def handle(self, *args, older_than: int, **options):
        result = report(dt.timedelta(minutes=older_than))
        out = self.stdout
        out.write(f"Tentativi senza ricevuta (più vecchi di {older_than} minuti): "
                  f"{len(result.attempts_without_receipt)}")
        for attempt in result.attempts_without_receipt:
            notices = ", ".join(attempt.options.values_list("notice_number", flat=True))
            out.write(f"  {attempt.created_at:%Y-%m-%d %H:%M} {attempt.organization.slug} "
                      f"{attempt.public_id} avvisi {notices} importo {attempt.amount_cents}")
        out.write(f"Ricevute da verificare: {len(result.flagged_receipts)}")
        for receipt in result.flagged_receipts:
            out.write(f"  {receipt.received_at:%Y-%m-%d %H:%M} {receipt.organization.slug} "
                      f"IUR {receipt.receipt_id} avviso {receipt.notice_number}: "
                      f"{', '.join(receipt.flag_labels())}")
        out.write(f"Allineamenti ACA non riusciti: {len(result.failed_aca_pushes)}")
        for push in result.failed_aca_pushes:
            out.write(f"  avviso {push.option.notice_number}: {push.last_error}")
        if not result.clean:
            raise SystemExit(1)
