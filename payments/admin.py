from django.contrib import admin

from payments.models import AcaPush, PaymentAttempt, Receipt


@admin.register(Receipt)
class ReceiptAdmin(admin.ModelAdmin):
    """Receipts are evidence: superusers read them here. The work on flagged receipts
    (apply after review, mark handled) is the Ente's, in its back office."""

    list_display = ("receipt_id", "organization", "notice_number", "amount_cents",
                    "psp_company_name", "received_at", "applied", "needs_attention",
                    "reviewed_at")
    list_filter = ("needs_attention", "applied", "organization", "version")
    search_fields = ("receipt_id", "notice_number", "creditor_reference_id")
    date_hierarchy = "received_at"
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]  # documents adds the quietanza

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
