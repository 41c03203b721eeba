"""Positions in the Django admin: read-only, for the installation's superusers.

Every change of a position goes through ``positions.editing`` (the back office's
pages): the admin cannot keep the rules (amount = sum of transfers, the plans, no change
once paid, the ACA push, the audit trail), so it only shows. The avviso download is
added by ``documents/admin.py``.
"""

from django.contrib import admin

from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer


class ReadOnlyAdmin:
    """Viewing only: no add, change or delete through the admin."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Debtor)
class DebtorAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("full_name", "fiscal_code", "entity_type", "organization", "city")
    # "declared by" non-empty: an anagrafica an account typed for its own spontaneous
    # positions while its code was only declared, not the Ente's record.
    list_filter = ("organization", "entity_type", ("declared_by", admin.EmptyFieldListFilter))
    search_fields = ("full_name", "fiscal_code", "email")


class TransferInline(ReadOnlyAdmin, admin.TabularInline):
    model = Transfer
    extra = 0


class PaymentOptionInline(ReadOnlyAdmin, admin.TabularInline):
    model = PaymentOption
    extra = 0
    fields = ("plan", "installment_number", "iuv", "notice_number", "amount_cents",
              "due_date", "status", "paid_at")
    readonly_fields = fields
    show_change_link = True


@admin.register(PaymentPosition)
class PaymentPositionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("causale", "debtor", "service", "external_reference", "status", "created_at")
    list_filter = ("organization", "status", "origin", "service")
    search_fields = ("causale", "external_reference", "debtor__fiscal_code",
                     "debtor__full_name", "options__iuv", "options__notice_number")
    list_select_related = ("debtor", "service")
    readonly_fields = ("status", "origin", "cancellation_reason", "version", "created_at",
                       "updated_at")  # documents adds the avviso
    inlines = [PaymentOptionInline]


@admin.register(PaymentOption)
class PaymentOptionAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    list_display = ("notice_number", "iuv", "position", "amount_cents", "due_date", "status")
    list_filter = ("status", "organization")
    search_fields = ("iuv", "notice_number", "position__causale")
    readonly_fields = ("organization", "iuv", "notice_number", "plan", "status", "paid_at",
                       "status_changed_at")
    inlines = [TransferInline]
