from django.contrib import admin

from positions.models import Debtor, PaymentOption, PaymentPosition, Transfer


@admin.register(Debtor)
class DebtorAdmin(admin.ModelAdmin):
    list_display = ("full_name", "fiscal_code", "entity_type", "organization", "city")
    # "declared by" non-empty: an anagrafica an account typed for its own spontaneous
    # positions while its code was only declared, not the Ente's record.
    list_filter = ("organization", "entity_type", ("declared_by", admin.EmptyFieldListFilter))
    search_fields = ("full_name", "fiscal_code", "email")


class TransferInline(admin.TabularInline):
    model = Transfer
    extra = 0


class PaymentOptionInline(admin.TabularInline):
    model = PaymentOption
    extra = 0
    fields = ("installment_number", "iuv", "notice_number", "amount_cents", "due_date",
              "status", "paid_at")
    readonly_fields = ("iuv", "notice_number", "status", "paid_at")
    show_change_link = True


@admin.register(PaymentPosition)
class PaymentPositionAdmin(admin.ModelAdmin):
    list_display = ("causale", "debtor", "service", "external_reference", "status", "created_at")
    list_filter = ("organization", "status", "origin", "service")
    search_fields = ("causale", "external_reference", "debtor__fiscal_code",
                     "debtor__full_name", "options__iuv", "options__notice_number")
    list_select_related = ("debtor", "service")
    readonly_fields = ("status", "origin", "created_at", "updated_at")  # documents adds the avviso
    inlines = [PaymentOptionInline]


@admin.register(PaymentOption)
class PaymentOptionAdmin(admin.ModelAdmin):
    list_display = ("notice_number", "iuv", "position", "amount_cents", "due_date", "status")
    list_filter = ("status", "organization")
    search_fields = ("iuv", "notice_number", "position__causale")
    readonly_fields = ("organization", "iuv", "notice_number", "status", "paid_at",
                       "status_changed_at")
    inlines = [TransferInline]
