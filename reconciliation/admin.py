"""Superusers read the flows, the sync runs and the work queue here; the work itself
(notes, resolving, recovering a payment) is the Ente's, in its back office."""

from django.contrib import admin

from reconciliation.models import Flow, FlowPayment, ReconciliationIssue, SyncRun


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class FlowPaymentInline(admin.TabularInline):
    model = FlowPayment
    fields = ("index", "iuv", "iur", "id_transfer", "amount_cents", "pay_status",
              "match_state", "receipt")
    readonly_fields = fields
    extra = 0
    show_change_link = False
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Flow)
class FlowAdmin(ReadOnlyAdmin):
    list_display = ("fdr", "revision", "psp_id", "organization", "regulation_date",
                    "payments_count", "payments_amount_cents", "status", "published_at")
    list_filter = ("status", "organization")
    search_fields = ("fdr", "regulation", "psp_id")
    inlines = [FlowPaymentInline]


@admin.register(ReconciliationIssue)
class ReconciliationIssueAdmin(ReadOnlyAdmin):
    list_display = ("kind", "state", "organization", "flow", "created_at", "resolved_at")
    list_filter = ("state", "kind", "organization")
    raw_id_fields = ("flow", "payment", "receipt")


@admin.register(SyncRun)
class SyncRunAdmin(ReadOnlyAdmin):
    list_display = ("organization", "started_at", "outcome", "flows_listed", "flows_stored",
                    "flows_ignored", "flows_refused", "watermark")
    list_filter = ("outcome", "organization")
