from django.contrib import admin, messages
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from payments import aca
from payments.models import AcaPush, PaymentAttempt, Receipt
from positions.models import InvalidTransition


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
    """The ACA state of each option, for staff: what ACA holds, what it refused and why.
    Rows needing attention (refused or given up) come first; nothing is edited here."""

    list_display = ("option", "aca_iuv", "status", "needs_attention", "pushed_amount_cents",
                    "invalidated_at", "last_status_code", "attempts", "pushed_at",
                    "last_error")
    list_filter = ("needs_attention", "status")
    search_fields = ("option__notice_number", "option__iuv", "aca_iuv")
    ordering = ("-needs_attention", "-next_attempt_at")
    actions = ["push_again", "renumber"]

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_renumber_permission(self, request) -> bool:
        """A new codice avviso changes what the payer must pay with: superusers only,
        like applying a receipt, until staff are scoped to an Ente."""
        return request.user.is_superuser

    @admin.action(description=_("Invia di nuovo ad ACA"))
    def push_again(self, request, queryset):
        for option_id in queryset.values_list("option_id", flat=True):
            aca.schedule(option_id)

    @admin.action(description=_("Nuovo IUV e codice avviso, poi registra in ACA"),
                  permissions=["renumber"])
    def renumber(self, request, queryset):
        """ACA never reopens an invalidated IUV: an option payable again is registered
        anew under a new IUV and codice avviso (a new avviso must reach the payer)."""
        for push in queryset.select_related("option__organization"):
            try:
                option = aca.renumber(push)
            except InvalidTransition:
                self.message_user(request, gettext(
                    "Opzione %(option)s non rinumerata: non è da pagare.") % {
                    "option": push.option}, messages.ERROR)
            else:
                self.log_change(request, push, gettext(
                    "Nuovo codice avviso %(notice)s per la registrazione in ACA.") % {
                    "notice": option.notice_number})
