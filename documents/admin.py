"""The documents on the admin pages of what they print: the avviso on a position's page,
the quietanza on a receipt's.

The admin classes stay in their apps, which never import this one (documents sits above
positions and payments); here they are extended and registered again, the way Django's
documentation extends the User admin. Staff download the same PDF the payer gets, through
the admin's own login and permission checks (``admin_view``), not the payer access rule.
"""

from __future__ import annotations

from django.contrib import admin
from django.http import Http404
from django.urls import path, reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from payments.admin import ReceiptAdmin as BaseReceiptAdmin
from payments.models import Receipt
from positions.admin import PaymentPositionAdmin as BasePaymentPositionAdmin
from positions.models import PaymentPosition

from .builders import NothingPayable, for_notices
from .notices import notice_file
from .receipts import receipt_filename, receipt_pdf
from .responses import pdf_attachment

admin.site.unregister(PaymentPosition)
admin.site.unregister(Receipt)


class DocumentDownload:
    """One PDF download on a model's admin: the URL ``<pk>/<route>`` named
    ``admin:<app>_<model>_<name>``, served by ``document_view``, and its link."""

    document_route: str
    document_name: str

    def get_urls(self):
        opts = self.model._meta
        extra = [
            path(f"<path:object_id>/{self.document_route}",
                 self.admin_site.admin_view(self.document_view),
                 name=f"{opts.app_label}_{opts.model_name}_{self.document_name}"),
        ]
        return extra + super().get_urls()

    def document_link(self, obj, label):
        opts = self.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_{self.document_name}",
                      args=[obj.pk])
        return format_html('<a href="{}" download>{}</a>', url, label)


@admin.register(PaymentPosition)
class PaymentPositionAdmin(DocumentDownload, BasePaymentPositionAdmin):
    readonly_fields = (*BasePaymentPositionAdmin.readonly_fields, "notice_link")
    document_route, document_name = "avviso.pdf", "notice"

    def document_view(self, request, object_id):
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
        return self.document_link(obj, _("Scarica l'avviso (PDF)"))


@admin.register(Receipt)
class ReceiptAdmin(DocumentDownload, BaseReceiptAdmin):
    document_route, document_name = "quietanza.pdf", "quietanza"

    def get_readonly_fields(self, request, obj=None):
        return ["quietanza_link", *super().get_readonly_fields(request, obj)]

    def document_view(self, request, object_id):
        """The quietanza PDF of an applied receipt; 404 for any other."""
        receipt = None
        if str(object_id).isdigit():
            receipt = (Receipt.objects.filter(pk=object_id, applied=True)
                       .select_related("organization", "option__position__service").first())
        if receipt is None or not self.has_view_permission(request, receipt):
            raise Http404
        pdf = receipt_pdf(receipt)
        return pdf_attachment(pdf, receipt_filename(receipt.creditor_reference_id, receipt.pk))

    @admin.display(description=_("quietanza"))
    def quietanza_link(self, obj):
        if obj is None or obj.pk is None or not obj.applied:
            return _("La ricevuta non ha chiuso la posizione: nessuna quietanza.")
        return self.document_link(obj, _("Scarica quietanza (PDF)"))
