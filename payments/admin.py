import logging

from django.contrib import admin, messages
from django.http import Http404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from documents.bundles import receipt_filename
from documents.quietanza import render_receipt
from documents.responses import pdf_attachment
from payments.models import AcaPush, PaymentAttempt, Receipt
from payments.receipt_document import receipt_info_for
from payments.receipts import ReviewRefused, apply_after_review, verification_url

log = logging.getLogger(__name__)


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    """Receipts are evidence: staff read them and mark anomalies as reviewed, never edit."""

    list_display = ("receipt_id", "organization", "notice_number", "amount_cents",
                    "psp_company_name", "received_at", "applied", "needs_attention",
                    "reviewed_at")
    list_filter = ("needs_attention", "applied", "organization", "version")
    search_fields = ("receipt_id", "notice_number", "creditor_reference_id")
    date_hierarchy = "received_at"
    actions = ["mark_reviewed", "apply_after_review"]

    def get_readonly_fields(self, request, obj=None):
        return ["quietanza_link", *(field.name for field in self.model._meta.fields)]

    def get_urls(self):
        # Staff download the quietanza the payer gets, through the admin's own login and
        # permission checks (admin_view), not through the payer access rule.
        opts = self.model._meta
        extra = [
            path("<path:object_id>/quietanza.pdf",
                 self.admin_site.admin_view(self.quietanza_view),
                 name=f"{opts.app_label}_{opts.model_name}_quietanza"),
        ]
        return extra + super().get_urls()

    def quietanza_view(self, request, object_id):
        """The quietanza PDF of an applied receipt; 404 for any other."""
        receipt = None
        if str(object_id).isdigit():
            receipt = (Receipt.objects.filter(pk=object_id, applied=True)
                       .select_related("organization", "option__position__service").first())
        if receipt is None or not self.has_view_permission(request, receipt):
            raise Http404
        pdf = render_receipt(receipt_info_for(receipt, verification_url(receipt)))
        return pdf_attachment(pdf, receipt_filename(receipt.creditor_reference_id, receipt.pk))

    @admin.display(description=_("quietanza"))
    def quietanza_link(self, obj):
        if obj is None or obj.pk is None or not obj.applied:
            return _("La ricevuta non ha chiuso la posizione: nessuna quietanza.")
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_quietanza", args=[obj.pk])
        return format_html('<a href="{}" download>{}</a>', url, _("Scarica quietanza (PDF)"))

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Segna le anomalie come verificate"))
    def mark_reviewed(self, request, queryset):
        queryset.filter(reviewed_at__isnull=True).update(reviewed_at=timezone.now(),
                                                         reviewed_by=request.user)

    @admin.action(description=_("Applica dopo verifica: la ricevuta chiude la posizione"),
                  permissions=["change"])
    def apply_after_review(self, request, queryset):
        """Staff accept flagged receipts (e.g. a different amount, the wrong station):
        each goes through the same locks and state change as a delivery, and is logged
        (the admin's history and the application log); the others are refused, saying
        why, and nothing changes for them."""
        applied = 0
        for receipt in queryset.order_by("pk"):
            try:
                apply_after_review(receipt, request.user)
            except ReviewRefused as refusal:
                log.warning("Receipt %s not applied after review by %s: %s",
                            receipt.receipt_id, request.user.pk, refusal)
                self.message_user(request, gettext(
                    "Ricevuta %(receipt)s non applicata: %(reason)s") % {
                    "receipt": receipt.receipt_id, "reason": refusal}, messages.ERROR)
            else:
                self.log_change(request, receipt, gettext(
                    "Applicata dopo verifica: la posizione è chiusa da questa ricevuta."))
                applied += 1
        if applied:
            self.message_user(request, ngettext(
                "%(count)d ricevuta applicata dopo verifica.",
                "%(count)d ricevute applicate dopo verifica.", applied) % {"count": applied},
                messages.SUCCESS)


@admin.register(PaymentAttempt)
class PaymentAttemptAdmin(admin.ModelAdmin):
    list_display = ("public_id", "organization", "amount_cents", "status", "returned",
                    "created_at")
    list_filter = ("status", "returned", "organization")
    search_fields = ("public_id", "email")
    readonly_fields = ("public_id", "organization", "user", "options", "email", "amount_cents",
                       "status", "returned", "checkout_version", "checkout_location", "error",
                       "created_at", "updated_at")

    def has_add_permission(self, request):
        return False


@admin.register(AcaPush)
class AcaPushAdmin(admin.ModelAdmin):
    list_display = ("option", "status", "attempts", "next_attempt_at", "pushed_at",
                    "last_error")
    list_filter = ("status",)
    readonly_fields = ("option", "attempts", "pending_since", "pushed_at",
                       "pushed_amount_cents", "last_error")
