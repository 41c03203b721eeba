from django.contrib import admin
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from documents.builders import NothingPayable, for_notices
from documents.notices import notice_file
from documents.responses import pdf_attachment
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
    readonly_fields = ("status", "origin", "created_at", "updated_at", "notice_link")
    inlines = [PaymentOptionInline]

    def get_urls(self):
        # Staff download the same avviso the payer gets, through the admin's own login
        # and permission checks (admin_view), not through the payer access rule.
        opts = self.model._meta
        extra = [
            path("<path:object_id>/avviso.pdf", self.admin_site.admin_view(self.notice_view),
                 name=f"{opts.app_label}_{opts.model_name}_notice"),
        ]
        return extra + super().get_urls()

    def notice_view(self, request, object_id):
        """The avviso PDF of one position; 404 when it cannot be seen or has nothing to pay."""
        position = None
        if str(object_id).isdigit():
            position = for_notices(PaymentPosition.objects.filter(pk=object_id)).first()
        if position is None or not self.has_view_permission(request, position):
            raise Http404
        try:
            document = notice_file(position)
        except NothingPayable as exc:
            raise Http404 from exc
        return pdf_attachment(document.content, document.filename)

    @admin.display(description=_("avviso di pagamento"))
    def notice_link(self, obj):
        if obj is None or obj.pk is None or not obj.has_payable_options:
            return _("Nessun importo da pagare: nessun avviso.")
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_notice", args=[obj.pk])
        return format_html('<a href="{}" download>{}</a>', url, _("Scarica l'avviso (PDF)"))


@admin.register(PaymentOption)
class PaymentOptionAdmin(admin.ModelAdmin):
    list_display = ("notice_number", "iuv", "position", "amount_cents", "due_date", "status")
    list_filter = ("status", "organization")
    search_fields = ("iuv", "notice_number", "position__causale")
    readonly_fields = ("organization", "iuv", "notice_number", "status", "paid_at",
                       "status_changed_at")
    inlines = [TransferInline]
